#include "mutex_identity.h"

#include "lock_table.h"

namespace lockgraph::preload {
namespace {

trace::LockKind kind_of(const pthread_mutex_t* m) {
  return mutex_is_recursive(m) ? trace::LockKind::kRecursiveMutex : trace::LockKind::kMutex;
}

}  // namespace

namespace mutex_word {

rt::LockId find_or_make(pthread_mutex_t* m, const void* caller, bool at_init) noexcept {
  if (!holds_id(m)) return lock_id(m, kind_of(m), caller, at_init);
  std::atomic_ref<Link> word = word_of(m);
  const std::uintptr_t tag = tag_of(m);
  for (;;) {
    Link seen = word.load(std::memory_order_acquire);
    if (rt::LockId id = id_in(bits(seen), tag)) return id;
    if (bits(seen) == tag) continue;  // tagged, no id yet: being made by another thread
    // No id yet (zero), or the word of a mutex copied from another address: make one.
    if (word.compare_exchange_weak(seen, link(tag), std::memory_order_acq_rel)) {
      rt::LockId id = rt::lock_created_at(kind_of(m), nullptr, caller, m, !at_init);
      word.store(link((static_cast<std::uintptr_t>(id) << kTagBits) | tag), std::memory_order_release);
      return id;
    }
  }
}

}  // namespace mutex_word

rt::LockId forget_mutex(pthread_mutex_t* m) noexcept {
  using namespace mutex_word;
  if (!holds_id(m)) return forget_lock(m);
  return id_in(bits(word_of(m).load(std::memory_order_acquire)), tag_of(m));
}

}  // namespace lockgraph::preload
