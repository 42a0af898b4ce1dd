// Semaphores and barriers: no lock order, only happens-before for race detection. A post happens
// before the waits that return after it; every arrival at a barrier happens before every return
// from that round's wait. (The releases are recorded before the real call and the acquisitions
// after it, so the trace's order of sync records is a real-time order.) Both libraries carry these:
// no wrapper sees a sem_t or a pthread_barrier_t.
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>

#include "interposer.h"
#include "real_functions.h"

using namespace lockgraph;
using lockgraph::preload::real;

namespace {

// A refused call is a misuse (sem-misuse, barrier-misuse) when `errno_value` says the object is
// not valid or overflowed; the program's errno is kept.
void note_refusal(int errno_value, const char* what) {
  if (errno_value != EINVAL && errno_value != EOVERFLOW) return;
  int saved = errno;
  rt::lock_misused(0, what);
  errno = saved;
}

// A wait that took a unit acquires what the posts before it released (sem_* return 0 or -1).
int after_sem_wait(sem_t* s, int rc) {
  if (rc == 0)
    rt::sync_acquire(s);
  else
    note_refusal(errno, trace::incident::kSemMisuse);
  return rc;
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int sem_post(sem_t* s) {
  if (preload::passes_through()) return real().sem_post(s);
  rt::sync_release(s);
  int rc = real().sem_post(s);
  if (rc != 0) note_refusal(errno, trace::incident::kSemMisuse);
  return rc;
}

__attribute__((visibility("default"))) int sem_wait(sem_t* s) {
  if (preload::passes_through()) return real().sem_wait(s);
  return after_sem_wait(s, real().sem_wait(s));
}

__attribute__((visibility("default"))) int sem_trywait(sem_t* s) {
  if (preload::passes_through()) return real().sem_trywait(s);
  return after_sem_wait(s, real().sem_trywait(s));
}

__attribute__((visibility("default"))) int sem_timedwait(sem_t* s, const timespec* t) {
  if (preload::passes_through()) return real().sem_timedwait(s, t);
  return after_sem_wait(s, real().sem_timedwait(s, t));
}

__attribute__((visibility("default"))) int sem_clockwait(sem_t* s, clockid_t c, const timespec* t) {
  if (preload::passes_through()) return real().sem_clockwait(s, c, t);
  return after_sem_wait(s, real().sem_clockwait(s, c, t));
}

__attribute__((visibility("default"))) int pthread_barrier_init(pthread_barrier_t* b,
                                                                const pthread_barrierattr_t* a, unsigned count) {
  int rc = real().barrier_init(b, a, count);
  if (rc != 0 && !preload::passes_through()) note_refusal(rc, trace::incident::kBarrierMisuse);
  return rc;
}

__attribute__((visibility("default"))) int pthread_barrier_wait(pthread_barrier_t* b) {
  if (preload::passes_through()) return real().barrier_wait(b);
  rt::sync_release(b);
  int rc = real().barrier_wait(b);
  if (rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD) rt::sync_acquire(b);
  return rc;
}

}  // extern "C"
