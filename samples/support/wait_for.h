// Lets a sample take inverted lock orders at different times without the tool seeing any
// ordering: a plain atomic flag, which the analyzer does not treat as synchronisation. The two
// threads stay concurrent in its eyes (so the deadlock must still be predicted), yet the program
// never hangs.
#pragma once

#include <atomic>
#include <thread>

namespace samples {

inline void wait_until(const std::atomic<bool>& flag) {
  while (!flag.load(std::memory_order_acquire)) std::this_thread::yield();
}

}  // namespace samples
