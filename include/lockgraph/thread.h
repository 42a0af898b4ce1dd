// lockgraph::thread: std::thread that tells the runtime who started it and who joined it, so the
// analyzer knows which threads can run at the same time (start/join happens-before).
//
// With LOCKGRAPH_DISABLE it is std::thread.
#pragma once

#include <functional>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>

#include "lockgraph/lock_path.h"
#include "lockgraph/runtime.h"

namespace lockgraph {

#ifndef LOCKGRAPH_DISABLE

class thread {
 public:
  using id = std::thread::id;
  using native_handle_type = std::thread::native_handle_type;

  thread() noexcept = default;

  template <class F, class... Args,
            class = std::enable_if_t<!std::is_same_v<std::remove_cvref_t<F>, thread>>>
  explicit thread(F&& f, Args&&... args) {
    rt::ThreadTicket ticket = rt::thread_forking();
    child_ = ticket.child;
    rt::ReentryGuard told_already;  // the runtime's pthread_create interposer stands aside
    impl_ = std::thread(
        [ticket](auto&& fn, auto&&... fn_args) {
          rt::thread_started(ticket);
          std::invoke(std::move(fn), std::move(fn_args)...);
        },
        std::forward<F>(f), std::forward<Args>(args)...);
  }

  thread(thread&& other) noexcept
      : impl_(std::move(other.impl_)), child_(std::exchange(other.child_, 0)) {}
  thread& operator=(thread&& other) noexcept {
    impl_ = std::move(other.impl_);
    child_ = std::exchange(other.child_, 0);
    return *this;
  }

  bool joinable() const noexcept { return impl_.joinable(); }
  id get_id() const noexcept { return impl_.get_id(); }
  native_handle_type native_handle() { return impl_.native_handle(); }
  static unsigned hardware_concurrency() noexcept { return std::thread::hardware_concurrency(); }

  void join() {
    {
      rt::ReentryGuard told_already;  // and its pthread_join interposer
      impl_.join();
    }
    rt::thread_joined(child_);
  }
  void detach() {
    rt::ReentryGuard told_already;
    impl_.detach();
  }

  // The thread's id in the trace.
  rt::ThreadId trace_id() const noexcept { return child_; }

 private:
  std::thread impl_;
  rt::ThreadId child_ = 0;
};

#else

using thread = std::thread;

#endif

}  // namespace lockgraph
