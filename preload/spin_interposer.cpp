// pthread_spin_*: locks like mutexes (lock order, misuse, self-deadlock), known by address: a
// spinlock is one int, with no room for an id or an owner. Its value is not read: what "free"
// is differs between architectures (1 on x86, 0 elsewhere), so only this thread's own holds tell
// a misuse.
#include <pthread.h>

#include "interposer.h"
#include "lock_table.h"
#include "real_functions.h"

using namespace lockgraph;
using lockgraph::preload::real;

namespace {

// The spinlock's address, as the lock table and the holds know it (the int is volatile).
const void* address_of(pthread_spinlock_t* l) { return const_cast<const int*>(l); }

rt::LockId id_of(pthread_spinlock_t* l, const void* caller) {
  return preload::lock_id(address_of(l), trace::LockKind::kSpinLock, caller);
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int pthread_spin_lock(pthread_spinlock_t* l) {
  if (preload::passes_through()) return real().spin_lock(l);
  const void* caller = __builtin_return_address(0);
  return preload::acquire(
      address_of(l), [=] { return std::pair{id_of(l, caller), 0u}; }, caller, true,
      [l] { return real().spin_trylock(l); }, [l] { return real().spin_lock(l); });
}

__attribute__((visibility("default"))) int pthread_spin_trylock(pthread_spinlock_t* l) {
  if (preload::passes_through()) return real().spin_trylock(l);
  const void* caller = __builtin_return_address(0);
  return preload::acquire(
      address_of(l), [=] { return std::pair{id_of(l, caller), trace::flag::kTry}; }, caller, false,
      [l] { return real().spin_trylock(l); }, [] { return 0; });
}

__attribute__((visibility("default"))) int pthread_spin_unlock(pthread_spinlock_t* l) {
  if (preload::passes_through() || rt::fast_release_at(address_of(l))) return real().spin_unlock(l);
  rt::LockId id = id_of(l, __builtin_return_address(0));
  if (!rt::note_released(id)) rt::lock_misused(id, trace::incident::kUnlockNotHeld);  // not by this thread
  int rc = real().spin_unlock(l);
  rt::note_unlocked();
  return rc;
}

__attribute__((visibility("default"))) int pthread_spin_init(pthread_spinlock_t* l, int shared) {
  if (preload::passes_through()) return real().spin_init(l, shared);
  preload::forget_lock(address_of(l));  // a new lock, even at an old address
  int rc = real().spin_init(l, shared);
  // Made here: this call is its creation site, not its first lock.
  if (rc == 0) (void)preload::lock_id(address_of(l), trace::LockKind::kSpinLock, __builtin_return_address(0), true);
  return rc;
}

__attribute__((visibility("default"))) int pthread_spin_destroy(pthread_spinlock_t* l) {
  // Destroying one this thread holds is reported by the runtime (lock_destroyed).
  if (!preload::passes_through())
    if (rt::LockId id = preload::forget_lock(address_of(l))) rt::lock_destroyed(id);
  return real().spin_destroy(l);
}

}  // extern "C"
