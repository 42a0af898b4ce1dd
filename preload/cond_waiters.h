// Which mutex a condition variable's current waiters passed, to tell one condition variable used
// with two mutexes at once (POSIX: undefined; Helgrind reports it too). Keyed by the condition
// variable's address in a fixed lock-free table, freed at destroy (std::condition_variable's
// destructor calls it); a full neighbourhood forgets (misses a report, never makes a false one).
// Waiters are counted from entering the wait to returning from it, as Helgrind does.
#pragma once

#include <cstdint>

namespace lockgraph::preload {

// A wait on `cond` with the mutex `mutex` (its lock id) begins. True if other waiters are in a
// wait on it with another mutex right now.
bool cond_wait_begins(const void* cond, std::uint64_t mutex) noexcept;

// That wait returned.
void cond_wait_ends(const void* cond) noexcept;

// `cond` is initialised or destroyed: what was known of it is forgotten.
void cond_forget(const void* cond) noexcept;

}  // namespace lockgraph::preload
