// In a linked program the lock wrappers (lockgraph::mutex and kin, include/lockgraph/mutex.h)
// record the program's locks, and each wrapper holds a std lock, a pthread mutex or rwlock, that
// the interposers also see. Recording both would nest every wrapper around its insides (each
// wrapper a gate lock hiding the program's cycles), so a wrapper marks its insides when it is
// made (rt::lock_wraps) and the interposers let a marked lock through; every other pthread lock
// of the program (a plain std::mutex, a C library's mutex) is recorded as under preload.
//
// The mark lives in the lock itself, in bytes glibc leaves unused and zeroes whenever a lock is
// made (PTHREAD_*_INITIALIZER, a std lock's constructor, pthread_*_init), so a plain lock made
// later at a wrapper's old address is never taken for one. It carries a tag of the address: a
// lock copied elsewhere is not taken for the original.
#pragma once

#include <pthread.h>

#include <atomic>
#include <cstdint>

#include "mutex_identity.h"

namespace lockgraph::preload {

namespace wrapper_mark {

// A mutex's id word (mutex_identity.h) holding this id: a wrapper's insides. Real ids are
// counted from 1 and never come near it.
constexpr rt::LockId kWrapperInsidesId = (rt::LockId{1} << (64 - mutex_word::kTagBits)) - 1;

// A rwlock's mark: __pad2, which glibc never uses (x86-64 layout, bits/struct_rwlock.h).
inline std::atomic_ref<unsigned long> rwlock_word(pthread_rwlock_t* l) noexcept {
  return std::atomic_ref<unsigned long>(l->__data.__pad2);
}
inline unsigned long rwlock_mark(const pthread_rwlock_t* l) noexcept {
  return reinterpret_cast<std::uintptr_t>(l) ^ 0x6c6f636b67726170UL;  // "lockgrap"
}

}  // namespace wrapper_mark

inline void mark_wrapper_insides(pthread_mutex_t* m) noexcept {
  using namespace mutex_word;
  word_of(m).store(link((wrapper_mark::kWrapperInsidesId << kTagBits) | tag_of(m)), std::memory_order_release);
}
inline void mark_wrapper_insides(pthread_rwlock_t* l) noexcept {
  wrapper_mark::rwlock_word(l).store(wrapper_mark::rwlock_mark(l), std::memory_order_release);
}

inline bool is_wrapper_insides(pthread_mutex_t* m) noexcept {
  using namespace mutex_word;
  return holds_id(m) && id_in(bits(word_of(m).load(std::memory_order_relaxed)), tag_of(m)) ==
                            wrapper_mark::kWrapperInsidesId;
}
inline bool is_wrapper_insides(pthread_rwlock_t* l) noexcept {
  return wrapper_mark::rwlock_word(l).load(std::memory_order_relaxed) == wrapper_mark::rwlock_mark(l);
}

}  // namespace lockgraph::preload
