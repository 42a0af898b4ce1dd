// pthread_mutex_*: what std::mutex, std::recursive_mutex and std::timed_mutex compile to.
#include <errno.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "interposer.h"
#include "lock_table.h"
#include "mutex_identity.h"
#include "real_functions.h"

using namespace lockgraph;
using lockgraph::preload::real;

namespace {

using preload::mutex_id;

std::uint32_t reentry_flag(const pthread_mutex_t* m) {
  return preload::mutex_is_recursive(m) ? trace::flag::kMayReenter : 0;
}

// `block` is the real blocking call (lock, timedlock or clocklock).
template <class Block>
int lock_impl(pthread_mutex_t* m, std::uint32_t flags, bool blocking, const void* caller, Block block) {
  return preload::acquire(
      m, [=] { return std::pair{mutex_id(m, caller), flags | reentry_flag(m)}; }, caller, blocking,
      [m] { return __pthread_mutex_trylock(m); }, block);
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int pthread_mutex_lock(pthread_mutex_t* m) {
  if (preload::passes_through()) return __pthread_mutex_lock(m);
  return lock_impl(m, 0, true, __builtin_return_address(0), [m] { return __pthread_mutex_lock(m); });
}

__attribute__((visibility("default"))) int pthread_mutex_trylock(pthread_mutex_t* m) {
  if (preload::passes_through()) return __pthread_mutex_trylock(m);
  return lock_impl(m, trace::flag::kTry, false, __builtin_return_address(0), [] { return 0; });
}

__attribute__((visibility("default"))) int pthread_mutex_timedlock(pthread_mutex_t* m, const timespec* t) {
  if (preload::passes_through()) return real().mutex_timedlock(m, t);
  return lock_impl(m, trace::flag::kTimed, true, __builtin_return_address(0),
                   [m, t] { return real().mutex_timedlock(m, t); });
}

__attribute__((visibility("default"))) int pthread_mutex_clocklock(pthread_mutex_t* m, clockid_t c,
                                                                   const timespec* t) {
  if (preload::passes_through()) return real().mutex_clocklock(m, c, t);
  return lock_impl(m, trace::flag::kTimed, true, __builtin_return_address(0),
                   [m, c, t] { return real().mutex_clocklock(m, c, t); });
}

__attribute__((visibility("default"))) int pthread_mutex_unlock(pthread_mutex_t* m) {
  if (preload::passes_through() || rt::fast_release_at(m)) return __pthread_mutex_unlock(m);
  rt::LockId id = mutex_id(m, __builtin_return_address(0));
  if (!rt::note_released(id)) {
    // Not held by this thread: glibc keeps the owner's tid in every mutex it locks.
    bool unlocked = m->__data.__lock == 0;
    rt::lock_misused(id, unlocked ? trace::incident::kUnlockNotHeld : trace::incident::kUnlockNotOwner);
  }
  return __pthread_mutex_unlock(m);
}

__attribute__((visibility("default"))) int pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* a) {
  // A new lock, even at an old address (glibc's init zeroes the id kept in the mutex).
  if (!preload::passes_through()) preload::forget_lock(m);
  return __pthread_mutex_init(m, a);
}

__attribute__((visibility("default"))) int pthread_mutex_destroy(pthread_mutex_t* m) {
  if (preload::passes_through()) return __pthread_mutex_destroy(m);
  if (m->__data.__lock != 0) {
    rt::LockId id = mutex_id(m, __builtin_return_address(0));
    if (!rt::lock_held(id)) rt::lock_misused(id, trace::incident::kDestroyHeld);
  }
  if (rt::LockId id = preload::forget_mutex(m)) rt::lock_destroyed(id);
  return __pthread_mutex_destroy(m);
}

}  // extern "C"
