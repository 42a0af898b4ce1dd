// pthread_rwlock_*: what std::shared_mutex and std::shared_timed_mutex compile to.
#include <pthread.h>
#include <unistd.h>

#include "interposer.h"
#include "real_functions.h"

using namespace lockgraph;
using lockgraph::preload::real;

namespace {

rt::LockId id_of(pthread_rwlock_t* l, const void* caller) {
  return preload::lock_id(l, trace::LockKind::kSharedMutex, caller);
}

// glibc answers EDEADLK to a thread that read- or write-locks a rwlock it holds for writing
// (it keeps the writer's tid): such a relock is reported, never aborted. A reader that asks to
// write hangs for real.
std::uint32_t relock_flags(const pthread_rwlock_t* l) {
  return l->__data.__cur_writer == ::gettid() ? trace::flag::kRefusesRelock : 0;
}

template <class TryOnce, class Block>
int rw_acquire(pthread_rwlock_t* l, std::uint32_t flags, bool blocking, const void* caller, TryOnce t, Block b) {
  return preload::acquire(l, [=] { return std::pair{id_of(l, caller), flags | relock_flags(l)}; }, caller,
                          blocking, t, b);
}

}  // namespace

#define LOCKGRAPH_PASS_THROUGH(call) \
  if (preload::passes_through(l)) return call

extern "C" {

__attribute__((visibility("default"))) int pthread_rwlock_rdlock(pthread_rwlock_t* l) {
  LOCKGRAPH_PASS_THROUGH(preload::pass_on(__pthread_rwlock_rdlock, preload::g_next_lock_calls.rwlock_rdlock, l));
  return rw_acquire(l, trace::flag::kShared, true, __builtin_return_address(0),
                    [l] { return __pthread_rwlock_tryrdlock(l); }, [l] { return __pthread_rwlock_rdlock(l); });
}

__attribute__((visibility("default"))) int pthread_rwlock_wrlock(pthread_rwlock_t* l) {
  LOCKGRAPH_PASS_THROUGH(preload::pass_on(__pthread_rwlock_wrlock, preload::g_next_lock_calls.rwlock_wrlock, l));
  return rw_acquire(l, 0, true, __builtin_return_address(0), [l] { return __pthread_rwlock_trywrlock(l); },
                    [l] { return __pthread_rwlock_wrlock(l); });
}

__attribute__((visibility("default"))) int pthread_rwlock_tryrdlock(pthread_rwlock_t* l) {
  LOCKGRAPH_PASS_THROUGH(preload::pass_on(__pthread_rwlock_tryrdlock, preload::g_next_lock_calls.rwlock_tryrdlock, l));
  return rw_acquire(l, trace::flag::kShared | trace::flag::kTry, false, __builtin_return_address(0),
                    [l] { return __pthread_rwlock_tryrdlock(l); }, [] { return 0; });
}

__attribute__((visibility("default"))) int pthread_rwlock_trywrlock(pthread_rwlock_t* l) {
  LOCKGRAPH_PASS_THROUGH(preload::pass_on(__pthread_rwlock_trywrlock, preload::g_next_lock_calls.rwlock_trywrlock, l));
  return rw_acquire(l, trace::flag::kTry, false, __builtin_return_address(0),
                    [l] { return __pthread_rwlock_trywrlock(l); }, [] { return 0; });
}

__attribute__((visibility("default"))) int pthread_rwlock_timedrdlock(pthread_rwlock_t* l, const timespec* t) {
  LOCKGRAPH_PASS_THROUGH(real().rwlock_timedrdlock(l, t));
  return rw_acquire(l, trace::flag::kShared | trace::flag::kTimed, true, __builtin_return_address(0),
                    [l] { return __pthread_rwlock_tryrdlock(l); }, [l, t] { return real().rwlock_timedrdlock(l, t); });
}

__attribute__((visibility("default"))) int pthread_rwlock_timedwrlock(pthread_rwlock_t* l, const timespec* t) {
  LOCKGRAPH_PASS_THROUGH(real().rwlock_timedwrlock(l, t));
  return rw_acquire(l, trace::flag::kTimed, true, __builtin_return_address(0),
                    [l] { return __pthread_rwlock_trywrlock(l); }, [l, t] { return real().rwlock_timedwrlock(l, t); });
}

__attribute__((visibility("default"))) int pthread_rwlock_clockrdlock(pthread_rwlock_t* l, clockid_t c,
                                                                      const timespec* t) {
  LOCKGRAPH_PASS_THROUGH(real().rwlock_clockrdlock(l, c, t));
  return rw_acquire(l, trace::flag::kShared | trace::flag::kTimed, true, __builtin_return_address(0),
                    [l] { return __pthread_rwlock_tryrdlock(l); },
                    [l, c, t] { return real().rwlock_clockrdlock(l, c, t); });
}

__attribute__((visibility("default"))) int pthread_rwlock_clockwrlock(pthread_rwlock_t* l, clockid_t c,
                                                                      const timespec* t) {
  LOCKGRAPH_PASS_THROUGH(real().rwlock_clockwrlock(l, c, t));
  return rw_acquire(l, trace::flag::kTimed, true, __builtin_return_address(0),
                    [l] { return __pthread_rwlock_trywrlock(l); },
                    [l, c, t] { return real().rwlock_clockwrlock(l, c, t); });
}

__attribute__((visibility("default"))) int pthread_rwlock_unlock(pthread_rwlock_t* l) {
  LOCKGRAPH_PASS_THROUGH(preload::pass_on(__pthread_rwlock_unlock, preload::g_next_lock_calls.rwlock_unlock, l));
  if (rt::fast_release_at(l)) return __pthread_rwlock_unlock(l);
  rt::LockId id = id_of(l, __builtin_return_address(0));
  if (!rt::note_released(id)) rt::lock_misused(id, trace::incident::kUnlockNotHeld);
  int rc = __pthread_rwlock_unlock(l);
  rt::note_unlocked();
  return rc;
}

__attribute__((visibility("default"))) int pthread_rwlock_init(pthread_rwlock_t* l, const pthread_rwlockattr_t* a) {
  if (preload::passes_through()) return preload::pass_on(__pthread_rwlock_init, preload::g_next_lock_calls.rwlock_init, l, a);
  preload::forget_lock(l);  // a new lock, even at an old address
  int rc = __pthread_rwlock_init(l, a);
  // Made here: this call is its creation site, not its first lock.
  if (rc == 0) (void)preload::lock_id(l, trace::LockKind::kSharedMutex, __builtin_return_address(0), true);
  return rc;
}

__attribute__((visibility("default"))) int pthread_rwlock_destroy(pthread_rwlock_t* l) {
  LOCKGRAPH_PASS_THROUGH(preload::pass_on(__pthread_rwlock_destroy, preload::g_next_lock_calls.rwlock_destroy, l));
  if (rt::LockId id = preload::forget_lock(l)) rt::lock_destroyed(id);
  return __pthread_rwlock_destroy(l);
}

}  // extern "C"
