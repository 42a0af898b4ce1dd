#include "mutex_identity.h"

#include <atomic>
#include <cstdint>

#include "lock_table.h"

namespace lockgraph::preload {
namespace {

// glibc's __kind bits (pthreadP.h): a robust mutex, a process-shared one.
constexpr int kRobustBit = 16;
constexpr int kProcessSharedBit = 128;

bool id_kept_in_mutex(const pthread_mutex_t* m) {
  return (m->__data.__kind & (kRobustBit | kProcessSharedBit)) == 0;
}

trace::LockKind kind_of(const pthread_mutex_t* m) {
  return mutex_is_recursive(m) ? trace::LockKind::kRecursiveMutex : trace::LockKind::kMutex;
}

// The word: id << 16 | tag, where the tag (never 0) is 16 bits of the mutex's address. Id 0 with
// the right tag: another thread is making the id right now.
constexpr int kTagBits = 16;
constexpr std::uintptr_t kTagMask = (std::uintptr_t{1} << kTagBits) - 1;

std::uintptr_t tag_of(const pthread_mutex_t* m) {
  std::uintptr_t tag = (reinterpret_cast<std::uintptr_t>(m) * 0x9E3779B97F4A7C15ULL) >> (64 - kTagBits);
  return tag != 0 ? tag : 1;
}

// The word is __list.__prev, a pointer the mutex never uses (accessed as what it is, a pointer).
class IdWord {
 public:
  explicit IdWord(pthread_mutex_t* m) : word_(m->__data.__list.__prev) {}
  std::uintptr_t load() const { return bits(word_.load(std::memory_order_acquire)); }
  bool replace(std::uintptr_t& expected, std::uintptr_t desired) {
    Link seen = link(expected);
    bool done = word_.compare_exchange_weak(seen, link(desired), std::memory_order_acq_rel);
    expected = bits(seen);
    return done;
  }
  void store(std::uintptr_t value) { word_.store(link(value), std::memory_order_release); }
  std::uintptr_t take() { return bits(word_.exchange(nullptr, std::memory_order_acq_rel)); }

 private:
  using Link = __pthread_internal_list*;
  static std::uintptr_t bits(Link p) { return reinterpret_cast<std::uintptr_t>(p); }
  static Link link(std::uintptr_t v) { return reinterpret_cast<Link>(v); }
  std::atomic_ref<Link> word_;
};

}  // namespace

bool mutex_is_recursive(const pthread_mutex_t* m) noexcept {
  // glibc keeps the mutex type in the low bits of __kind (PTHREAD_MUTEX_KIND_MASK_NP).
  return (m->__data.__kind & 3) == PTHREAD_MUTEX_RECURSIVE;
}

rt::LockId mutex_id(pthread_mutex_t* m, const void* caller) noexcept {
  if (!id_kept_in_mutex(m)) return lock_id(m, kind_of(m), caller);
  IdWord word(m);
  const std::uintptr_t tag = tag_of(m);
  for (;;) {
    std::uintptr_t seen = word.load();
    if (seen != 0 && (seen & kTagMask) == tag) {
      if (seen >> kTagBits) return seen >> kTagBits;
      continue;  // being made by another thread
    }
    // No id yet (zero), or the word of a mutex copied from another address: make one.
    if (word.replace(seen, tag)) {
      rt::LockId id = rt::lock_created_at(kind_of(m), nullptr, caller, m);
      word.store((static_cast<std::uintptr_t>(id) << kTagBits) | tag);
      return id;
    }
  }
}

rt::LockId forget_mutex(pthread_mutex_t* m) noexcept {
  if (!id_kept_in_mutex(m)) return forget_lock(m);
  std::uintptr_t seen = IdWord(m).take();
  return (seen & kTagMask) == tag_of(m) ? seen >> kTagBits : 0;
}

}  // namespace lockgraph::preload
