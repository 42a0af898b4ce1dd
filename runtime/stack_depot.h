// The stack depot: each distinct stack is written to the trace once and referred to by a 32-bit
// id afterwards (sanitizer_common's StackDepot idea). Frames are written as module + offset, with
// each module's record written before the first stack that uses it, so the analyzer can
// symbolize offline.
//
// Takes a process-wide lock: call it only on slow paths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "stack_capture.h"

namespace lockgraph::rt {

// Working memory for one capture, kept per thread (ThreadState) rather than on the stack: a new
// thread's stack pages are unmapped until touched, so 7 KB of arrays there cost each new thread's
// first capture page faults (bench/compare.sh short_threads, 8,000 threads: 16.5k page faults
// -> 12.3k; plain makes 8.1k), and they crashed a thread with a small stack that ran fine
// alone (tests/programs/small_stack.cpp: 6 KB left).
struct StackScratch {
  std::uintptr_t frames[kMaxStackDepth + kOwnFramesAllowance];
  std::uint32_t module_of[kMaxStackDepth];
  std::uintptr_t offset_of[kMaxStackDepth];
  // The last capture: frames[first, first + count) (the hang watchdog prints a waiter's).
  std::size_t first = 0;
  std::size_t count = 0;
};

// Captures the caller's stack (options().stack_depth frames), interns it, and appends any new
// stack and module records to `records`. Returns the stack id, or 0 when no stack was captured.
// With `innermost` (a return address), the stack starts at that frame if it is on the stack:
// code of lockgraph's linked into the program itself (the race entry points) is left out.
std::uint32_t capture_and_intern_stack(std::string& records, StackScratch& scratch,
                                       const void* innermost = nullptr) noexcept;

// If `address` lies in a loaded module (a global or static object), its module id and offset
// from the module's load bias, appending the module's record to `records` if new.
bool locate_address(std::uintptr_t address, std::string& records, std::uint32_t& module,
                    std::uint64_t& offset) noexcept;

// Forgets every interned stack and module (a fork child writes a new trace file).
void forget_interned_stacks() noexcept;

}  // namespace lockgraph::rt
