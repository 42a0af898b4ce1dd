// Marks the calling thread as inside the runtime, so that locks the runtime itself takes (through
// the LD_PRELOAD interposer, or the allocator) are not recorded as the program's.
#pragma once

namespace lockgraph::rt {

inline thread_local int tls_runtime_depth = 0;

class ReentryGuard {
 public:
  ReentryGuard() noexcept : outermost_(tls_runtime_depth++ == 0) {}
  ~ReentryGuard() { --tls_runtime_depth; }
  ReentryGuard(const ReentryGuard&) = delete;
  ReentryGuard& operator=(const ReentryGuard&) = delete;
  // False when the runtime was already active on this thread: the caller must do nothing.
  explicit operator bool() const noexcept { return outermost_; }

 private:
  bool outermost_;
};

}  // namespace lockgraph::rt
