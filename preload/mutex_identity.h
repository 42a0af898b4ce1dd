// Which lock a pthread mutex is: its runtime id, kept in the mutex itself.
//
// Why in the mutex: std::mutex (and every mutex made with PTHREAD_MUTEX_INITIALIZER) never passes
// through pthread_mutex_init or pthread_mutex_destroy, so an address table cannot tell a new
// mutex at a reused address from the one that lived there before: two heap objects that held the
// same address one after the other would share an id, and their lock orders would merge into
// false cycles. glibc leaves __list (the link of a robust mutex in its owner's list) unused in
// every other mutex, and every way of making a mutex zeroes it, so a new mutex starts without an
// id. The id is stored with a tag of the mutex's address, so a mutex copied elsewhere is not
// taken for the original. Robust and process-shared mutexes use the address table (lock_table.h):
// glibc uses the link of the one, and other processes see the memory of the other.
// It also costs less: the id is on the mutex's own cache line, which the caller has just locked,
// and the known case is inline.
#pragma once

#include <pthread.h>

#include <atomic>
#include <cstdint>

#include "lockgraph/runtime.h"

namespace lockgraph::preload {

// A recursive mutex (PTHREAD_MUTEX_RECURSIVE: std::recursive_mutex).
inline bool mutex_is_recursive(const pthread_mutex_t* m) noexcept {
  // glibc keeps the mutex type in the low bits of __kind (PTHREAD_MUTEX_KIND_MASK_NP).
  return (m->__data.__kind & 3) == PTHREAD_MUTEX_RECURSIVE;
}

namespace mutex_word {

// glibc's __kind bits (pthreadP.h): a robust mutex, a process-shared one; and every bit a mutex
// glibc makes can carry (the type, robust, priority-inherit 32, priority-protect 64,
// process-shared, the two elision flags 256 and 512).
constexpr int kRobustBit = 16;
constexpr int kProcessSharedBit = 128;
constexpr int kKnownKindBits = 3 | kRobustBit | 32 | 64 | kProcessSharedBit | 256 | 512;

// glibc's pthread_mutex_destroy sets __kind to -1 and leaves the rest, the id word too: a
// destroyed mutex keeps its id, so a later use is reported on the lock it was.
inline bool is_destroyed(const pthread_mutex_t* m) noexcept { return m->__data.__kind == -1; }

inline bool holds_id(const pthread_mutex_t* m) noexcept {
  return (m->__data.__kind & (kRobustBit | kProcessSharedBit)) == 0 || is_destroyed(m);
}

// The word is id << 16 | tag, where the tag (never 0) is 16 bits of the mutex's address. Id 0
// with the right tag: another thread is making the id right now.
constexpr int kTagBits = 16;
constexpr std::uintptr_t kTagMask = (std::uintptr_t{1} << kTagBits) - 1;

inline std::uintptr_t tag_of(const pthread_mutex_t* m) noexcept {
  std::uintptr_t tag = (reinterpret_cast<std::uintptr_t>(m) * 0x9E3779B97F4A7C15ULL) >> (64 - kTagBits);
  return tag != 0 ? tag : 1;
}

// __list.__prev, accessed as what it is (a pointer) so that nothing is type-punned.
using Link = __pthread_internal_list*;
inline std::atomic_ref<Link> word_of(pthread_mutex_t* m) noexcept {
  return std::atomic_ref<Link>(m->__data.__list.__prev);
}
inline std::uintptr_t bits(Link p) noexcept { return reinterpret_cast<std::uintptr_t>(p); }
inline Link link(std::uintptr_t v) noexcept { return reinterpret_cast<Link>(v); }

// The id `word` holds for the mutex tagged `tag`; 0 if it holds none (zero, being made, or the
// word of a mutex copied from another address).
inline rt::LockId id_in(std::uintptr_t word, std::uintptr_t tag) noexcept {
  return (word & kTagMask) == tag ? word >> kTagBits : 0;
}

// Everything but the known id: the table's mutexes, a new mutex, one being made, a copied one.
// `caller` is the site of its init call if `at_init`, else of its first lock.
rt::LockId find_or_make(pthread_mutex_t* m, const void* caller, bool at_init = false) noexcept;

}  // namespace mutex_word

// The id of the mutex at `m`, made on first use; `caller` is the site.
inline rt::LockId mutex_id(pthread_mutex_t* m, const void* caller) noexcept {
  using namespace mutex_word;
  if (holds_id(m)) {
    if (rt::LockId id = id_in(bits(word_of(m).load(std::memory_order_acquire)), tag_of(m))) return id;
  }
  return find_or_make(m, caller);
}

// The mutex at `m` was just initialised at `caller`: its id, made now, so that the report names
// the init call as its creation rather than its first lock.
inline rt::LockId mutex_initialised(pthread_mutex_t* m, const void* caller) noexcept {
  return mutex_word::find_or_make(m, caller, true);
}

// The mutex at `m` is being destroyed: its id, or 0 if it had none. The id stays in the mutex
// (is_destroyed); a mutex made again at `m` (every init zeroes the word) gets a new one.
rt::LockId forget_mutex(pthread_mutex_t* m) noexcept;

}  // namespace lockgraph::preload
