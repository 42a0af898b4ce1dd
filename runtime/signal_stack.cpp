#include "signal_stack.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <new>

namespace lockgraph::rt {

namespace {

// The fatal-signal handler formats counts in a 1.2 KB buffer and calls write(2); the kernel's
// signal frame holds the CPU's extended state (about 3 KB with AVX-512). sysconf's figure is
// what glibc deems enough for a handler on this CPU; 32 KB on top leaves room to spare.
std::size_t signal_stack_size() {
  long suggested = ::sysconf(_SC_SIGSTKSZ);
  return static_cast<std::size_t>(std::max(suggested, 0L)) + 32 * 1024;
}

}  // namespace

void SignalStack::install() noexcept {
  if (!memory_) {
    size_ = signal_stack_size();
    memory_.reset(new (std::nothrow) char[size_]);
    if (!memory_) return;
  }
  stack_t ours{};
  ours.ss_sp = memory_.get();
  ours.ss_size = size_;
  stack_t previous{};
  if (::sigaltstack(&ours, &previous) != 0) return;  // e.g. running on the program's own now
  if (!(previous.ss_flags & SS_DISABLE)) {
    ::sigaltstack(&previous, nullptr);  // the thread had one: it stays
    return;
  }
  installed_ = true;
}

void SignalStack::remove() noexcept {
  if (!installed_) return;
  stack_t off{};
  off.ss_flags = SS_DISABLE;
  ::sigaltstack(&off, nullptr);
  installed_ = false;
}

}  // namespace lockgraph::rt
