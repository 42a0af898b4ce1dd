// Synchronisation primitives that tell the race detector what they order: drop-in wrappers of
// std::counting_semaphore, std::binary_semaphore, std::barrier, std::latch and
// std::condition_variable_any. Each release-side call happens before the acquire-side calls that
// follow it, as in ThreadSanitizer's model of these primitives.
#pragma once

#include <barrier>
#include <condition_variable>
#include <cstddef>
#include <latch>
#include <semaphore>

#include "lockgraph/runtime.h"

namespace lockgraph {

#ifndef LOCKGRAPH_DISABLE

template <std::ptrdiff_t Max = 1024>
class counting_semaphore {
 public:
  explicit counting_semaphore(std::ptrdiff_t initial) : impl_(initial) {}
  void release(std::ptrdiff_t n = 1) {
    rt::sync_release(this);
    impl_.release(n);
  }
  void acquire() {
    impl_.acquire();
    rt::sync_acquire(this);
  }
  bool try_acquire() {
    bool ok = impl_.try_acquire();
    if (ok) rt::sync_acquire(this);
    return ok;
  }
  static constexpr std::ptrdiff_t max() { return Max; }

 private:
  std::counting_semaphore<Max> impl_;
};
using binary_semaphore = counting_semaphore<1>;

// Arriving releases; returning from the wait acquires what every arrival released.
class barrier {
 public:
  explicit barrier(std::ptrdiff_t expected) : impl_(expected) {}
  void arrive_and_wait() {
    rt::sync_release(this);
    impl_.arrive_and_wait();
    rt::sync_acquire(this);
  }
  void arrive_and_drop() {
    rt::sync_release(this);
    impl_.arrive_and_drop();
  }

 private:
  std::barrier<> impl_;
};

class latch {
 public:
  explicit latch(std::ptrdiff_t expected) : impl_(expected) {}
  void count_down(std::ptrdiff_t n = 1) {
    rt::sync_release(this);
    impl_.count_down(n);
  }
  void wait() const {
    impl_.wait();
    rt::sync_acquire(this);
  }
  void arrive_and_wait(std::ptrdiff_t n = 1) {
    rt::sync_release(this);
    impl_.arrive_and_wait(n);
    rt::sync_acquire(this);
  }
  bool try_wait() const {
    bool done = impl_.try_wait();
    if (done) rt::sync_acquire(this);
    return done;
  }

 private:
  std::latch impl_;
};

// notify happens before the wake of the waiters it wakes (besides the mutex's own ordering).
class condition_variable : public std::condition_variable_any {
 public:
  void notify_one() noexcept {
    rt::sync_release(this);
    std::condition_variable_any::notify_one();
  }
  void notify_all() noexcept {
    rt::sync_release(this);
    std::condition_variable_any::notify_all();
  }
  template <class Lock>
  void wait(Lock& lock) {
    check_held(lock);
    std::condition_variable_any::wait(lock);
    rt::sync_acquire(this);
  }
  template <class Lock, class Predicate>
  void wait(Lock& lock, Predicate ready) {
    while (!ready()) wait(lock);
  }

 private:
  // Waiting without holding the mutex is undefined behaviour and loses wake-ups: report it.
  template <class Lock>
  static void check_held(Lock& lock) {
    if constexpr (requires { lock.mutex()->trace_id(); }) {
      if (lock.mutex() != nullptr && !rt::lock_held(lock.mutex()->trace_id()))
        rt::lock_misused(lock.mutex()->trace_id(), trace::incident::kWaitNotHeld);
    } else if constexpr (requires { lock.trace_id(); }) {
      if (!rt::lock_held(lock.trace_id())) rt::lock_misused(lock.trace_id(), trace::incident::kWaitNotHeld);
    }
  }
};

#else

template <std::ptrdiff_t Max = 1024>
using counting_semaphore = std::counting_semaphore<Max>;
using binary_semaphore = std::binary_semaphore;
using barrier = std::barrier<>;
using latch = std::latch;
using condition_variable = std::condition_variable_any;

#endif

}  // namespace lockgraph
