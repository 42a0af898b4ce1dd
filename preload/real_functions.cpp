#include "real_functions.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

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
namespace {

template <class F>
void find(F& out, const char* name, const char* version) {
  void* p = ::dlvsym(RTLD_NEXT, name, version);
  if (!p) p = ::dlsym(RTLD_NEXT, name);
  if (!p) {
    std::fprintf(stderr, "lockgraph preload: cannot find the real %s\n", name);
    std::abort();
  }
  out = reinterpret_cast<F>(p);
}

RealFunctions resolve() {
  RealFunctions r{};
  r.mutex_lock = __pthread_mutex_lock;
  r.mutex_trylock = __pthread_mutex_trylock;
  r.mutex_unlock = __pthread_mutex_unlock;
  r.mutex_init = __pthread_mutex_init;
  r.mutex_destroy = __pthread_mutex_destroy;
  r.rwlock_rdlock = __pthread_rwlock_rdlock;
  r.rwlock_wrlock = __pthread_rwlock_wrlock;
  r.rwlock_tryrdlock = __pthread_rwlock_tryrdlock;
  r.rwlock_trywrlock = __pthread_rwlock_trywrlock;
  r.rwlock_unlock = __pthread_rwlock_unlock;
  r.rwlock_init = __pthread_rwlock_init;
  r.rwlock_destroy = __pthread_rwlock_destroy;
  find(r.mutex_timedlock, "pthread_mutex_timedlock", "GLIBC_2.34");
  // libstdc++ uses the clock variants for steady-clock waits (try_lock_for, wait_for).
  find(r.mutex_clocklock, "pthread_mutex_clocklock", "GLIBC_2.34");
  find(r.rwlock_clockrdlock, "pthread_rwlock_clockrdlock", "GLIBC_2.34");
  find(r.rwlock_clockwrlock, "pthread_rwlock_clockwrlock", "GLIBC_2.34");
  find(r.cond_clockwait, "pthread_cond_clockwait", "GLIBC_2.34");
  find(r.rwlock_timedrdlock, "pthread_rwlock_timedrdlock", "GLIBC_2.34");
  find(r.rwlock_timedwrlock, "pthread_rwlock_timedwrlock", "GLIBC_2.34");
  find(r.cond_wait, "pthread_cond_wait", "GLIBC_2.3.2");
  find(r.cond_timedwait, "pthread_cond_timedwait", "GLIBC_2.3.2");
  find(r.cond_signal, "pthread_cond_signal", "GLIBC_2.3.2");
  find(r.cond_broadcast, "pthread_cond_broadcast", "GLIBC_2.3.2");
  find(r.create, "pthread_create", "GLIBC_2.34");
  find(r.join, "pthread_join", "GLIBC_2.34");
  find(r.detach, "pthread_detach", "GLIBC_2.34");
  find(r.setname, "pthread_setname_np", "GLIBC_2.34");
  return r;
}

[[gnu::constructor]] void resolve_early() { (void)real(); }

}  // namespace

const RealFunctions& real() noexcept {
  static const RealFunctions functions = resolve();
  return functions;
}

}  // namespace lockgraph::preload
