// The runtime's own background threads (hang watchdog, periodic flusher, race sampler).
#pragma once

#include <pthread.h>

#include "lockgraph/lock_path.h"

namespace lockgraph::rt {

// Starts `main` on a raw detached pthread with no heap state: it runs until the process ends (a
// std::thread's state would be reported as a leak by LeakSanitizer, since the thread never
// returns). Created with the runtime's depth raised, so the thread interposer does not record it
// as one of the program's threads.
inline void start_own_thread(void* (*main)(void*)) noexcept {
  ReentryGuard reentry;
  pthread_t thread;
  if (::pthread_create(&thread, nullptr, main, nullptr) == 0) ::pthread_detach(thread);
}

}  // namespace lockgraph::rt
