// The trace file, written through a shared mapping of the file itself: a record copied in is in
// the page cache at once, so it reaches the file however the process ends, SIGKILL included
// (the kernel owns those pages, not the process). Why a mapping and not buffered write(2)s:
// docs/design-notes.md, "Traces that no ending can lose".
//
// Appends reserve their bytes with one compare-and-swap on the used length and copy without a
// lock, so records of different threads interleave whole, never mixed. The file grows a chunk at a
// time (fallocate, so a full disk is an error here, not a SIGBUS later) and is cut to its used
// length at the end; a process killed before that leaves NUL bytes after its last record (and
// inside a record a thread was copying at that instant), which the reader skips.
//
// Every function is safe in a signal handler: no allocation, no lock that the interrupted
// thread could hold (waits on another thread are bounded, then fall back to pwrite).
#pragma once

#include <cstddef>
#include <cstdint>

namespace lockgraph::rt {

// Creates (or truncates) `path` and maps it. False, with errno set, if the file cannot be
// created. Falls back to pwrite(2) (records lost on SIGKILL) if no address range can be reserved.
bool trace_file_open(const char* path) noexcept;

// Whether a trace file is open.
bool trace_file_is_open() noexcept;

// Appends whole records. `last` marks the end record, which may use the room kept back for it
// when the disk is full.
void trace_file_append(const char* data, std::size_t size, bool last = false) noexcept;

// A piece of the mapped file kept by one writer (a thread's state, used under its buffer flag),
// so that a thread that writes many records appends without touching the shared length: one
// compare-and-swap per piece instead of one per record, and no cache line shared with the other
// writers. A writer's first 16 KB go through the shared length (short threads keep no piece). A
// piece's unused end stays NUL, which readers skip.
struct TraceRegion {
  std::uint64_t at = 0, end = 0;  // the unwritten part of the piece: [at, end) of the file
  std::uint32_t file = 0;         // the opening of the trace it belongs to (a fork child opens its own)
  std::uint64_t written = 0;      // bytes this writer has appended in all
};
void trace_file_append(TraceRegion& region, const char* data, std::size_t size) noexcept;

// The end of the process (or an exec): cuts the file to what was written. Appends after it still
// work (pwrite at the end), so threads that outlive exit() or a failed exec lose nothing.
void trace_file_finish() noexcept;

// In a fork child: drops the parent's mapping (the parent's trace stays the parent's) and the
// state of threads that did not survive the fork. Call trace_file_open for the child's trace.
void trace_file_forget_parent() noexcept;

// The first error that cost records (an errno value, 0 if none) and the bytes it cost.
int trace_file_error() noexcept;
std::uint64_t trace_file_lost_bytes() noexcept;

// How many bytes the trace holds so far.
std::uint64_t trace_file_size() noexcept;

}  // namespace lockgraph::rt
