// Python's concurrent.futures.ThreadPoolExecutor: submit() returns a future, map() applies a
// function to each item in order. Workers take tasks from a BlockingQueue; a result is published
// through its future, which tells the race detector the hand-off (set_value happens before get).
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <vector>

#include <lockgraph/lockgraph.h>

#include "blocking_queue.h"

namespace samples {

template <class T>
class Future {
 public:
  explicit Future(std::shared_ptr<std::promise<T>> promise)
      : promise_(promise), future_(promise->get_future()) {}
  T result() {
    T value = future_.get();
    LOCKGRAPH_HAPPENS_AFTER(promise_.get());
    return value;
  }

 private:
  std::shared_ptr<std::promise<T>> promise_;
  std::future<T> future_;
};

class ThreadPool {
 public:
  explicit ThreadPool(int workers) {
    for (int i = 0; i < workers; ++i)
      threads_.emplace_back([this, i] {
        lockgraph::set_thread_name(("pool-worker-" + std::to_string(i)).c_str());
        for (;;) {
          std::optional<std::function<void()>> task = tasks_.get();
          if (!task) return;  // the poison pill
          (*task)();
        }
      });
  }
  ~ThreadPool() {  // like leaving `with ThreadPoolExecutor(...)`: finish the work, then stop
    for (std::size_t i = 0; i < threads_.size(); ++i) tasks_.put(std::nullopt);
    for (auto& t : threads_) t.join();
  }

  template <class F, class... Args>
  auto submit(F f, Args... args) -> Future<decltype(f(args...))> {
    using R = decltype(f(args...));
    auto promise = std::make_shared<std::promise<R>>();
    tasks_.put(std::function<void()>([promise, f, args...] {
      R value = f(args...);
      LOCKGRAPH_HAPPENS_BEFORE(promise.get());
      promise->set_value(std::move(value));
    }));
    return Future<R>(promise);
  }

  template <class F, class T>
  auto map(F f, const std::vector<T>& items) -> std::vector<decltype(f(items[0]))> {
    std::vector<Future<decltype(f(items[0]))>> futures;
    for (const T& item : items) futures.push_back(submit(f, item));
    std::vector<decltype(f(items[0]))> results;
    for (auto& future : futures) results.push_back(future.result());
    return results;
  }

 private:
  BlockingQueue<std::optional<std::function<void()>>> tasks_;
  std::vector<lockgraph::thread> threads_;
};

}  // namespace samples
