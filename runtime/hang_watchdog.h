// The hang watchdog (hang_timeout_ms > 0): a thread about to block on a lock publishes what it
// waits for and what it holds; a background thread looks for a cycle of such waits older than
// the timeout, writes it as an observed deadlock with every thread's stacks, flushes the trace,
// and then (on_hang=abort) aborts or (on_hang=report) lets the program keep waiting.
//
// Only waiting threads publish, and only on the contended path: a thread in a deadlock cycle is
// blocked, so what it published stays true while the watchdog reads it.
#pragma once

#include "lockgraph/runtime.h"
#include "thread_state.h"

namespace lockgraph::rt {

// True if the watchdog runs (hang_timeout_ms > 0).
bool watchdog_enabled() noexcept;

// Starts the watchdog thread once, if enabled.
void start_watchdog() noexcept;

// The calling thread is about to block on `id` / got it.
void begin_wait(ThreadState& ts, LockId id) noexcept;
void end_wait(ThreadState& ts) noexcept;

}  // namespace lockgraph::rt
