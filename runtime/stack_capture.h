// Captures the calling thread's stack as return addresses, with LLVM libunwind.
//
// Costs microseconds: call it only on the slow path (a new lock chain or creation site). Frames
// inside the lockgraph runtime itself are left out, so the first frame is the program's.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lockgraph::rt {

// Writes up to `max_frames` instruction addresses into `frames`, innermost first; returns how many.
std::size_t capture_stack(std::uintptr_t* frames, std::size_t max_frames) noexcept;

}  // namespace lockgraph::rt
