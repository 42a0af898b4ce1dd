#include "thread_state.h"

#include <algorithm>
#include <iterator>

#include <unistd.h>

#include "lockgraph/trace_format.h"
#include "misuse.h"
#include "record_builder.h"
#include "lockgraph/lock_path.h"
#include "sync_records.h"
#include "trace_writer.h"

namespace lockgraph::rt {

__thread ThreadState* tls_state LOCKGRAPH_FAST_TLS = nullptr;
__thread LockPath tls_lock_path LOCKGRAPH_FAST_TLS;

namespace {

std::atomic<ThreadState*> g_first_state{nullptr};
std::atomic<ThreadState*> g_state_of_tid[kStateSlots];
std::atomic<ThreadId> g_next_tid{1};

thread_local ThreadId tls_tid LOCKGRAPH_FAST_TLS = 0;  // survives teardown, so a state re-made at exit keeps the id
// Where an ended thread's segment and sync epoch stood: a state re-made at exit (a destructor that
// locks or frees) goes on from there, not from 0, which would date its events before the thread's
// own earlier ones.
thread_local std::uint32_t tls_ended_segment LOCKGRAPH_FAST_TLS = 0;
thread_local std::uint32_t tls_ended_epoch LOCKGRAPH_FAST_TLS = 0;

// Records the thread's end and releases its memory when the thread exits; the registry node, with
// its buffer, stays for the next thread to reuse. The records wait in that buffer for the next
// write like any others (a program that starts many short threads would otherwise pay a write
// per thread); exit, signals and fork() flush every registered buffer.
void end_thread(ThreadState& state) {
  // The main thread too: it ends here when the process exits (exit() runs the thread's
  // destructors first), and locks it still holds are a misuse like any thread's (a destructor or
  // atexit handler that needs one waits for ever).
  if (!state.held.empty()) record_exit_holding(state);
  record_sync(state, 'r', trace::sync_object::kThreadExit, state.tid);
  {
    BufferGuard guard(state);
    RecordBuilder(state.buffer, trace::kind::kThreadEnd)
        .num("t", state.tid)
        .num("seg", state.segment)
        .end();
  }
  {
    BufferGuard guard(state);
    append_counts(state);
    append_access_runs(state);
    state.path = nullptr;  // the thread's TLS goes with it; a flush from another thread must not read it
    state.held.detach();
    state.chains.stop_mirroring();
    state.chains.clear();
  }
  flush_if_needed(state);
  state.signal_stack.remove();
  tls_ended_segment = state.segment;
  tls_ended_epoch = state.sync_epoch;
  state.live.store(false, std::memory_order_release);
}

struct ThreadExitHook {
  ~ThreadExitHook() {
    if (tls_state) {
      ReentryGuard reentry;  // the runtime's own work: its copies and frees are not the program's
      ThreadState* state = tls_state;
      tls_state = nullptr;
      end_thread(*state);
    }
  }
};
thread_local ThreadExitHook tls_exit_hook;

ThreadState* claim_state() {
  for (ThreadState* s = g_first_state.load(std::memory_order_acquire); s; s = s->next) {
    bool expected = false;
    if (s->live.compare_exchange_strong(expected, true)) return s;
  }
  auto* fresh = new ThreadState();
  fresh->live.store(true);
  ThreadState* head = g_first_state.load();
  do {
    fresh->next = head;
  } while (!g_first_state.compare_exchange_weak(head, fresh));
  return fresh;
}

ThreadState* make_state(ThreadId tid) {
  if (!recording()) return nullptr;
  ThreadState* state = claim_state();
  state->tid = tid;
  if (tid < kStateSlots) g_state_of_tid[tid].store(state, std::memory_order_release);
  const bool again = tid == tls_tid;  // the thread ended and does more (at exit)
  state->path = nullptr;  // its runs were written when it ended; a new thread has none
  for (AccessRun& r : tls_lock_path.runs) r = AccessRun{};
  state->set_segment(again ? tls_ended_segment : 0);
  state->set_sync_epoch(again ? tls_ended_epoch + 1 : 0);
  // A state re-made after the thread ended has no lock path: nothing would end it again before
  // the thread's TLS goes (its accesses after its end are not recorded).
  if (!again) state->path = &tls_lock_path;
  std::fill(std::begin(state->recorded_accesses), std::end(state->recorded_accesses), 0);
  std::fill(std::begin(state->written_accesses), std::end(state->written_accesses), ThreadState::WrittenAccess{});
  state->held.attach(&tls_lock_path);
  state->chains.mirror_to(&tls_lock_path);
  state->buffer.reserve(4096);  // one operation's records: handed over when it ends
  state->signal_stack.install();
  (void)&tls_exit_hook;  // odr-use: registers the exit hook's destructor for this thread
  tls_state = state;
  tls_tid = tid;
  return state;
}

}  // namespace

ThreadId allocate_thread_id() noexcept { return g_next_tid.fetch_add(1); }

ThreadState* first_thread_state() noexcept { return g_first_state.load(std::memory_order_acquire); }

ThreadState* thread_state_of(ThreadId tid) noexcept {
  return tid < kStateSlots ? g_state_of_tid[tid].load(std::memory_order_acquire) : nullptr;
}

ThreadState* make_current_thread_state() noexcept {
  ReentryGuard reentry;  // it allocates and may open the trace: nothing in here is the program's
  bool first_time = tls_tid == 0;
  ThreadState* state = make_state(first_time ? allocate_thread_id() : tls_tid);
  if (state && first_time) {
    // A thread not started through lockgraph::thread: its parent is unknown.
    BufferGuard guard(*state);
    RecordBuilder record(state->buffer, trace::kind::kThread);
    record.num("t", state->tid).num("parent", 0).num("pseg", 0);
    if (state->tid == 1) record.str("name", "main");
    record.end();
  }
  return state;
}

ThreadState* adopt_thread_state(ThreadId tid) noexcept {
  if (tls_state) return tls_state;
  return make_state(tid);
}

}  // namespace lockgraph::rt
