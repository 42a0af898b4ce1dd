// Per-thread recorder state: the held-lock stack, the chain cache and the record buffer.
//
// Each ThreadState is owned by one thread. The registry links every state ever made into a
// lock-free list so that exit and signal handlers can flush them all without taking a lock that
// the interrupted thread might hold. A state whose thread ended is recycled for a new thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "chain_cache.h"
#include "lockgraph/runtime.h"

namespace lockgraph::rt {

struct HeldLock {
  LockId lock = 0;
  std::uint32_t flags = 0;
  std::uint32_t stack_id = 0;     // where this hold was taken (first time its chain was seen)
  std::uint32_t recursion = 0;    // extra re-entrant holds
  std::uint64_t chain_hash = 0;   // hash of the held chain up to and including this lock
};

struct ThreadState {
  ThreadId tid = 0;
  std::uint32_t segment = 0;  // bumped at every start/join this thread performs
  std::uint32_t sync_epoch = 0;  // bumped at every sync record (race detection)

  // Accesses already recorded in this sync epoch (direct-mapped: a collision re-records, harmlessly).
  static constexpr std::size_t kAccessFilterSize = 256;
  std::uint64_t recorded_accesses[kAccessFilterSize] = {};

  // Held locks, innermost last. Reserved up front; deeper nesting grows it (slow path), never caps.
  std::vector<HeldLock> held;
  ChainCache chains;

  // Complete records not yet written. `busy` is held while the owner appends or another thread
  // flushes; `committed` is the length of complete records, for the signal path.
  std::string buffer;
  std::atomic_flag busy = ATOMIC_FLAG_INIT;
  std::atomic<std::size_t> committed{0};

  std::atomic<bool> live{false};
  ThreadState* next = nullptr;  // registry link, set once

  std::uint64_t top_chain_hash() const { return held.empty() ? 0 : held.back().chain_hash; }
  HeldLock* find_held(LockId lock) {
    for (auto it = held.rbegin(); it != held.rend(); ++it)
      if (it->lock == lock) return &*it;
    return nullptr;
  }
};

// The calling thread's state (fast path); null until it was made.
extern __thread ThreadState* tls_state __attribute__((tls_model("initial-exec")));

// Makes (and registers) the calling thread's state; null while the runtime is disabled.
ThreadState* make_current_thread_state() noexcept;

// The calling thread's state, created on first use. Null while the runtime is disabled.
inline ThreadState* current_thread_state() noexcept {
  ThreadState* state = tls_state;
  return state ? state : make_current_thread_state();
}

// Like current_thread_state(), but with the trace id given by the parent's ticket.
ThreadState* adopt_thread_state(ThreadId tid) noexcept;

// The first registered state; follow ->next. Never unlinked, so safe to walk at any time.
ThreadState* first_thread_state() noexcept;

// The next thread id, never reused.
ThreadId allocate_thread_id() noexcept;

// Holds a state's buffer flag for a scope (spins: the owner holds it only for an append).
class BufferGuard {
 public:
  explicit BufferGuard(ThreadState& state) : state_(state) {
    while (state_.busy.test_and_set(std::memory_order_acquire)) {
    }
  }
  ~BufferGuard() {
    state_.committed.store(state_.buffer.size(), std::memory_order_relaxed);
    state_.busy.clear(std::memory_order_release);
  }
  BufferGuard(const BufferGuard&) = delete;
  BufferGuard& operator=(const BufferGuard&) = delete;

 private:
  ThreadState& state_;
};

}  // namespace lockgraph::rt
