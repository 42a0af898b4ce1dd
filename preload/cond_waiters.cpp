#include "cond_waiters.h"

#include <atomic>
#include <cstddef>

namespace lockgraph::preload {
namespace {

struct Entry {
  std::atomic<std::uintptr_t> cond{0};
  std::atomic<std::uint64_t> mutex{0};
  std::atomic<std::uint32_t> waiters{0};
  std::atomic<std::uint32_t> woken{0};  // waiters a signal or broadcast woke that have not returned
};

// Lowers `n` by one unless it is 0.
void decrement_to_zero(std::atomic<std::uint32_t>& n) {
  std::uint32_t seen = n.load(std::memory_order_acquire);
  while (seen > 0 && !n.compare_exchange_weak(seen, seen - 1, std::memory_order_acq_rel)) {
  }
}

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

void cond_wait_ends(const void* cond, int rc) noexcept {
  if (Entry* e = find(cond, false)) {
    decrement_to_zero(e->waiters);
    if (rc == 0) decrement_to_zero(e->woken);
  }
}

void cond_signalled(const void* cond, bool all) noexcept {
  Entry* e = find(cond, false);
  if (!e) return;
  std::uint32_t waiters = e->waiters.load(std::memory_order_acquire);
  std::uint32_t woken = e->woken.load(std::memory_order_acquire);
  // Never more woken than waiting: a signal with nobody waiting is lost, as glibc loses it.
  while (woken < waiters &&
         !e->woken.compare_exchange_weak(woken, all ? waiters : woken + 1, std::memory_order_acq_rel)) {
  }
}

std::uint64_t cond_unwoken_waiters(const void* cond) noexcept {
  Entry* e = find(cond, false);
  if (!e) return 0;
  bool unwoken = e->waiters.load(std::memory_order_acquire) > e->woken.load(std::memory_order_acquire);
  return unwoken ? e->mutex.load(std::memory_order_acquire) : 0;
}

void cond_forget(const void* cond) noexcept {
  if (Entry* e = find(cond, false)) {
    e->waiters.store(0, std::memory_order_release);
    e->woken.store(0, std::memory_order_release);
    e->mutex.store(0, std::memory_order_release);
    e->cond.store(0, std::memory_order_release);  // the slot is free for another
  }
}

}  // namespace lockgraph::preload
