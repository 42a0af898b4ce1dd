// pthread_mutex_*: what std::mutex, std::recursive_mutex and std::timed_mutex compile to.
#include <errno.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "interposer.h"
#include "lock_table.h"
#include "mutex_identity.h"
#include "real_functions.h"

using namespace lockgraph;
using lockgraph::preload::real;

namespace {

using preload::mutex_id;

// What the mutex's type means for a holder that locks it again: a recursive one takes it, an
// error-checking one returns EDEADLK (glibc keeps the type in the low bits of __kind).
std::uint32_t relock_flags(const pthread_mutex_t* m) {
  switch (m->__data.__kind & 3) {
    case PTHREAD_MUTEX_RECURSIVE: return trace::flag::kMayReenter;
    case PTHREAD_MUTEX_ERRORCHECK: return trace::flag::kRefusesRelock;
    default: return 0;
  }
}

// What a call glibc refused (EINVAL) was made on: a destroyed mutex (glibc marks it so), memory
// that is no mutex (a kind glibc never makes), or null for a valid mutex: then the refusal is a
// priority-protect mutex's ceiling, not a misuse.
const char* refusal(const void* address) noexcept {
  const auto* m = static_cast<const pthread_mutex_t*>(address);
  if (preload::mutex_word::is_destroyed(m)) return trace::incident::kUseDestroyed;
  return (m->__data.__kind & ~preload::mutex_word::kKnownKindBits) != 0 ? trace::incident::kInvalidLock : nullptr;
}

// `block` is the real blocking call (lock, timedlock or clocklock).
template <class Block>
int lock_impl(pthread_mutex_t* m, std::uint32_t flags, bool blocking, const void* caller, Block block) {
  return preload::acquire(
      m, [=] { return std::pair{mutex_id(m, caller), flags | relock_flags(m)}; }, caller, blocking,
      [m] { return __pthread_mutex_trylock(m); }, block, refusal);
}

int lock_at(pthread_mutex_t* m, const void* caller) {
  if (preload::passes_through(m)) return preload::pass_on(__pthread_mutex_lock, preload::g_next_lock_calls.mutex_lock, m);
  return lock_impl(m, 0, true, caller, [m] { return __pthread_mutex_lock(m); });
}

int trylock_at(pthread_mutex_t* m, const void* caller) {
  if (preload::passes_through(m))
    return preload::pass_on(__pthread_mutex_trylock, preload::g_next_lock_calls.mutex_trylock, m);
  return lock_impl(m, trace::flag::kTry, false, caller, [] { return 0; });
}

int timedlock_at(pthread_mutex_t* m, const timespec* t, const void* caller) {
  if (preload::passes_through(m)) return real().mutex_timedlock(m, t);
  return lock_impl(m, trace::flag::kTimed, true, caller, [m, t] { return real().mutex_timedlock(m, t); });
}

int unlock_at(pthread_mutex_t* m, const void* caller) {
  if (preload::passes_through(m) || rt::fast_release_at(m))
    return preload::pass_on(__pthread_mutex_unlock, preload::g_next_lock_calls.mutex_unlock, m);
  rt::LockId id = mutex_id(m, caller);
  if (preload::mutex_word::is_destroyed(m)) {  // glibc refuses it (EINVAL)
    rt::lock_misused(id, trace::incident::kUseDestroyed);
  } else if (!rt::note_released(id)) {
    // Not held by this thread: glibc keeps the owner's tid in every mutex it locks.
    bool unlocked = m->__data.__lock == 0;
    rt::lock_misused(id, unlocked ? trace::incident::kUnlockNotHeld : trace::incident::kUnlockNotOwner);
  }
  int rc = __pthread_mutex_unlock(m);
  rt::note_unlocked();
  return rc;
}

// The lock is about to be made anew (init) or to end (destroy).
void before_init(pthread_mutex_t* m) {
  if (preload::passes_through()) return;
  // A mutex this library knows (its id is in it) that is locked: re-initialising it pulls the
  // lock from under its holder. Memory never used as a mutex carries no id; a destroyed mutex may
  // be made again; and the memory of a freed one keeps its id but not its state (the allocator
  // writes its own links over the lock word and the owner), so the owner glibc keeps must be a
  // thread of this process.
  using namespace preload::mutex_word;
  if (holds_id(m) && !is_destroyed(m) && m->__data.__lock != 0 && m->__data.__owner > 0 &&
      ::syscall(SYS_tgkill, ::getpid(), m->__data.__owner, 0) == 0)
    if (rt::LockId id = id_in(bits(word_of(m).load(std::memory_order_acquire)), tag_of(m)))
      rt::lock_misused(id, trace::incident::kReinitLive);
  // A new lock, even at an old address (glibc's init zeroes the id kept in the mutex).
  preload::forget_lock(m);
}

// Made at `caller` (the init call): its creation site, not its first lock.
void after_init(pthread_mutex_t* m, int rc, const void* caller) {
  if (rc == 0 && !preload::passes_through()) (void)preload::mutex_initialised(m, caller);
}

void before_destroy(pthread_mutex_t* m, const void* caller) {
  if (preload::passes_through(m)) return;
  if (preload::mutex_word::is_destroyed(m)) {  // destroyed twice
    rt::lock_misused(mutex_id(m, caller), trace::incident::kUseDestroyed);
    return;
  }
  if (m->__data.__lock != 0) {
    rt::LockId id = mutex_id(m, caller);
    if (!rt::lock_held(id)) rt::lock_misused(id, trace::incident::kDestroyHeld);
  }
  if (rt::LockId id = preload::forget_mutex(m)) rt::lock_destroyed(id);
}

pthread_mutex_t* as_pthread(mtx_t* m) { return reinterpret_cast<pthread_mutex_t*>(m); }

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int pthread_mutex_lock(pthread_mutex_t* m) {
  return lock_at(m, __builtin_return_address(0));
}

__attribute__((visibility("default"))) int pthread_mutex_trylock(pthread_mutex_t* m) {
  return trylock_at(m, __builtin_return_address(0));
}

__attribute__((visibility("default"))) int pthread_mutex_timedlock(pthread_mutex_t* m, const timespec* t) {
  return timedlock_at(m, t, __builtin_return_address(0));
}

__attribute__((visibility("default"))) int pthread_mutex_clocklock(pthread_mutex_t* m, clockid_t c,
                                                                   const timespec* t) {
  if (preload::passes_through(m)) return real().mutex_clocklock(m, c, t);
  return lock_impl(m, trace::flag::kTimed, true, __builtin_return_address(0),
                   [m, c, t] { return real().mutex_clocklock(m, c, t); });
}

__attribute__((visibility("default"))) int pthread_mutex_unlock(pthread_mutex_t* m) {
  return unlock_at(m, __builtin_return_address(0));
}

__attribute__((visibility("default"))) int pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* a) {
  before_init(m);
  int rc = preload::pass_on(__pthread_mutex_init, preload::g_next_lock_calls.mutex_init, m, a);
  after_init(m, rc, __builtin_return_address(0));
  return rc;
}

__attribute__((visibility("default"))) int pthread_mutex_destroy(pthread_mutex_t* m) {
  before_destroy(m, __builtin_return_address(0));
  return preload::pass_on(__pthread_mutex_destroy, preload::g_next_lock_calls.mutex_destroy, m);
}

// C11 <threads.h>: glibc's mtx_* are pthread mutexes under another name, calling the pthread
// functions internally (unseen by the interposers above), so they are interposed themselves.
__attribute__((visibility("default"))) int mtx_lock(mtx_t* m) {
  return preload::c11_result(lock_at(as_pthread(m), __builtin_return_address(0)));
}

__attribute__((visibility("default"))) int mtx_trylock(mtx_t* m) {
  return preload::c11_result(trylock_at(as_pthread(m), __builtin_return_address(0)));
}

__attribute__((visibility("default"))) int mtx_timedlock(mtx_t* __restrict m, const timespec* __restrict t) {
  return preload::c11_result(timedlock_at(as_pthread(m), t, __builtin_return_address(0)));
}

__attribute__((visibility("default"))) int mtx_unlock(mtx_t* m) {
  return preload::c11_result(unlock_at(as_pthread(m), __builtin_return_address(0)));
}

__attribute__((visibility("default"))) int mtx_init(mtx_t* m, int type) {
  before_init(as_pthread(m));
  int rc = real().mtx_init(m, type);
  after_init(as_pthread(m), rc == thrd_success ? 0 : rc, __builtin_return_address(0));
  return rc;
}

__attribute__((visibility("default"))) void mtx_destroy(mtx_t* m) {
  before_destroy(as_pthread(m), __builtin_return_address(0));
  real().mtx_destroy(m);
}

}  // extern "C"
