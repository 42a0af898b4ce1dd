// Captures the calling thread's stack as return addresses: with the cached call-frame-information
// walker (cfi_unwinder.h) where it models every frame, else with LLVM libunwind.
//
// Call it only on the slow path (a new lock chain or creation site): libunwind costs microseconds
// a frame, the walker about that much per return address the first time it sees one. Frames
// inside the lockgraph runtime itself are left out, so the first frame is the program's.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lockgraph::rt {

// Most frames a capture keeps.
inline constexpr std::size_t kMaxStackDepth = 256;
// The runtime's own frames, walked into the caller's buffer and then dropped: a buffer for
// `max_frames` needs room for this many more.
inline constexpr std::size_t kOwnFramesAllowance = 16;

// Writes up to `max_frames` (at most kMaxStackDepth) instruction addresses into `frames`,
// innermost first; returns how many. `frames` needs room for max_frames + kOwnFramesAllowance.
std::size_t capture_stack(std::uintptr_t* frames, std::size_t max_frames) noexcept;

// The same with LLVM libunwind alone.
std::size_t capture_stack_libunwind(std::uintptr_t* frames, std::size_t max_frames) noexcept;

// Whether `address` lies in the loaded object that holds this runtime (a shared library of
// lockgraph's): its code is the runtime's, never the program's. The extent is found once, through
// the loader.
bool in_runtime_object(std::uintptr_t address) noexcept;

// Every frame's return address from the caller's caller on, runtime frames included, with LLVM
// libunwind: the reference the walker is tested against.
std::size_t walk_libunwind(std::uintptr_t* frames, std::size_t max_frames) noexcept;

}  // namespace lockgraph::rt
