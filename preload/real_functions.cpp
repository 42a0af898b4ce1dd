#include "real_functions.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

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
  find(r.cond_init, "pthread_cond_init", "GLIBC_2.3.2");
  find(r.cond_destroy, "pthread_cond_destroy", "GLIBC_2.3.2");
  find(r.create, "pthread_create", "GLIBC_2.34");
  find(r.join, "pthread_join", "GLIBC_2.34");
  find(r.detach, "pthread_detach", "GLIBC_2.34");
  find(r.setname, "pthread_setname_np", "GLIBC_2.34");
  find(r.spin_lock, "pthread_spin_lock", "GLIBC_2.34");
  find(r.spin_trylock, "pthread_spin_trylock", "GLIBC_2.34");
  find(r.spin_unlock, "pthread_spin_unlock", "GLIBC_2.34");
  find(r.spin_init, "pthread_spin_init", "GLIBC_2.34");
  find(r.spin_destroy, "pthread_spin_destroy", "GLIBC_2.34");
  find(r.sem_post, "sem_post", "GLIBC_2.34");
  find(r.sem_wait, "sem_wait", "GLIBC_2.34");
  find(r.sem_trywait, "sem_trywait", "GLIBC_2.34");
  find(r.sem_timedwait, "sem_timedwait", "GLIBC_2.34");
  find(r.sem_clockwait, "sem_clockwait", "GLIBC_2.34");
  find(r.barrier_init, "pthread_barrier_init", "GLIBC_2.34");
  find(r.barrier_wait, "pthread_barrier_wait", "GLIBC_2.34");
  find(r.mtx_init, "mtx_init", "GLIBC_2.34");
  find(r.mtx_destroy, "mtx_destroy", "GLIBC_2.34");
  find(r.thrd_create, "thrd_create", "GLIBC_2.34");
  find(r.thrd_join, "thrd_join", "GLIBC_2.34");
  find(r.thrd_detach, "thrd_detach", "GLIBC_2.34");
  return r;
}

[[gnu::constructor]] void resolve_early() { (void)real(); }

}  // namespace

const RealFunctions& real() noexcept {
  static const RealFunctions functions = resolve();
  return functions;
}

}  // namespace lockgraph::preload
