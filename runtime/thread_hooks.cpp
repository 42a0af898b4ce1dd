// Thread lifecycle records: start (with parent and the parent's segment), name, join, end.
// Segments let the analyzer order events by start/join without a record per event.
#include <pthread.h>

#include "lockgraph/runtime.h"
#include "record_builder.h"
#include "lockgraph/lock_path.h"
#include "sync_records.h"
#include "thread_state.h"
#include "trace_writer.h"

namespace lockgraph::rt {
namespace {

// A thread that starts or joins another while holding locks keeps those holds across its new
// segment: say which, so the analyzer dates each hold from its real start. Rare, so no cost on
// the common path. The caller holds the buffer guard.
void record_held_across(ThreadState& ts) noexcept {
  if (ts.held.empty()) return;
  RecordBuilder record(ts.buffer, trace::kind::kSegmentHeld);
  record.num("t", ts.tid).num("seg", ts.segment).open_array("held");
  for (const HeldLock& h : ts.held) record.array_item(h.lock);
  record.close_array().end();
}

}  // namespace

ThreadTicket thread_forking() noexcept {
  ThreadTicket ticket;
  ReentryGuard reentry;
  // The parent's state first: a main thread seen for the first time here gets the lower id.
  ThreadState* parent = reentry ? current_thread_state() : nullptr;
  ticket.child = allocate_thread_id();
  if (!reentry) return ticket;
  if (parent) {
    ticket.parent = parent->tid;
    ticket.parent_segment = parent->segment;
    parent->set_segment(parent->segment + 1);
    if (!parent->held.empty()) {
      BufferGuard guard(*parent);
      record_held_across(*parent);
    }
    record_sync(*parent, 'r', trace::sync_object::kThreadStart, ticket.child);
    // Where the thread was started, for reports ("thread 3, started at ..."): unwound each time
    // (a thread start costs far more), interned once per distinct stack.
    {
      BufferGuard guard(*parent);
      ticket.creation_stack = capture_and_intern_stack(parent->buffer, parent->stack_scratch);
    }
    flush_if_needed(*parent);
  }
  return ticket;
}

namespace {
// A new thread's stack and its static TLS may be an ended thread's, reused: what that thread did
// there is not this one's history. glibc keeps the static TLS between the stack and the thread's
// descriptor (the thread pointer, which pthread_self() returns), in the same block.
void forget_stack_history(ThreadState& ts) {
  pthread_attr_t attr;
  if (::pthread_getattr_np(::pthread_self(), &attr) != 0) return;
  void* low = nullptr;
  std::size_t size = 0;
  if (::pthread_attr_getstack(&attr, &low, &size) == 0 && low) {
    auto begin = reinterpret_cast<std::uintptr_t>(low), end = begin + size;
    auto descriptor = static_cast<std::uintptr_t>(::pthread_self());
    if (descriptor > end && descriptor - end < (std::uintptr_t{1} << 24)) end = descriptor;
    record_block_start(ts, low, end - begin, nullptr, true);
  }
  ::pthread_attr_destroy(&attr);
}
}  // namespace

void thread_started(const ThreadTicket& ticket) noexcept {
  ReentryGuard reentry;
  if (!reentry) return;
  ThreadState* ts = adopt_thread_state(ticket.child);
  if (!ts) return;
  {
    BufferGuard guard(*ts);
    RecordBuilder(ts->buffer, trace::kind::kThread)
        .num("t", ts->tid)
        .num("parent", ticket.parent)
        .num("pseg", ticket.parent_segment)
        .num("s", ticket.creation_stack)
        .end();
  }
  flush_if_needed(*ts);
  if (ticket.parent != 0) record_sync(*ts, 'a', trace::sync_object::kThreadStart, ts->tid);
  if (race_tracking_started()) forget_stack_history(*ts);
}

void thread_joined(ThreadId child) noexcept {
  ReentryGuard reentry;
  if (!reentry || child == 0) return;
  ThreadState* ts = current_thread_state();
  if (!ts) return;
  {
    BufferGuard guard(*ts);
    ts->set_segment(ts->segment + 1);
    RecordBuilder(ts->buffer, trace::kind::kJoin)
        .num("t", ts->tid)
        .num("joined", child)
        .num("seg", ts->segment)
        .end();
    record_held_across(*ts);
  }
  flush_if_needed(*ts);
  record_sync(*ts, 'a', trace::sync_object::kThreadExit, child);
}

ThreadId current_thread_id() noexcept {
  ReentryGuard reentry;
  ThreadState* ts = reentry ? current_thread_state() : nullptr;
  return ts ? ts->tid : 0;
}

void set_thread_name(const char* name) noexcept {
  ReentryGuard reentry;
  if (!reentry || !name) return;
  ThreadState* ts = current_thread_state();
  if (!ts) return;
  {
    BufferGuard guard(*ts);
    RecordBuilder(ts->buffer, trace::kind::kThreadName).num("t", ts->tid).str("name", name).end();
  }
  flush_if_needed(*ts);
}

}  // namespace lockgraph::rt
