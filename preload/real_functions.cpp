#include "real_functions.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>

namespace lockgraph::preload {
namespace {

// Whether `p` lies in glibc (libc.so.6; libpthread.so.0 before glibc 2.34).
bool in_glibc(void* p) {
  Dl_info info{};
  if (::dladdr(p, &info) == 0 || !info.dli_fname) return true;  // unknown: take glibc's version
  const std::string_view file = info.dli_fname;
  auto ends_with = [&](std::string_view name) {
    return file.size() >= name.size() && file.substr(file.size() - name.size()) == name;
  };
  return ends_with("/libc.so.6") || ends_with("/libpthread.so.0");
}

// The next definition of `name` after this library, if another tool's interposer; else null.
void* tool_after(const char* name) {
  void* next = ::dlsym(RTLD_NEXT, name);
  return next && !in_glibc(next) ? next : nullptr;
}

template <class F>
void find(F& out, const char* name, const char* version) {
  void* p = tool_after(name);
  if (!p) p = ::dlvsym(RTLD_NEXT, name, version);
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
  NextLockCalls& t = g_next_lock_calls;
  const std::pair<void*, const char*> next_lock_calls[] = {
      {&t.mutex_lock, "pthread_mutex_lock"},         {&t.mutex_trylock, "pthread_mutex_trylock"},
      {&t.mutex_unlock, "pthread_mutex_unlock"},     {&t.mutex_init, "pthread_mutex_init"},
      {&t.mutex_destroy, "pthread_mutex_destroy"},   {&t.rwlock_rdlock, "pthread_rwlock_rdlock"},
      {&t.rwlock_wrlock, "pthread_rwlock_wrlock"},   {&t.rwlock_tryrdlock, "pthread_rwlock_tryrdlock"},
      {&t.rwlock_trywrlock, "pthread_rwlock_trywrlock"}, {&t.rwlock_unlock, "pthread_rwlock_unlock"},
      {&t.rwlock_init, "pthread_rwlock_init"},       {&t.rwlock_destroy, "pthread_rwlock_destroy"},
  };
  for (const auto& [slot, name] : next_lock_calls) {
    void* next = ::dlsym(RTLD_NEXT, name);  // a function pointer's bits, as dlsym gives them
    std::memcpy(slot, &next, sizeof next);
  }
  return r;
}

[[gnu::constructor]] void resolve_early() { (void)real(); }

}  // namespace

NextLockCalls g_next_lock_calls{};

const RealFunctions& real() noexcept {
  static const RealFunctions functions = resolve();
  return functions;
}

}  // namespace lockgraph::preload
