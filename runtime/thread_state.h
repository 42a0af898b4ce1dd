// Per-thread recorder state: the held-lock stack, the chain cache and the record buffer.
//
// Each ThreadState is owned by one thread. The registry links every state ever made into a
// lock-free list so that exit and signal handlers can flush them all without taking a lock that
// the interrupted thread might hold. A state whose thread ended is recycled for a new thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
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

// The locks a thread holds, innermost last. Fixed capacity with explicit growth, so the lock path
// can push without a capacity branch of its own (it checks full() first and takes the slow path).
class HeldStack {
 public:
  HeldStack() { reserve(64); }
  bool empty() const { return size_ == 0; }
  bool full() const { return size_ == capacity_; }
  std::size_t size() const { return size_; }
  HeldLock& back() { return data_[size_ - 1]; }
  const HeldLock& back() const { return data_[size_ - 1]; }
  HeldLock& operator[](std::size_t i) { return data_[i]; }
  HeldLock* begin() { return data_.get(); }
  HeldLock* end() { return data_.get() + size_; }
  const HeldLock* begin() const { return data_.get(); }
  const HeldLock* end() const { return data_.get() + size_; }

  void push_unchecked(const HeldLock& h) { data_[size_++] = h; }
  void push(const HeldLock& h) {
    if (full()) reserve(capacity_ * 2);  // deep nesting: grows, never caps
    push_unchecked(h);
  }
  void pop_back() { --size_; }
  void erase(std::size_t i) {
    for (std::size_t j = i + 1; j < size_; ++j) data_[j - 1] = data_[j];
    --size_;
  }
  void clear() { size_ = 0; }
  void reserve(std::size_t capacity) {
    if (capacity <= capacity_) return;
    std::unique_ptr<HeldLock[]> grown(new HeldLock[capacity]);
    for (std::size_t i = 0; i < size_; ++i) grown[i] = data_[i];
    data_ = std::move(grown);
    capacity_ = capacity;
  }
  void release_memory() {
    data_.reset();
    size_ = capacity_ = 0;
  }

 private:
  std::unique_ptr<HeldLock[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

// What a thread blocked in a lock published for the hang watchdog (hang_watchdog.h). Written
// only by its thread; `generation` changes around every update so a reader can tell a torn read.
struct WaitSnapshot {
  static constexpr std::size_t kMaxHeld = 32;  // more held locks are left out of a report
  std::atomic<std::uint64_t> generation{0};
  std::atomic<LockId> lock{0};                 // 0: not waiting
  std::atomic<std::uint64_t> since_ns{0};
  std::atomic<std::uint32_t> tid{0};
  std::atomic<std::uint32_t> stack{0};         // where it waits
  std::atomic<std::uint32_t> held_count{0};
  std::atomic<LockId> held_lock[kMaxHeld] = {};
  std::atomic<std::uint32_t> held_stack[kMaxHeld] = {};
};

struct ThreadState {
  ThreadId tid = 0;
  std::uint32_t segment = 0;  // bumped at every start/join this thread performs
  std::uint32_t sync_epoch = 0;  // bumped at every sync record (race detection)

  // Accesses already recorded in this sync epoch (direct-mapped: a collision re-records, harmlessly).
  static constexpr std::size_t kAccessFilterSize = 256;
  std::uint64_t recorded_accesses[kAccessFilterSize] = {};

  // Held locks, innermost last. 64 up front; deeper nesting grows it (slow path), never caps.
  HeldStack held;
  ChainCache chains;

  // Complete records not yet written. `busy` is held while the owner appends or another thread
  // flushes; `committed` is the length of complete records, for the signal path.
  std::string buffer;
  std::atomic_flag busy = ATOMIC_FLAG_INIT;
  std::atomic<std::size_t> committed{0};

  WaitSnapshot wait;

  std::atomic<bool> live{false};
  ThreadState* next = nullptr;  // registry link, set once

  std::uint64_t top_chain_hash() const { return held.empty() ? 0 : held.back().chain_hash; }
  HeldLock* find_held(LockId lock) {
    for (std::size_t i = held.size(); i-- > 0;)
      if (held[i].lock == lock) return &held[i];
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
