// The real pthread functions behind the interposed ones, found without allocating: glibc exports
// __pthread_mutex_* and __pthread_rwlock_* aliases, which the interposers call directly (no
// lookup, no indirect call on the lock path); the rest come from dlvsym(RTLD_NEXT) with the
// symbol version current glibc binds to (an unversioned dlsym could return a compat version,
// e.g. the pre-2.3.2 pthread_cond_wait).
#pragma once

#include <pthread.h>
#include <time.h>

extern "C" {
int __pthread_mutex_lock(pthread_mutex_t*);
int __pthread_mutex_trylock(pthread_mutex_t*);
int __pthread_mutex_unlock(pthread_mutex_t*);
int __pthread_mutex_init(pthread_mutex_t*, const pthread_mutexattr_t*);
int __pthread_mutex_destroy(pthread_mutex_t*);
int __pthread_rwlock_rdlock(pthread_rwlock_t*);
int __pthread_rwlock_wrlock(pthread_rwlock_t*);
int __pthread_rwlock_tryrdlock(pthread_rwlock_t*);
int __pthread_rwlock_trywrlock(pthread_rwlock_t*);
int __pthread_rwlock_unlock(pthread_rwlock_t*);
int __pthread_rwlock_init(pthread_rwlock_t*, const pthread_rwlockattr_t*);
int __pthread_rwlock_destroy(pthread_rwlock_t*);
}

namespace lockgraph::preload {

struct RealFunctions {
  int (*mutex_timedlock)(pthread_mutex_t*, const timespec*);
  int (*mutex_clocklock)(pthread_mutex_t*, clockid_t, const timespec*);
  int (*rwlock_timedrdlock)(pthread_rwlock_t*, const timespec*);
  int (*rwlock_timedwrlock)(pthread_rwlock_t*, const timespec*);
  int (*rwlock_clockrdlock)(pthread_rwlock_t*, clockid_t, const timespec*);
  int (*rwlock_clockwrlock)(pthread_rwlock_t*, clockid_t, const timespec*);
  int (*cond_wait)(pthread_cond_t*, pthread_mutex_t*);
  int (*cond_timedwait)(pthread_cond_t*, pthread_mutex_t*, const timespec*);
  int (*cond_clockwait)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const timespec*);
  int (*cond_signal)(pthread_cond_t*);
  int (*cond_broadcast)(pthread_cond_t*);
  int (*create)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  int (*join)(pthread_t, void**);
  int (*detach)(pthread_t);
  int (*setname)(pthread_t, const char*);
};

// Resolved on first use (and by the library's constructor), then constant.
const RealFunctions& real() noexcept;

}  // namespace lockgraph::preload
