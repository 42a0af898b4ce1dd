// Synchronisation primitives that tell the race detector what they order: drop-in wrappers of
// std::counting_semaphore, std::binary_semaphore, std::barrier, std::latch and
// std::condition_variable_any. Each release-side call happens before the acquire-side calls that
// follow it, as in ThreadSanitizer's model of these primitives.
#pragma once

#include <barrier>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <latch>
#include <semaphore>
#include <utility>

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
  template <class Rep, class Period>
  bool try_acquire_for(const std::chrono::duration<Rep, Period>& d) {
    bool ok = impl_.try_acquire_for(d);
    if (ok) rt::sync_acquire(this);  // a timeout acquires nothing
    return ok;
  }
  template <class Clock, class Duration>
  bool try_acquire_until(const std::chrono::time_point<Clock, Duration>& t) {
    bool ok = impl_.try_acquire_until(t);
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
  using arrival_token = std::barrier<>::arrival_token;
  explicit barrier(std::ptrdiff_t expected) : impl_(expected) {}
  [[nodiscard]] arrival_token arrive(std::ptrdiff_t n = 1) {
    rt::sync_release(this);
    return impl_.arrive(n);
  }
  void wait(arrival_token&& token) const {
    impl_.wait(std::move(token));
    rt::sync_acquire(this);
  }
  static constexpr std::ptrdiff_t max() noexcept { return std::barrier<>::max(); }
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
  static constexpr std::ptrdiff_t max() noexcept { return std::latch::max(); }

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
  // A wait that timed out acquires nothing: no notify woke it.
  template <class Lock, class Clock, class Duration>
  std::cv_status wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& t) {
    check_held(lock);
    std::cv_status status = std::condition_variable_any::wait_until(lock, t);
    if (status == std::cv_status::no_timeout) rt::sync_acquire(this);
    return status;
  }
  template <class Lock, class Clock, class Duration, class Predicate>
  bool wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& t, Predicate ready) {
    while (!ready())
      if (wait_until(lock, t) == std::cv_status::timeout) return ready();
    return true;
  }
  template <class Lock, class Rep, class Period>
  std::cv_status wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& d) {
    return wait_until(lock, std::chrono::steady_clock::now() + d);
  }
  template <class Lock, class Rep, class Period, class Predicate>
  bool wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& d, Predicate ready) {
    return wait_until(lock, std::chrono::steady_clock::now() + d, std::move(ready));
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
