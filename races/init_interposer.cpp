// One-time initialisation: a function-local static's guard (__cxa_guard_*, in libstdc++, not
// instrumented) and pthread_once (what std::call_once uses). The thread that initialises
// releases the guard when done; a thread that finds it done, on the fast path the compiler
// inlines (an acquire load of the guard, instrumented) or here, acquires it.
#include <dlfcn.h>
#include <pthread.h>

#include <cxxabi.h>

#include <cstdint>

#include "lockgraph/runtime.h"

namespace {

// Looked up on first use into plain globals: a function-local static would itself be guarded by
// __cxa_guard_acquire, this very function.
template <class Function>
Function next(Function& cached, const char* name) {
  if (!cached) cached = reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
  return cached;
}
int (*g_guard_acquire)(__cxxabiv1::__guard*) = nullptr;
void (*g_guard_release)(__cxxabiv1::__guard*) = nullptr;
int (*g_once)(pthread_once_t*, void (*)()) = nullptr;

// pthread_once's routine runs on the calling thread: the trampoline finds it here (saved and
// restored around the call, so a nested pthread_once keeps its own).
__thread void (*t_routine)() = nullptr;
__thread pthread_once_t* t_once = nullptr;

void routine_then_release() {
  pthread_once_t* once = t_once;
  t_routine();
  lockgraph::rt::sync_release(once);
}

}  // namespace

#define LG_EXPORT extern "C" __attribute__((visibility("default")))

using __cxxabiv1::__guard;

LG_EXPORT int __cxa_guard_acquire(__guard* guard) {
  int must_initialise = next(g_guard_acquire, "__cxa_guard_acquire")(guard);
  if (!must_initialise) lockgraph::rt::sync_acquire(guard);
  return must_initialise;
}

LG_EXPORT void __cxa_guard_release(__guard* guard) noexcept {
  lockgraph::rt::sync_release(guard);
  next(g_guard_release, "__cxa_guard_release")(guard);
}

LG_EXPORT int pthread_once(pthread_once_t* once, void (*routine)()) {
  auto saved_routine = t_routine;
  auto saved_once = t_once;
  t_routine = routine;
  t_once = once;
  int rc = next(g_once, "pthread_once")(once, &routine_then_release);
  t_routine = saved_routine;
  t_once = saved_once;
  if (rc == 0) lockgraph::rt::sync_acquire(once);
  return rc;
}
