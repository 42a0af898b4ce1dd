// pthread_cond_*: what std::condition_variable compiles to. A wait releases its mutex and takes
// it again (glibc does both internally, unseen by the mutex interposer); signal/broadcast -> a
// woken wait is a happens-before edge for race detection.
#include <pthread.h>

#include "cond_waiters.h"
#include "interposer.h"
#include "mutex_identity.h"
#include "real_functions.h"

using namespace lockgraph;
using lockgraph::preload::real;

namespace {

using preload::mutex_id;

template <class Wait>
int wait_impl(pthread_cond_t* c, pthread_mutex_t* m, const void* caller, Wait wait) {
  if (preload::passes_through(m)) {  // a wrapper's insides: the wrapper records the mutex
    int rc = wait();
    rt::sync_acquire(c);
    return rc;
  }
  rt::LockId id = mutex_id(m, caller);
  if (!rt::lock_held(id)) rt::lock_misused(id, trace::incident::kWaitNotHeld);
  if (preload::cond_wait_begins(c, id)) rt::lock_misused(id, trace::incident::kCondMutexMismatch);
  rt::lock_released(id);
  rt::note_unlocked();  // before the wait, which may never end
  int rc = wait();
  preload::cond_wait_ends(c, rc);
  rt::lock_acquired(id, 0, caller);  // the mutex is held again, whatever the wait returned
  rt::sync_acquire(c);
  return rc;
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  if (preload::passes_through()) return real().cond_wait(c, m);
  return wait_impl(c, m, __builtin_return_address(0), [c, m] { return real().cond_wait(c, m); });
}

__attribute__((visibility("default"))) int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m,
                                                                  const timespec* t) {
  if (preload::passes_through()) return real().cond_timedwait(c, m, t);
  return wait_impl(c, m, __builtin_return_address(0), [c, m, t] { return real().cond_timedwait(c, m, t); });
}

__attribute__((visibility("default"))) int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m,
                                                                  clockid_t clock, const timespec* t) {
  if (preload::passes_through()) return real().cond_clockwait(c, m, clock, t);
  return wait_impl(c, m, __builtin_return_address(0),
                   [c, m, clock, t] { return real().cond_clockwait(c, m, clock, t); });
}

__attribute__((visibility("default"))) int pthread_cond_init(pthread_cond_t* c, const pthread_condattr_t* a) {
  if (!preload::passes_through()) preload::cond_forget(c);
  return real().cond_init(c, a);
}

__attribute__((visibility("default"))) int pthread_cond_destroy(pthread_cond_t* c) {
  if (!preload::passes_through()) {
    // Reported before the real destroy, which waits for those waiters (for ever, if nobody
    // signals): the report is in the trace even if the process hangs here.
    if (rt::LockId mutex = preload::cond_unwoken_waiters(c)) rt::lock_misused(mutex, trace::incident::kCondDestroyBusy);
    preload::cond_forget(c);
  }
  return real().cond_destroy(c);
}

__attribute__((visibility("default"))) int pthread_cond_signal(pthread_cond_t* c) {
  if (preload::passes_through()) return real().cond_signal(c);
  rt::sync_release(c);
  int rc = real().cond_signal(c);
  // Counted after the real call: a waiter that comes between is taken as woken (a report missed)
  // rather than a woken one as still waiting (a false report).
  preload::cond_signalled(c, false);
  return rc;
}

__attribute__((visibility("default"))) int pthread_cond_broadcast(pthread_cond_t* c) {
  if (preload::passes_through()) return real().cond_broadcast(c);
  rt::sync_release(c);
  int rc = real().cond_broadcast(c);
  // Counted after the real call: a waiter that comes between is taken as woken (a report missed)
  // rather than a woken one as still waiting (a false report).
  preload::cond_signalled(c, true);
  return rc;
}

// C11 <threads.h>: cnd_t and mtx_t are glibc's pthread_cond_t and pthread_mutex_t under other
// names; glibc's cnd_* call the pthread functions internally, unseen by the interposers above.
__attribute__((visibility("default"))) int cnd_wait(cnd_t* c, mtx_t* m) {
  auto* cond = reinterpret_cast<pthread_cond_t*>(c);
  auto* mutex = reinterpret_cast<pthread_mutex_t*>(m);
  if (preload::passes_through()) return preload::c11_result(real().cond_wait(cond, mutex));
  return preload::c11_result(wait_impl(cond, mutex, __builtin_return_address(0),
                                       [cond, mutex] { return real().cond_wait(cond, mutex); }));
}

__attribute__((visibility("default"))) int cnd_timedwait(cnd_t* __restrict c, mtx_t* __restrict m,
                                                         const timespec* __restrict t) {
  auto* cond = reinterpret_cast<pthread_cond_t*>(c);
  auto* mutex = reinterpret_cast<pthread_mutex_t*>(m);
  if (preload::passes_through()) return preload::c11_result(real().cond_timedwait(cond, mutex, t));
  return preload::c11_result(wait_impl(cond, mutex, __builtin_return_address(0),
                                       [cond, mutex, t] { return real().cond_timedwait(cond, mutex, t); }));
}

__attribute__((visibility("default"))) int cnd_signal(cnd_t* c) {
  return preload::c11_result(pthread_cond_signal(reinterpret_cast<pthread_cond_t*>(c)));
}

__attribute__((visibility("default"))) int cnd_broadcast(cnd_t* c) {
  return preload::c11_result(pthread_cond_broadcast(reinterpret_cast<pthread_cond_t*>(c)));
}

__attribute__((visibility("default"))) void cnd_destroy(cnd_t* c) {
  (void)pthread_cond_destroy(reinterpret_cast<pthread_cond_t*>(c));
}

}  // extern "C"
