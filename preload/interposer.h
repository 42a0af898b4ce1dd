// What every interposed lock operation shares: pass straight through inside the runtime, and the
// acquisition protocol of the wrappers (try first; only a lock that would block is checked for
// self-deadlock, has its edge recorded before the wait and is published to the hang watchdog).
#pragma once

#include <errno.h>
#include <threads.h>

#include <atomic>
#include <cstdint>
#include <utility>

#include "lockgraph/runtime.h"
#include "lockgraph/lock_path.h"
#include "lock_table.h"
#include "real_functions.h"
#include "wrapper_insides.h"

namespace lockgraph::preload {

// What the interposers of this library do. The preload library records every pthread call, or
// stands aside because the program carries the lockgraph runtime itself (it was built with the
// wrappers or the race flags; decided on first use, see own_runtime.cpp). The runtime library
// that programs link (linked_role.cpp) records every pthread call too, except on the locks inside
// the program's wrappers, which the wrappers record (wrapper_insides.h).
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
// The same for a call on the lock `l`, which in a linked program may be a wrapper's insides.
template <class PthreadLock>
inline bool passes_through(PthreadLock* l) noexcept {
  if (rt::tls_lock_path.depth != 0) return true;
  Role now = role();
  return now == Role::kStandsAside || (now == Role::kLinked && is_wrapper_insides(l));
}

// A mutex or rwlock call passed on to glibc's alias `alias`, or, while this library stands aside,
// to the definition after it (`next`, real_functions.h): ThreadSanitizer's or the program's own
// runtime then sees every lock it would see without this library.
template <class Alias, class Next, class... Args>
inline int pass_on(Alias alias, Next next, Args... args) noexcept {
  if (next && g_role.load(std::memory_order_relaxed) == Role::kStandsAside) return next(args...);
  return alias(args...);
}

// Whether a pthread lock call's result means the caller holds the lock: 0, or EOWNERDEAD (a
// robust mutex whose owner died: acquired, to be made consistent by the caller).
inline bool acquired(int rc) noexcept { return rc == 0 || rc == EOWNERDEAD; }

// What a lock call glibc refuses with EINVAL was made on: memory that is no lock (never
// initialised, overwritten). Interposers that can tell a destroyed lock say so instead.
inline const char* refused_lock(const void*) noexcept { return trace::incident::kInvalidLock; }

// Acquires the lock object at `address` with `try_once` (returns 0 on success) and, if that
// fails and `blocking`, `block` (returns 0 or an error), reporting to the runtime. The fast path
// remembers `address` in the hold, so the release (rt::fast_release_at) needs no id lookup.
// `identify` returns the lock's id and flags; it is called only after the first try: reading the
// lock (its kind, its id) before the real lock would fetch a contended lock's cache line shared,
// and the lock's atomic would then have to fetch it again exclusive. A first try that glibc
// refuses (EINVAL) is reported as `refusal(address)` says (null: no misuse), and no wait follows.
// Returns the pthread result, whatever it is: the program sees what it would see without lockgraph.
template <class Identify, class TryOnce, class Block>
int acquire(const void* address, Identify identify, const void* caller, bool blocking,
            TryOnce try_once, Block block, const char* (*refusal)(const void*) = refused_lock) {
  int rc = try_once();
  if (rc == EINVAL) [[unlikely]] {
    if (const char* what = refusal(address)) rt::lock_misused(identify().first, what);
    return blocking ? block() : rc;  // what glibc answers the call the program made
  }
  if (!acquired(rc) && blocking) rt::backoff_try([&] { return acquired(rc = try_once()); });
  const auto [id, flags] = identify();
  if (!acquired(rc) && blocking) {
    rt::lock_contended(id, flags, caller);
    rc = block();
    rt::lock_wait_ended(id);
  }
  const std::uint32_t recorded = flags & ~trace::flag::kRefusesRelock;
  // The runtime's fast path inline (this library contains the runtime), else its general path.
  if (acquired(rc))
    rt::note_acquired(id, recorded, caller, address);
  else if (flags & (trace::flag::kTry | trace::flag::kTimed))
    rt::lock_try_failed(id, recorded, caller);
  return rc;
}

// The C11 <threads.h> answer for a pthread result, as glibc's mtx_* and cnd_* give it.
inline int c11_result(int rc) noexcept {
  switch (rc) {
    case 0: return thrd_success;
    case EBUSY: return thrd_busy;
    case ETIMEDOUT: return thrd_timedout;
    case ENOMEM: return thrd_nomem;
    default: return thrd_error;
  }
}

}  // namespace lockgraph::preload
