// The per-thread chain cache (lockdep's chain-key idea): every distinct (held chain, new lock,
// call site, segment) this thread has recorded, keyed by a 64-bit hash.
//
// Only its owning thread inserts; other threads read counts at exit under the owner's buffer
// flag. A hit costs one probe sequence and a relaxed counter increment. The table grows (on the
// slow path that records a new chain) instead of filling up, so no chain is ever dropped. The
// owner's LockPath (lock_path.h) mirrors the table's address and size for the inline fast path.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "lockgraph/lock_path.h"

namespace lockgraph::rt {

// What only the slow paths and the flush need of a chain, kept apart from the hot entries.
struct ChainInfo {
  std::uint32_t chain_id = 0;  // id of the chain record in the trace (0: not a lock chain)
  std::uint32_t wraps = 0;     // times the entry's 32-bit count wrapped around
  std::uint64_t reported = 0;  // the part of the count already written to the trace
};

class ChainCache {
 public:
  ChainCache() { reset(1024); }

  // Publishes the table to `path` (the owning thread's lock path) now and after every change.
  // (Two calls instead of a nullable pointer: GCC 12 with ASan miscompiles a null test of a
  // thread-local's address, branching on stale flags.)
  void mirror_to(LockPath* path) noexcept {
    path_ = path;
    mirrored_ = true;
    publish();
  }
  void stop_mirroring() noexcept {
    mirrored_ = false;
    path_ = nullptr;
  }

  // The entry for `key`, or null. `key` must not be 0. Probes as fast_acquire() does.
  ChainEntry* find(std::uint64_t key) noexcept {
    for (std::size_t i = key >> shift_;; i = (i + 1) & mask_) {
      ChainEntry& slot = slots_[i];
      if (slot.key == key) return &slot;
      if (slot.key == 0) return nullptr;
    }
  }

  // Inserts `key` (absent) and returns its entry. May grow the table, invalidating pointers.
  ChainEntry* insert(std::uint64_t key) {
    if ((size_ + 1) * 2 > capacity_) grow();
    ++size_;
    return place(key);
  }

  ChainInfo& info(const ChainEntry* entry) noexcept { return info_[static_cast<std::size_t>(entry - slots_.get())]; }

  // All acquisitions counted on `entry`.
  std::uint64_t total(const ChainEntry* entry) noexcept {
    return (std::uint64_t{info(entry).wraps} << 32) + entry->count.load(std::memory_order_relaxed);
  }
  // Counts one more acquisition, carrying into the cold part when the 32 bits wrap. The
  // owning thread calls it with its buffer flag held if the count may wrap (the flush reads both).
  void count_one(ChainEntry* entry) noexcept {
    std::uint32_t now = entry->count.load(std::memory_order_relaxed) + 1;
    if (now == 0) ++info(entry).wraps;
    entry->count.store(now, std::memory_order_relaxed);
  }

  // Calls visit(entry, info) for every entry.
  template <class Visit>
  void for_each(Visit&& visit) {
    for (std::size_t i = 0; i < capacity_; ++i)
      if (slots_[i].key != 0) visit(slots_[i], info_[i]);
  }

  void clear() { reset(1024); }

 private:
  ChainEntry* place(std::uint64_t key) {
    std::size_t i = key >> shift_;
    while (slots_[i].key != 0) i = (i + 1) & mask_;
    slots_[i].key = key;
    return &slots_[i];
  }
  void reset(std::size_t capacity) {
    slots_ = std::make_unique<ChainEntry[]>(capacity);
    info_ = std::make_unique<ChainInfo[]>(capacity);
    capacity_ = capacity;
    mask_ = capacity - 1;
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(capacity));
    size_ = 0;
    publish();
  }
  void publish() noexcept {
    if (!mirrored_) return;
    path_->slots = slots_.get();
    path_->mask = mask_;
    path_->index_shift = shift_;
  }
  void grow() {
    std::unique_ptr<ChainEntry[]> old = std::move(slots_);
    std::unique_ptr<ChainInfo[]> old_info = std::move(info_);
    std::size_t old_capacity = capacity_;
    std::size_t old_size = size_;
    reset(old_capacity * 2);
    size_ = old_size;
    for (std::size_t i = 0; i < old_capacity; ++i) {
      if (old[i].key == 0) continue;
      ChainEntry* moved = place(old[i].key);
      moved->stack_id = old[i].stack_id;
      moved->count.store(old[i].count.load(std::memory_order_relaxed), std::memory_order_relaxed);
      info(moved) = old_info[i];
    }
  }

  std::unique_ptr<ChainEntry[]> slots_;
  std::unique_ptr<ChainInfo[]> info_;
  std::size_t capacity_ = 0;
  std::size_t mask_ = 0;
  unsigned shift_ = 63;
  std::size_t size_ = 0;
  LockPath* path_ = nullptr;
  bool mirrored_ = false;
};

// Mixes a value into a running hash (splitmix64 finaliser); never returns 0.
inline std::uint64_t hash_mix(std::uint64_t seed, std::uint64_t value) noexcept {
  std::uint64_t x = seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x == 0 ? 1 : x;
}

}  // namespace lockgraph::rt
