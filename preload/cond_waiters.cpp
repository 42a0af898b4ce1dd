#include "cond_waiters.h"

#include <atomic>
#include <cstddef>

namespace lockgraph::preload {
namespace {

struct Entry {
  std::atomic<std::uintptr_t> cond{0};
  std::atomic<std::uint64_t> mutex{0};
  std::atomic<std::uint32_t> waiters{0};
};

constexpr std::size_t kEntries = 4096;  // a power of two
constexpr std::size_t kProbe = 16;
Entry g_entries[kEntries];

std::size_t home(std::uintptr_t key) { return (key * 0x9E3779B97F4A7C15ULL) >> 52; }

// The entry of `cond`, made if `make`; null if absent (or its neighbourhood is full).
Entry* find(const void* cond, bool make) {
  auto key = reinterpret_cast<std::uintptr_t>(cond);
  for (std::size_t i = 0; i < kProbe; ++i) {
    Entry& e = g_entries[(home(key) + i) & (kEntries - 1)];
    if (e.cond.load(std::memory_order_acquire) == key) return &e;
  }
  if (!make) return nullptr;
  for (std::size_t i = 0; i < kProbe; ++i) {
    Entry& e = g_entries[(home(key) + i) & (kEntries - 1)];
    std::uintptr_t empty = 0;
    if (e.cond.compare_exchange_strong(empty, key, std::memory_order_acq_rel) || empty == key) return &e;
  }
  return nullptr;
}

}  // namespace

bool cond_wait_begins(const void* cond, std::uint64_t mutex) noexcept {
  Entry* e = find(cond, true);
  if (!e) return false;
  bool mismatch = e->waiters.load(std::memory_order_acquire) > 0 &&
                  e->mutex.load(std::memory_order_acquire) != mutex;
  e->mutex.store(mutex, std::memory_order_release);
  e->waiters.fetch_add(1, std::memory_order_acq_rel);
  return mismatch;
}

void cond_wait_ends(const void* cond) noexcept {
  if (Entry* e = find(cond, false)) {
    std::uint32_t n = e->waiters.load(std::memory_order_acquire);
    while (n > 0 && !e->waiters.compare_exchange_weak(n, n - 1, std::memory_order_acq_rel)) {
    }
  }
}

void cond_forget(const void* cond) noexcept {
  if (Entry* e = find(cond, false)) {
    e->waiters.store(0, std::memory_order_release);
    e->mutex.store(0, std::memory_order_release);
    e->cond.store(0, std::memory_order_release);  // the slot is free for another
  }
}

}  // namespace lockgraph::preload
