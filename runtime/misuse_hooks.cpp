// Lock misuse found at run time, as it happens: relocking a held non-recursive lock (before it
// hangs), unlocking a lock not held, destroying a held lock, ending a thread with locks held,
// waiting on a condition without its mutex. Each is an "incident" record with stacks, flushed at
// once: a misuse is often followed by a crash or a hang.
#include <cstdio>
#include <cstdlib>

#include "lockgraph/runtime.h"
#include "lockgraph/trace_format.h"
#include "hang_watchdog.h"
#include "lock_request.h"
#include "misuse.h"
#include "options.h"
#include "record_builder.h"
#include "lockgraph/lock_path.h"
#include "stack_depot.h"
#include "thread_state.h"
#include "trace_writer.h"

namespace lockgraph::rt {

namespace inc = trace::incident;

void record_misuse(ThreadState& ts, LockId id, const char* what, const HeldLock* held) noexcept {
  ReentryGuard reentry;
  {
    BufferGuard guard(ts);
    std::uint32_t now = capture_and_intern_stack(ts.buffer, ts.stack_scratch);
    RecordBuilder record(ts.buffer, trace::kind::kIncident);
    record.str("what", what).open_array("p").array_row({ts.tid, id, now, inc::kHere});
    if (held) record.array_row({ts.tid, id, held->stack_id, inc::kHolds});
    record.close_array().end();
  }
  flush_all();
}

void record_exit_holding(ThreadState& ts) noexcept {
  ReentryGuard reentry;
  {
    BufferGuard guard(ts);
    std::uint32_t now = capture_and_intern_stack(ts.buffer, ts.stack_scratch);
    RecordBuilder record(ts.buffer, trace::kind::kIncident);
    record.str("what", inc::kExitHolding).open_array("p").array_row({ts.tid, 0, now, inc::kHere});
    for (const HeldLock& h : ts.held) record.array_row({ts.tid, h.lock, h.stack_id, inc::kHolds});
    record.close_array().end();
  }
  flush_all();
}

void lock_contended(LockId id, std::uint32_t flags, const void* caller) noexcept {
  if (runtime_depth() != 0) return;
  ThreadState* ts = current_thread_state();
  if (ts == nullptr) return;
  note_lock_request(*ts, id, flags, caller);
  // A timed or try acquisition gives up by itself: never part of a hang the watchdog reports
  // (under `lockgraph run` a reported hang ends the program).
  if (watchdog_enabled() && !(flags & (trace::flag::kTimed | trace::flag::kTry))) begin_wait(*ts, id);
  if (flags & trace::flag::kMayReenter) return;  // its holder may take it again
  HeldLock* held = ts->find_held(id);
  if (held == nullptr) return;  // an ordinary wait for another thread
  if ((flags & trace::flag::kShared) && (held->flags & trace::flag::kShared)) return;  // two reads
  record_misuse(*ts, id, inc::kSelfDeadlock, held);
  // A timed relock times out and an error-checking mutex refuses it (EDEADLK): the program gets
  // that answer as it would without lockgraph; only a relock that hangs for ever is aborted.
  if ((flags & (trace::flag::kTimed | trace::flag::kRefusesRelock)) || options().self_deadlock == "hang")
    return;
  std::fprintf(stderr,
               "lockgraph: self-deadlock: thread %u locks lock #%llu, which it already holds; "
               "aborting instead of hanging (self_deadlock=hang lets it hang). "
               "`lockgraph analyze` on the trace shows both stacks.\n",
               ts->tid, static_cast<unsigned long long>(id));
  std::abort();
}

void lock_wait_ended(LockId) noexcept {
  ThreadState* ts = tls_state;
  if (ts != nullptr && watchdog_enabled()) end_wait(*ts);
}

bool lock_held(LockId id) noexcept {
  ThreadState* ts = tls_state;
  return ts != nullptr && ts->find_held(id) != nullptr;
}

void lock_misused(LockId id, const char* what) noexcept {
  if (runtime_depth() != 0 || what == nullptr) return;
  ThreadState* ts = current_thread_state();
  if (ts == nullptr) return;
  record_misuse(*ts, id, what, ts->find_held(id));
}

}  // namespace lockgraph::rt
