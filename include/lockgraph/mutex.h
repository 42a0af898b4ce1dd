// Instrumented drop-in replacements for the standard mutexes.
//
// lockgraph::mutex, recursive_mutex, timed_mutex, recursive_timed_mutex, shared_mutex and
// shared_timed_mutex have the interface of their std counterparts, so std::lock_guard,
// std::unique_lock, std::shared_lock, std::scoped_lock, std::lock and std::condition_variable_any
// work with them, plus an optional name shown in reports: `lockgraph::mutex accounts{"accounts"}`.
//
// Defining LOCKGRAPH_DISABLE turns each into its std type (with the name constructor kept), so
// release builds pay nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <type_traits>

#include "lockgraph/lock_path.h"
#include "lockgraph/runtime.h"

namespace lockgraph {

#ifndef LOCKGRAPH_DISABLE

namespace detail {

// A call site must be told apart without unwinding on the hot path. The lock methods are always
// inlined (a call and its register saves cost as much as the fast path), so the site combines
// the program counter of the inlined copy (on x86-64: which line locks) with the enclosing
// function's return address (who called it: the user's line when the enclosing function is a
// generic one such as std::lock_guard's constructor).
[[gnu::always_inline]] inline const void* call_site() noexcept {
  auto caller = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
#if defined(__x86_64__)
  std::uintptr_t pc;
  asm volatile("lea 0(%%rip), %0" : "=r"(pc));  // volatile: one per inlined copy, never merged
  // Code addresses fit in 47 bits: the rotation keeps the two from cancelling out.
  return reinterpret_cast<const void*>(pc ^ ((caller << 32) | (caller >> 32)));
#else
  return reinterpret_cast<const void*>(caller);
#endif
}
#define LOCKGRAPH_CALL_SITE() ::lockgraph::detail::call_site()
#define LOCKGRAPH_INLINE [[gnu::always_inline]] inline

// The std locks that are one pthread mutex (std::mutex, std::recursive_mutex): the wrappers lock
// them through glibc directly (rt::glibc_mutex), as their std methods would, minus the runtime
// library's interposer in between. The other kinds go through their std methods, which the
// interposer lets through (rt::lock_wraps marked them).
template <class Std>
concept is_plain_pthread_mutex = std::is_same_v<Std, std::mutex> || std::is_same_v<Std, std::recursive_mutex>;

template <class Std>
concept has_timed = requires(Std m) { m.try_lock_for(std::chrono::seconds(0)); };
template <class Std>
concept has_shared = requires(Std m) { m.lock_shared(); };
template <class Std>
concept has_shared_timed = requires(Std m) { m.try_lock_shared_for(std::chrono::seconds(0)); };

// One template serves every wrapper: the std type supplies the locking, the runtime hears of it.
// Methods the std type lacks are removed by their requires-clauses, so each wrapper's interface is
// exactly its std type's.
template <class Std, trace::LockKind Kind>
class instrumented_lock {
  // Recursive kinds tell the runtime to look for a re-entrant hold; the others never need to.
  static constexpr std::uint32_t kReentry =
      trace::lock_kind_is_recursive(Kind) ? trace::flag::kMayReenter : 0;

 public:
  // Unnamed: its address goes to the runtime, so a global or static one is named after its
  // symbol, as under the preload library.
  LOCKGRAPH_INLINE instrumented_lock() noexcept
      : id_(rt::lock_created_at(Kind, nullptr, LOCKGRAPH_CALL_SITE(), this)) {
    rt::lock_wraps(Kind, &impl_);
  }
  LOCKGRAPH_INLINE explicit instrumented_lock(const char* name) noexcept
      : id_(rt::lock_created(Kind, name, LOCKGRAPH_CALL_SITE())) {
    rt::lock_wraps(Kind, &impl_);
  }
  // A lock destroyed while another thread holds it is a misuse (the runtime itself notices one
  // the destroying thread holds): a failed try_lock tells that without any bookkeeping.
  ~instrumented_lock() {
    if (!rt::lock_held(id_)) {
      if (insides_try_lock())
        insides_unlock();
      else
        rt::lock_misused(id_, trace::incident::kDestroyHeld);
    }
    rt::lock_destroyed(id_);
  }
  instrumented_lock(const instrumented_lock&) = delete;
  instrumented_lock& operator=(const instrumented_lock&) = delete;

  // Try first: an uncontended lock pays nothing more, and only a lock that would block is checked
  // for self-deadlock (a thread re-locking what it holds) before it blocks.
  // Nothing of ours is read before the real lock (see lock_path.h): id_ shares its cache line.
  LOCKGRAPH_INLINE void lock() {
    const void* site = LOCKGRAPH_CALL_SITE();
    if (!insides_try_lock()) wait_for_lock(site);
    rt::note_acquired(id_, kReentry, site);
  }
  LOCKGRAPH_INLINE bool try_lock() {
    return noted(insides_try_lock(), trace::flag::kTry | kReentry, LOCKGRAPH_CALL_SITE());
  }
  // The release is recorded before the real unlock, so the next owner's acquisition follows it.
  LOCKGRAPH_INLINE void unlock() {
    if (!rt::note_released(id_) && !unlock_misused()) return;
    insides_unlock();
    rt::note_unlocked();
  }

  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& d)
    requires has_timed<Std>
  {
    return noted(impl_.try_lock_for(d), trace::flag::kTimed | kReentry, LOCKGRAPH_CALL_SITE());
  }
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& t)
    requires has_timed<Std>
  {
    return noted(impl_.try_lock_until(t), trace::flag::kTimed | kReentry, LOCKGRAPH_CALL_SITE());
  }

  LOCKGRAPH_INLINE void lock_shared()
    requires has_shared<Std>
  {
    const void* site = LOCKGRAPH_CALL_SITE();
    if (!impl_.try_lock_shared()) wait_for_shared(site);
    rt::note_acquired(id_, trace::flag::kShared, site);
  }
  LOCKGRAPH_INLINE bool try_lock_shared()
    requires has_shared<Std>
  {
    return noted(impl_.try_lock_shared(), trace::flag::kShared | trace::flag::kTry,
                 LOCKGRAPH_CALL_SITE());
  }
  LOCKGRAPH_INLINE void unlock_shared()
    requires has_shared<Std>
  {
    if (!rt::note_released(id_) && !unlock_misused()) return;
    impl_.unlock_shared();
    rt::note_unlocked();
  }
  template <class Rep, class Period>
  bool try_lock_shared_for(const std::chrono::duration<Rep, Period>& d)
    requires has_shared_timed<Std>
  {
    return noted(impl_.try_lock_shared_for(d), trace::flag::kShared | trace::flag::kTimed,
                 LOCKGRAPH_CALL_SITE());
  }
  template <class Clock, class Duration>
  bool try_lock_shared_until(const std::chrono::time_point<Clock, Duration>& t)
    requires has_shared_timed<Std>
  {
    return noted(impl_.try_lock_shared_until(t), trace::flag::kShared | trace::flag::kTimed,
                 LOCKGRAPH_CALL_SITE());
  }

  // The id this lock has in the trace.
  rt::LockId trace_id() const noexcept { return id_; }

 private:
  // The lock was taken: back off briefly (rt::backoff_try), then record the wait (the lock-order
  // edge, a self-deadlock check, the hang watchdog) and block. Out of line: the rare case.
  [[gnu::noinline]] void wait_for_lock(const void* site) {
    if (rt::backoff_try([this] { return insides_try_lock(); })) return;
    rt::lock_contended(id_, kReentry, site);
    insides_lock();
    rt::lock_wait_ended(id_);
  }
  [[gnu::noinline]] void wait_for_shared(const void* site)
    requires has_shared<Std>
  {
    if (rt::backoff_try([this] { return impl_.try_lock_shared(); })) return;
    rt::lock_contended(id_, trace::flag::kShared, site);
    impl_.lock_shared();
    rt::lock_wait_ended(id_);
  }

  LOCKGRAPH_INLINE bool noted(bool acquired_it, std::uint32_t flags, const void* site) {
    if (acquired_it)
      rt::note_acquired(id_, flags, site);
    else
      rt::lock_try_failed(id_, flags, site);
    return acquired_it;
  }

  // An unlock by a thread that does not hold the lock: if nobody holds it, reports that and
  // returns false (the real unlock would be undefined behaviour, so it is skipped); if another
  // thread holds it, reports that and returns true (the unlock goes ahead, as it would have).
  [[gnu::cold]] bool unlock_misused() {
    if (insides_try_lock()) {
      insides_unlock();
      rt::lock_misused(id_, trace::incident::kUnlockNotHeld);
      return false;
    }
    rt::lock_misused(id_, trace::incident::kUnlockNotOwner);
    return true;
  }

  LOCKGRAPH_INLINE bool insides_try_lock() {
    if constexpr (is_plain_pthread_mutex<Std>)
      return rt::glibc_mutex.trylock(impl_.native_handle()) == 0;
    else
      return impl_.try_lock();
  }
  LOCKGRAPH_INLINE void insides_lock() {
    if constexpr (is_plain_pthread_mutex<Std>) {
      if (int error = rt::glibc_mutex.lock(impl_.native_handle())) std::__throw_system_error(error);
    } else {
      impl_.lock();
    }
  }
  LOCKGRAPH_INLINE void insides_unlock() {
    if constexpr (is_plain_pthread_mutex<Std>)
      rt::glibc_mutex.unlock(impl_.native_handle());
    else
      impl_.unlock();
  }

  // lock_wraps marks impl_ by its address: libstdc++'s std locks are one pthread mutex or rwlock.
  static_assert(sizeof(Std) == sizeof(pthread_mutex_t) || sizeof(Std) == sizeof(pthread_rwlock_t));
  Std impl_;
  rt::LockId id_;
};

}  // namespace detail

using mutex = detail::instrumented_lock<std::mutex, trace::LockKind::kMutex>;
using recursive_mutex =
    detail::instrumented_lock<std::recursive_mutex, trace::LockKind::kRecursiveMutex>;
using timed_mutex = detail::instrumented_lock<std::timed_mutex, trace::LockKind::kTimedMutex>;
using recursive_timed_mutex =
    detail::instrumented_lock<std::recursive_timed_mutex, trace::LockKind::kRecursiveTimedMutex>;
using shared_mutex = detail::instrumented_lock<std::shared_mutex, trace::LockKind::kSharedMutex>;
using shared_timed_mutex =
    detail::instrumented_lock<std::shared_timed_mutex, trace::LockKind::kSharedTimedMutex>;

#else  // LOCKGRAPH_DISABLE: the std types, keeping the name constructor so code compiles unchanged.

namespace detail {
template <class Std>
class named : public Std {
 public:
  named() = default;
  explicit named(const char*) noexcept {}
};
}  // namespace detail

using mutex = detail::named<std::mutex>;
using recursive_mutex = detail::named<std::recursive_mutex>;
using timed_mutex = detail::named<std::timed_mutex>;
using recursive_timed_mutex = detail::named<std::recursive_timed_mutex>;
using shared_mutex = detail::named<std::shared_mutex>;
using shared_timed_mutex = detail::named<std::shared_timed_mutex>;

#endif

}  // namespace lockgraph
