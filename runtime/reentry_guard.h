// Marks the calling thread as inside the runtime, so that locks the runtime itself takes (through
// the LD_PRELOAD interposer, or the allocator) are not recorded as the program's.
#pragma once

#include "lockgraph/lock_path.h"

namespace lockgraph::rt {

// The depth lives in the thread's LockPath, next to what the lock path reads anyway.
inline int runtime_depth() noexcept { return tls_lock_path.depth; }

class ReentryGuard {
 public:
  ReentryGuard() noexcept : outermost_(tls_lock_path.depth++ == 0) {}
  ~ReentryGuard() { --tls_lock_path.depth; }
  ReentryGuard(const ReentryGuard&) = delete;
  ReentryGuard& operator=(const ReentryGuard&) = delete;
  // False when the runtime was already active on this thread: the caller must do nothing.
  explicit operator bool() const noexcept { return outermost_; }

 private:
  bool outermost_;
};

}  // namespace lockgraph::rt
