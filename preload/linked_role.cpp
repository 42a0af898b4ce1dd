// The interposers' role inside the runtime library that programs link (lockgraph::runtime): they
// record every pthread call, as under preload (std::thread, std::condition_variable, a plain
// std::mutex, semaphores, barriers, spinlocks, C11 mtx_*), except on the locks inside the
// program's wrappers, which the wrappers record (wrapper_insides.h). The preload library decides
// its role instead (own_runtime.cpp).
#include "interposer.h"
#include "real_functions.h"

namespace lockgraph::preload {

std::atomic<Role> g_role{Role::kLinked};

Role decide_role() noexcept { return Role::kLinked; }

namespace {
// A linked program writes a trace even if it never takes a lock or starts a thread: "clean" is
// then said over a run that was recorded, not over a missing file.
[[gnu::constructor]] void start_recording() { rt::flush(); }
}  // namespace

}  // namespace lockgraph::preload

namespace lockgraph::rt {

#ifdef LOCKGRAPH_SANITIZER_BUILD
// A sanitizer build has no lock interposers here (runtime/CMakeLists.txt), and its sanitizer
// intercepts the __pthread_mutex_* aliases without finding the real ones: the plain names reach
// glibc through the sanitizer's working interceptors.
const GlibcMutexCalls glibc_mutex{pthread_mutex_lock, pthread_mutex_trylock, pthread_mutex_unlock};
#else
const GlibcMutexCalls glibc_mutex{__pthread_mutex_lock, __pthread_mutex_trylock, __pthread_mutex_unlock};
#endif

void lock_wraps(trace::LockKind kind, void* insides) noexcept {
  if (kind == trace::LockKind::kSharedMutex || kind == trace::LockKind::kSharedTimedMutex)
    preload::mark_wrapper_insides(static_cast<pthread_rwlock_t*>(insides));
  else
    preload::mark_wrapper_insides(static_cast<pthread_mutex_t*>(insides));
}

}  // namespace lockgraph::rt
