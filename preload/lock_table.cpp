#include "lock_table.h"

#include <sys/mman.h>

#include <atomic>
#include <cstdint>
#include <unordered_map>

namespace lockgraph::preload {
namespace {

constexpr std::size_t kSlots = std::size_t{1} << 20;  // 16 MiB of address space, touched on use
constexpr std::size_t kProbe = 32;
constexpr std::uintptr_t kTombstone = ~std::uintptr_t{0};

struct Slot {
  std::atomic<std::uintptr_t> key;
  std::atomic<rt::LockId> id;
};

Slot* table() {
  static Slot* slots = [] {
    void* p = ::mmap(nullptr, kSlots * sizeof(Slot), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? nullptr : static_cast<Slot*>(p);
  }();
  return slots;
}

std::size_t home(std::uintptr_t key) { return (key * 0x9E3779B97F4A7C15ULL >> 40) & (kSlots - 1); }

// The overflow: taken only when kProbe slots around an address are all used.
std::atomic_flag g_overflow_busy = ATOMIC_FLAG_INIT;
std::unordered_map<std::uintptr_t, rt::LockId>& overflow() {
  static auto* map = new std::unordered_map<std::uintptr_t, rt::LockId>();
  return *map;
}
struct OverflowGuard {
  OverflowGuard() {
    while (g_overflow_busy.test_and_set(std::memory_order_acquire)) {
    }
  }
  ~OverflowGuard() { g_overflow_busy.clear(std::memory_order_release); }
};

// The address goes into the trace as module + offset when the lock lives in a module (a global
// or static): the analyzer names it after its symbol, offline, from the symbol table or debug info.
rt::LockId make_id(const void* address, trace::LockKind kind, const void* caller, bool at_init) {
  return rt::lock_created_at(kind, nullptr, caller, address, !at_init);
}

}  // namespace

rt::LockId lock_id(const void* address, trace::LockKind kind, const void* caller, bool at_init) noexcept {
  auto key = reinterpret_cast<std::uintptr_t>(address);
  Slot* slots = table();
  if (slots) {
    std::size_t start = home(key);
    for (std::size_t i = 0; i < kProbe; ++i) {
      Slot& s = slots[(start + i) & (kSlots - 1)];
      std::uintptr_t k = s.key.load(std::memory_order_acquire);
      if (k == key) {
        rt::LockId id = s.id.load(std::memory_order_acquire);
        if (id != 0) return id;
        // Another thread is creating it right now: wait for its id.
        while ((id = s.id.load(std::memory_order_acquire)) == 0 &&
               s.key.load(std::memory_order_acquire) == key) {
        }
        if (id != 0) return id;
        continue;
      }
      if (k == 0) {
        std::uintptr_t expected = 0;
        if (s.key.compare_exchange_strong(expected, key, std::memory_order_acq_rel)) {
          rt::LockId id = make_id(address, kind, caller, at_init);
          s.id.store(id, std::memory_order_release);
          return id;
        }
        if (expected == key) {
          --i;  // lost the race to the same address: read it again
          continue;
        }
      }
    }
  }
  OverflowGuard guard;
  auto [it, inserted] = overflow().try_emplace(key, 0);
  if (inserted) it->second = make_id(address, kind, caller, at_init);
  return it->second;
}

rt::LockId forget_lock(const void* address) noexcept {
  auto key = reinterpret_cast<std::uintptr_t>(address);
  if (Slot* slots = table()) {
    std::size_t start = home(key);
    for (std::size_t i = 0; i < kProbe; ++i) {
      Slot& s = slots[(start + i) & (kSlots - 1)];
      std::uintptr_t k = s.key.load(std::memory_order_acquire);
      if (k == 0) break;
      if (k != key) continue;
      rt::LockId id = s.id.exchange(0, std::memory_order_acq_rel);
      s.key.store(kTombstone, std::memory_order_release);
      return id;
    }
  }
  OverflowGuard guard;
  auto it = overflow().find(key);
  if (it == overflow().end()) return 0;
  rt::LockId id = it->second;
  overflow().erase(it);
  return id;
}

}  // namespace lockgraph::preload
