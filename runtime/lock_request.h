// A lock about to be waited for is recorded as a lock-order edge before the wait: if the wait
// never ends (a real deadlock, the process then killed), the edge that closes the cycle is
// already in the trace.
#pragma once

#include "lockgraph/runtime.h"
#include "thread_state.h"

namespace lockgraph::rt {

// Records the chain (held locks -> `id`) unless known; the acquisition counts it when it happens.
void note_lock_request(ThreadState& ts, LockId id, std::uint32_t flags, const void* caller) noexcept;

}  // namespace lockgraph::rt
