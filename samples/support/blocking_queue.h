// Python's queue.Queue in C++: put/get/task_done/join, built on lockgraph's instrumented mutex and
// condition variable, so the analyzer sees (and orders) every hand-off through it.
#pragma once

#include <deque>
#include <mutex>
#include <optional>

#include <lockgraph/lockgraph.h>

namespace samples {

template <class T>
class BlockingQueue {
 public:
  void put(T item) {
    std::lock_guard guard(mutex_);
    items_.push_back(std::move(item));
    ++unfinished_;
    not_empty_.notify_one();
  }
  T get() {
    std::unique_lock guard(mutex_);
    not_empty_.wait(guard, [&] { return !items_.empty(); });
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }
  void task_done() {
    std::lock_guard guard(mutex_);
    if (--unfinished_ == 0) all_done_.notify_all();
  }
  // Waits until every item put has been marked done.
  void join() {
    std::unique_lock guard(mutex_);
    all_done_.wait(guard, [&] { return unfinished_ == 0; });
  }

 private:
  lockgraph::mutex mutex_{"queue.mutex"};
  lockgraph::condition_variable not_empty_;
  lockgraph::condition_variable all_done_;
  std::deque<T> items_;
  long unfinished_ = 0;
};

}  // namespace samples
