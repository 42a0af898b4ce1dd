// Marks the calling thread as inside the runtime, so that locks the runtime itself takes (through
// the LD_PRELOAD interposer, or the allocator) are not recorded as the program's.
#pragma once

namespace lockgraph::rt {

// initial-exec: the runtime is loaded at start-up (linked or LD_PRELOAD), so its TLS is a fixed
// offset from the thread pointer; one instruction, not a __tls_get_addr call per lock.
#define LOCKGRAPH_FAST_TLS __attribute__((tls_model("initial-exec")))

// __thread rather than thread_local: no dynamic-initialisation wrapper call on each access.
extern __thread int tls_runtime_depth LOCKGRAPH_FAST_TLS;

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
