// An alternate signal stack for every thread the runtime records, so that the fatal-signal
// handler (trace_writer.cpp) still runs when a thread dies of a stack overflow: the SIGSEGV then
// comes with no stack left to run a handler on, and without a stack of its own the handler could
// not write the records every thread still buffers. A thread that already has an alternate stack
// (the program's, or a sanitizer's) keeps it.
#pragma once

#include <cstddef>
#include <memory>

namespace lockgraph::rt {

class SignalStack {
 public:
  // Makes this memory the calling thread's alternate signal stack, unless it already has one.
  // The memory is allocated on first use and kept for the next thread (states are recycled);
  // its pages are not touched until a signal arrives, so an unused stack costs no page faults.
  void install() noexcept;
  // The calling thread stops using it (before the memory passes to another thread).
  void remove() noexcept;

 private:
  std::unique_ptr<char[]> memory_;
  std::size_t size_ = 0;
  bool installed_ = false;
};

}  // namespace lockgraph::rt
