// Plain C++ (no lockgraph header) for the pthread and C11 primitives beyond mutexes and rwlocks,
// one case per argument. Each prints what every call returned, so that a run under lockgraph can
// be compared byte for byte with a plain run.
//   robust_owner_died  a thread dies holding a robust mutex; main's lock gets EOWNERDEAD (an
//                      acquisition), makes it consistent, unlocks and locks it again
//   errorcheck_relock  an error-checking mutex locked twice: the second lock returns EDEADLK
//   timed_relock       a normal mutex, then a timed lock of it by its holder: ETIMEDOUT
//   spin_inversion     spinlocks taken a -> b by a thread, then b -> a by main after the join
//   mtx_inversion      the same with C11 mtx_t
//   sem_and_barrier    a semaphore hand-off and a barrier between two threads
//   sem_misuse         a post past SEM_VALUE_MAX: EOVERFLOW
//   barrier_misuse     a barrier of count 0: EINVAL
//   reinit_live        a mutex initialised again while main holds it
//   main_exits_holding main returns holding a mutex
//   cond_two_mutexes   two threads wait on one condition variable at once, with two mutexes
//   use_destroyed      a mutex destroyed, then locked, unlocked and destroyed again: EINVAL
//   invalid_lock       a mutex whose bytes were overwritten, locked and tried: EINVAL
//   cond_destroy_busy  a condition variable destroyed while a thread waits on it unwoken (glibc's
//                      destroy waits for it: the waiter's 1 s timeout ends both)
//   cond_destroy_woken a condition variable destroyed right after a broadcast, while the woken
//                      waiters still take their mutex back: legal, no report
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <threads.h>
#include <time.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

const char* name(int rc) {
  switch (rc) {
    case 0: return "0";
    case EOWNERDEAD: return "EOWNERDEAD";
    case EDEADLK: return "EDEADLK";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EBUSY: return "EBUSY";
    case EINVAL: return "EINVAL";
    default: return "other";
  }
}

void say(const char* what, int rc) { std::printf("%s: %s\n", what, name(rc)); }

timespec in_ms(long ms) {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  t.tv_nsec += ms * 1000000;
  t.tv_sec += t.tv_nsec / 1000000000;
  t.tv_nsec %= 1000000000;
  return t;
}

int robust_owner_died() {
  static pthread_mutex_t m;
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&m, &attr);
  pthread_t t;
  pthread_create(&t, nullptr, [](void*) -> void* { pthread_mutex_lock(&m); return nullptr; }, nullptr);
  pthread_join(t, nullptr);
  say("lock", pthread_mutex_lock(&m));
  say("consistent", pthread_mutex_consistent(&m));
  say("unlock", pthread_mutex_unlock(&m));
  say("relock", pthread_mutex_lock(&m));
  say("unlock", pthread_mutex_unlock(&m));
  return 0;
}

int errorcheck_relock() {
  pthread_mutex_t m;
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init(&m, &attr);
  say("lock", pthread_mutex_lock(&m));
  say("lock again", pthread_mutex_lock(&m));
  say("unlock", pthread_mutex_unlock(&m));
  return 0;
}

int timed_relock() {
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  say("lock", pthread_mutex_lock(&m));
  timespec deadline = in_ms(100);
  say("timed lock again", pthread_mutex_timedlock(&m, &deadline));
  say("unlock", pthread_mutex_unlock(&m));
  return 0;
}

pthread_spinlock_t spin_a, spin_b;

int spin_inversion() {
  pthread_spin_init(&spin_a, PTHREAD_PROCESS_PRIVATE);
  pthread_spin_init(&spin_b, PTHREAD_PROCESS_PRIVATE);
  pthread_t t;
  pthread_create(&t, nullptr, [](void*) -> void* {
    pthread_spin_lock(&spin_a);
    pthread_spin_lock(&spin_b);
    pthread_spin_unlock(&spin_b);
    pthread_spin_unlock(&spin_a);
    return nullptr;
  }, nullptr);
  pthread_join(t, nullptr);
  say("lock b", pthread_spin_lock(&spin_b));
  say("trylock a", pthread_spin_trylock(&spin_a));
  say("unlock a", pthread_spin_unlock(&spin_a));
  say("lock a", pthread_spin_lock(&spin_a));
  pthread_spin_unlock(&spin_a);
  pthread_spin_unlock(&spin_b);
  say("destroy", pthread_spin_destroy(&spin_a) | pthread_spin_destroy(&spin_b));
  return 0;
}

mtx_t mtx_a, mtx_b;

int mtx_inversion() {
  mtx_init(&mtx_a, mtx_plain);
  mtx_init(&mtx_b, mtx_timed);
  thrd_t t;
  thrd_create(&t, [](void*) -> int {
    mtx_lock(&mtx_a);
    mtx_lock(&mtx_b);
    mtx_unlock(&mtx_b);
    mtx_unlock(&mtx_a);
    return 0;
  }, nullptr);
  thrd_join(t, nullptr);
  std::printf("lock b: %d\n", mtx_lock(&mtx_b));
  std::printf("lock a: %d\n", mtx_lock(&mtx_a));
  std::printf("unlock a: %d\n", mtx_unlock(&mtx_a));
  timespec deadline = in_ms(50);
  std::printf("timedlock a: %d\n", mtx_timedlock(&mtx_a, &deadline));
  std::printf("trylock a: %d\n", mtx_trylock(&mtx_a));  // held by this thread: thrd_busy
  std::printf("unlock a: %d\n", mtx_unlock(&mtx_a));
  std::printf("unlock b: %d\n", mtx_unlock(&mtx_b));
  mtx_destroy(&mtx_a);
  mtx_destroy(&mtx_b);
  return 0;
}

sem_t sem;
pthread_barrier_t barrier;
int handed = 0;

int sem_and_barrier() {
  sem_init(&sem, 0, 0);
  pthread_barrier_init(&barrier, nullptr, 2);
  pthread_t t;
  pthread_create(&t, nullptr, [](void*) -> void* {
    handed = 42;
    sem_post(&sem);
    pthread_barrier_wait(&barrier);
    return nullptr;
  }, nullptr);
  int waited = sem_wait(&sem);  // before `handed` is read: arguments have no order
  std::printf("wait: %d, handed %d\n", waited, handed);
  std::printf("trywait: %d (errno %s)\n", sem_trywait(&sem), errno == EAGAIN ? "EAGAIN" : "other");
  int serial = pthread_barrier_wait(&barrier);
  pthread_join(t, nullptr);
  (void)serial;
  std::printf("barrier passed\n");
  pthread_barrier_destroy(&barrier);
  sem_destroy(&sem);
  return 0;
}

int sem_misuse() {
  sem_t full;
  sem_init(&full, 0, SEM_VALUE_MAX);
  int rc = sem_post(&full);
  std::printf("post: %d (errno %s)\n", rc, errno == EOVERFLOW ? "EOVERFLOW" : "other");
  sem_destroy(&full);
  return 0;
}

int barrier_misuse() {
  pthread_barrier_t none;
  std::printf("init with count 0: %s\n", pthread_barrier_init(&none, nullptr, 0) == EINVAL ? "EINVAL" : "other");
  return 0;
}

int reinit_live() {
  static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  say("lock", pthread_mutex_lock(&m));
  say("init again", pthread_mutex_init(&m, nullptr));
  return 0;
}

int main_exits_holding() {
  static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  say("lock", pthread_mutex_lock(&m));
  return 0;
}

// Returns once `ready()` holds, read under `m`: a waiter sets what it reads holding `m`, which
// its wait lets go, so then the waiter is inside its wait.
template <class Ready>
void until_under(pthread_mutex_t& m, Ready ready) {
  for (bool done = false; !done;) {
    pthread_mutex_lock(&m);
    done = ready();
    pthread_mutex_unlock(&m);
  }
}

pthread_mutex_t cond_m1 = PTHREAD_MUTEX_INITIALIZER, cond_m2 = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t shared_cond = PTHREAD_COND_INITIALIZER;
bool first_waiting = false, second_waiting = false, released = false;

int cond_two_mutexes() {
  pthread_t first, second;
  pthread_create(&first, nullptr, [](void*) -> void* {
    pthread_mutex_lock(&cond_m1);
    first_waiting = true;
    while (!released) pthread_cond_wait(&shared_cond, &cond_m1);
    pthread_mutex_unlock(&cond_m1);
    return nullptr;
  }, nullptr);
  // Once main gets m1 with the flag set, the first thread is inside its wait (it let m1 go there).
  until_under(cond_m1, [] { return first_waiting; });
  pthread_create(&second, nullptr, [](void*) -> void* {
    pthread_mutex_lock(&cond_m2);
    second_waiting = true;
    while (!released) pthread_cond_wait(&shared_cond, &cond_m2);  // another mutex, same condition
    pthread_mutex_unlock(&cond_m2);
    return nullptr;
  }, nullptr);
  until_under(cond_m2, [] { return second_waiting; });
  pthread_mutex_lock(&cond_m1);
  pthread_mutex_lock(&cond_m2);
  released = true;
  pthread_mutex_unlock(&cond_m2);
  pthread_mutex_unlock(&cond_m1);
  pthread_cond_broadcast(&shared_cond);
  pthread_join(first, nullptr);
  pthread_join(second, nullptr);
  std::printf("both woke\n");
  return 0;
}

int use_destroyed() {
  static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  say("destroy", pthread_mutex_destroy(&m));
  say("lock", pthread_mutex_lock(&m));
  say("unlock", pthread_mutex_unlock(&m));
  say("destroy again", pthread_mutex_destroy(&m));
  return 0;
}

int invalid_lock() {
  static pthread_mutex_t m;
  std::memset(&m, 0x55, sizeof m);  // overwritten: no mutex kind glibc knows
  say("lock", pthread_mutex_lock(&m));
  say("trylock", pthread_mutex_trylock(&m));
  return 0;
}

pthread_mutex_t destroy_m = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t destroyed_cond = PTHREAD_COND_INITIALIZER;
int waiting = 0;

// Returns once `n` threads wait on destroyed_cond (each counts itself in `waiting`).
void until_waiting(int n) {
  until_under(destroy_m, [n] { return waiting == n; });
}

int cond_destroy_busy() {
  pthread_t t;
  pthread_create(&t, nullptr, [](void*) -> void* {
    pthread_mutex_lock(&destroy_m);
    ++waiting;
    timespec until = in_ms(1000);
    int rc = pthread_cond_timedwait(&destroyed_cond, &destroy_m, &until);  // nobody signals
    pthread_mutex_unlock(&destroy_m);
    say("wait", rc);
    return nullptr;
  }, nullptr);
  until_waiting(1);
  int rc = pthread_cond_destroy(&destroyed_cond);
  pthread_join(t, nullptr);
  say("destroy", rc);
  return 0;
}

int cond_destroy_woken() {
  static bool released = false;
  pthread_t t[2];
  for (pthread_t& one : t)
    pthread_create(&one, nullptr, [](void*) -> void* {
      pthread_mutex_lock(&destroy_m);
      ++waiting;
      while (!released) pthread_cond_wait(&destroyed_cond, &destroy_m);
      pthread_mutex_unlock(&destroy_m);
      return nullptr;
    }, nullptr);
  until_waiting(2);
  pthread_mutex_lock(&destroy_m);
  released = true;
  pthread_cond_broadcast(&destroyed_cond);
  pthread_mutex_unlock(&destroy_m);
  say("destroy", pthread_cond_destroy(&destroyed_cond));
  for (pthread_t& one : t) pthread_join(one, nullptr);
  std::printf("both woke\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string what = argc > 1 ? argv[1] : "";
  if (what == "robust_owner_died") return robust_owner_died();
  if (what == "errorcheck_relock") return errorcheck_relock();
  if (what == "timed_relock") return timed_relock();
  if (what == "spin_inversion") return spin_inversion();
  if (what == "mtx_inversion") return mtx_inversion();
  if (what == "sem_and_barrier") return sem_and_barrier();
  if (what == "sem_misuse") return sem_misuse();
  if (what == "barrier_misuse") return barrier_misuse();
  if (what == "reinit_live") return reinit_live();
  if (what == "main_exits_holding") return main_exits_holding();
  if (what == "cond_two_mutexes") return cond_two_mutexes();
  if (what == "use_destroyed") return use_destroyed();
  if (what == "invalid_lock") return invalid_lock();
  if (what == "cond_destroy_busy") return cond_destroy_busy();
  if (what == "cond_destroy_woken") return cond_destroy_woken();
  std::fprintf(stderr, "usage: pthread_primitives robust_owner_died|errorcheck_relock|timed_relock|"
                       "spin_inversion|mtx_inversion|sem_and_barrier|sem_misuse|barrier_misuse|\n"
                       "                         reinit_live|main_exits_holding|cond_two_mutexes|use_destroyed|\n"
                       "                         invalid_lock|cond_destroy_busy|cond_destroy_woken\n");
  return 2;
}
