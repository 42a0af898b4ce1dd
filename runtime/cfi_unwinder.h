// A fast stack walker for x86-64 Linux: the same DWARF call-frame information (.eh_frame) that
// libunwind reads, with each return address's unwind rule computed once and cached for the
// whole process.
//
// Why: libunwind finds and interprets the rule of every frame on every capture (a few µs a
// frame here), and a program that starts many short threads, or takes thousands of distinct lock
// chains, captures thousands of stacks through the same few return addresses. Here a known
// return address costs a table lookup and two loads. Anything this walker does not model (a CFA
// defined by an expression, a signal frame, a register other than rsp or rbp holding the CFA) makes
// it give up, and the caller falls back to libunwind for that capture (stack_capture.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace lockgraph::rt {

// Registers of the frame where the walk starts, just after a call it made: `ip` is that call's
// return address (its rule is looked up at ip - 1, inside the call, as for every caller frame).
struct WalkStart {
  std::uintptr_t ip = 0;
  std::uintptr_t sp = 0;
  std::uintptr_t bp = 0;
};

// Walks from `start`: writes the instruction addresses of the frames (start.ip first, then each
// caller's return address) into `frames`, up to `max_frames`. Returns how many, or -1 if some frame
// is beyond this walker (nothing useful was written then). Safe to call from any thread at any
// time; takes a spin lock only to add a rule to the cache.
int cfi_walk(const WalkStart& start, std::uintptr_t* frames, std::size_t max_frames) noexcept;

// The registers of the calling function just after this call returns: a start for cfi_walk().
WalkStart current_registers() noexcept;

}  // namespace lockgraph::rt
