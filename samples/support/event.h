// Python's threading.Event: a flag and a condition variable.
#pragma once

#include <mutex>

#include <lockgraph/lockgraph.h>

namespace samples {

class Event {
 public:
  void set() {
    std::lock_guard guard(mutex_);
    flag_ = true;
    changed_.notify_all();
  }
  void wait() {
    std::unique_lock guard(mutex_);
    changed_.wait(guard, [&] { return flag_; });
  }
  bool is_set() {
    std::lock_guard guard(mutex_);
    return flag_;
  }

 private:
  lockgraph::mutex mutex_{"event.mutex"};
  lockgraph::condition_variable changed_;
  bool flag_ = false;
};

}  // namespace samples
