// What every interposed lock operation shares: pass straight through inside the runtime, and the
// acquisition protocol of the wrappers (try first; only a lock that would block is checked for
// self-deadlock, has its edge recorded before the wait and is published to the hang watchdog).
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

#include "lockgraph/runtime.h"
#include "lockgraph/lock_path.h"
#include "lock_table.h"

namespace lockgraph::preload {

// What the interposers of this library do. The preload library records every pthread call, or
// stands aside because the program carries the lockgraph runtime itself (it was built with the
// wrappers; decided on first use, see own_runtime.cpp). The runtime library (linked_role.cpp) is
// linked: its interposers record threads, condition variables, semaphores and barriers, which
// no wrapper sees (std::thread, std::condition_variable), while the program's locks are its
// wrappers' to record.
enum class Role : std::uint8_t { kUndecided, kRecords, kStandsAside, kLinked };
extern std::atomic<Role> g_role;
Role decide_role() noexcept;

// True when an interposer must only pass the call on to glibc: while the runtime itself runs (its
// own locks are not the program's), and always in a program that carries the runtime itself.
// Two runtimes would record every lock twice, the wrapper and the pthread mutex inside it, nested
// (so that each wrapper looked like a gate lock and hid the program's cycles), and both would
// write the same trace file.
inline Role role() noexcept {
  Role role = g_role.load(std::memory_order_relaxed);
  return role == Role::kUndecided ? decide_role() : role;
}
inline bool passes_through() noexcept {
  return rt::tls_lock_path.depth != 0 || role() == Role::kStandsAside;
}

// Whether pthread mutexes are this library's to record (not in a linked program, where the
// wrappers record the program's locks and a pthread mutex may be a wrapper's insides).
inline bool records_mutexes() noexcept { return role() == Role::kRecords; }

// Acquires the lock object at `address` with `try_once` (returns 0 on success) and, if that
// fails and `blocking`, `block` (returns 0 or an error), reporting to the runtime. The fast path
// remembers `address` in the hold, so the release (rt::fast_release_at) needs no id lookup.
// `identify` returns the lock's id and flags; it is called only after the first try: reading the
// lock (its kind, its id) before the real lock would fetch a contended lock's cache line shared,
// and the lock's atomic would then have to fetch it again exclusive. Returns the pthread result.
template <class Identify, class TryOnce, class Block>
int acquire(const void* address, Identify identify, const void* caller, bool blocking,
            TryOnce try_once, Block block) {
  int rc = try_once();
  if (rc != 0 && blocking && rt::backoff_try([&] { return try_once() == 0; })) rc = 0;
  const auto [id, flags] = identify();
  if (rc != 0 && blocking) {
    rt::lock_contended(id, flags, caller);
    rc = block();
    rt::lock_wait_ended(id);
  }
  // The runtime's fast path inline (this library contains the runtime), else its general path.
  if (rc == 0)
    rt::note_acquired(id, flags, caller, address);
  else if (flags & (trace::flag::kTry | trace::flag::kTimed))
    rt::lock_try_failed(id, flags, caller);
  return rc;
}

}  // namespace lockgraph::preload
