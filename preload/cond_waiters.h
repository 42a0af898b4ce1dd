// Which mutex a condition variable's current waiters passed, to tell one condition variable used
// with two mutexes at once (POSIX: undefined; Helgrind reports it too), and how many of them no
// signal or broadcast has woken, to tell a condition variable destroyed while threads still wait
// on it (POSIX: undefined; glibc's destroy then waits for them for ever). Keyed by the condition
// variable's address in a fixed lock-free table, freed at destroy (std::condition_variable's
// destructor calls it); a full neighbourhood forgets (misses a report, never makes a false one).
// Waiters are counted from entering the wait to returning from it, as Helgrind does.
#pragma once

#include <cstdint>

namespace lockgraph::preload {

// A wait on `cond` with the mutex `mutex` (its lock id) begins. True if other waiters are in a
// wait on it with another mutex right now.
bool cond_wait_begins(const void* cond, std::uint64_t mutex) noexcept;

// That wait returned `rc` (0: woken, or spuriously; else timed out or failed).
void cond_wait_ends(const void* cond, int rc) noexcept;

// `cond` is signalled (`all`: broadcast): as many waiters as it wakes are no longer waiting for
// a wake-up. A waiter that then times out leaves the count of those woken alone, so a destroy
// after a broadcast, while the woken waiters still take their mutex back, is never reported.
void cond_signalled(const void* cond, bool all) noexcept;

// The mutex (lock id) of the waiters of `cond` that no signal has woken, or 0 if there are none.
std::uint64_t cond_unwoken_waiters(const void* cond) noexcept;

// `cond` is initialised or destroyed: what was known of it is forgotten.
void cond_forget(const void* cond) noexcept;

}  // namespace lockgraph::preload
