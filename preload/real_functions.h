// The real pthread functions behind the interposed ones, found without allocating: glibc exports
// __pthread_mutex_* and __pthread_rwlock_* aliases, which the interposers call directly (no
// lookup, no indirect call on the lock path); the rest come from dlvsym(RTLD_NEXT) with the
// symbol version current glibc binds to (an unversioned dlsym could return a compat version,
// e.g. the pre-2.3.2 pthread_cond_wait), unless another tool's interposer comes first.
#pragma once

#include <pthread.h>
#include <semaphore.h>
#include <threads.h>
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

// Since glibc 2.34 these aliases are kept only as compatibility symbols (no default version):
// a program linked with a library that names them unversioned fails to link ("undefined
// reference"). Bound to the version they have on this architecture, they link everywhere.
#if defined(__x86_64__)
#define LOCKGRAPH_GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define LOCKGRAPH_GLIBC_BASE "GLIBC_2.17"
#endif
#ifdef LOCKGRAPH_GLIBC_BASE
#define LOCKGRAPH_BIND(name) __asm__(".symver " #name "," #name "@" LOCKGRAPH_GLIBC_BASE);
LOCKGRAPH_BIND(__pthread_mutex_lock)
LOCKGRAPH_BIND(__pthread_mutex_trylock)
LOCKGRAPH_BIND(__pthread_mutex_unlock)
LOCKGRAPH_BIND(__pthread_mutex_init)
LOCKGRAPH_BIND(__pthread_mutex_destroy)
LOCKGRAPH_BIND(__pthread_rwlock_rdlock)
LOCKGRAPH_BIND(__pthread_rwlock_wrlock)
LOCKGRAPH_BIND(__pthread_rwlock_tryrdlock)
LOCKGRAPH_BIND(__pthread_rwlock_trywrlock)
LOCKGRAPH_BIND(__pthread_rwlock_unlock)
LOCKGRAPH_BIND(__pthread_rwlock_init)
LOCKGRAPH_BIND(__pthread_rwlock_destroy)
#undef LOCKGRAPH_BIND
#endif

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
  int (*cond_init)(pthread_cond_t*, const pthread_condattr_t*);
  int (*cond_destroy)(pthread_cond_t*);
  int (*create)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  int (*join)(pthread_t, void**);
  int (*detach)(pthread_t);
  int (*setname)(pthread_t, const char*);
  int (*spin_lock)(pthread_spinlock_t*);
  int (*spin_trylock)(pthread_spinlock_t*);
  int (*spin_unlock)(pthread_spinlock_t*);
  int (*spin_init)(pthread_spinlock_t*, int);
  int (*spin_destroy)(pthread_spinlock_t*);
  int (*sem_post)(sem_t*);
  int (*sem_wait)(sem_t*);
  int (*sem_trywait)(sem_t*);
  int (*sem_timedwait)(sem_t*, const timespec*);
  int (*sem_clockwait)(sem_t*, clockid_t, const timespec*);
  int (*barrier_init)(pthread_barrier_t*, const pthread_barrierattr_t*, unsigned);
  int (*barrier_wait)(pthread_barrier_t*);
  int (*mtx_init)(mtx_t*, int);
  void (*mtx_destroy)(mtx_t*);
  int (*thrd_create)(thrd_t*, thrd_start_t, void*);
  int (*thrd_join)(thrd_t, int*);
  int (*thrd_detach)(thrd_t);
};

// Resolved on first use (and by the library's constructor), then constant. Each is the next
// definition in lookup order when that is another tool's interposer (ThreadSanitizer's libtsan,
// another preloaded library), so that the tool still sees the call; else glibc's.
const RealFunctions& real() noexcept;

// The plain-named definitions that come after this library of the mutex and rwlock calls the
// interposers make straight to glibc's aliases: another tool's interposers, or glibc's own (set
// with real(); null before). A library that stands aside passes calls on through these: the
// aliases may be bound to a definition before it (clang's ThreadSanitizer intercepts them in the
// executable itself), and the tool behind it must see every lock.
struct NextLockCalls {
  int (*mutex_lock)(pthread_mutex_t*);
  int (*mutex_trylock)(pthread_mutex_t*);
  int (*mutex_unlock)(pthread_mutex_t*);
  int (*mutex_init)(pthread_mutex_t*, const pthread_mutexattr_t*);
  int (*mutex_destroy)(pthread_mutex_t*);
  int (*rwlock_rdlock)(pthread_rwlock_t*);
  int (*rwlock_wrlock)(pthread_rwlock_t*);
  int (*rwlock_tryrdlock)(pthread_rwlock_t*);
  int (*rwlock_trywrlock)(pthread_rwlock_t*);
  int (*rwlock_unlock)(pthread_rwlock_t*);
  int (*rwlock_init)(pthread_rwlock_t*, const pthread_rwlockattr_t*);
  int (*rwlock_destroy)(pthread_rwlock_t*);
};
extern NextLockCalls g_next_lock_calls;

}  // namespace lockgraph::preload
