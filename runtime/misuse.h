// Incident records: lock misuse the runtime sees as it happens (trace_format.h, incident::).
#pragma once

#include "lockgraph/runtime.h"
#include "thread_state.h"

namespace lockgraph::rt {

// Records that the calling thread (`ts`) does `what` to `id` here, and, if `held` is not null,
// where it took that hold. Captures a stack; flushes the trace so the record survives a crash.
void record_misuse(ThreadState& ts, LockId id, const char* what, const HeldLock* held) noexcept;

// A thread ends with locks still held: one record naming each hold. Called at thread exit.
void record_exit_holding(ThreadState& ts) noexcept;

}  // namespace lockgraph::rt
