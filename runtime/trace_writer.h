// The trace: opened once per process (and once more in each fork child), appended to in whole
// records through trace_file.h, never rewritten.
//
// A record is in the file as soon as the operation that made it ends (BufferGuard hands it over),
// so no ending of the process can lose it. What waits in memory is only the per-chain counts of
// repeated acquisitions: written every flush_interval_ms if set, at exit (std::exit, return from
// main, quick_exit, _exit, _Exit), before exec and fork(), on faults (SIGSEGV, SIGABRT, SIGBUS,
// SIGFPE) and on every other signal whose default action ends the process while that default is
// in force (SIGTERM, SIGINT, SIGHUP, SIGALRM, SIGPIPE, SIGUSR1, ...: the signal then keeps its
// usual effect). SIGKILL loses only counts since the last of those.
#pragma once

#include <string>
#include <string_view>

#include "thread_state.h"

namespace lockgraph::rt {

// True when records are being written: enabled and the trace file is open. Starts the writer on
// first call (reads options, opens the file, writes the header, installs exit and signal handlers).
bool recording() noexcept;

// The path of this process's trace ("" before it is open).
std::string current_trace_path();

// Whether the process is past its final flush; records are then written through immediately.
bool finalized() noexcept;

// After the owner appended to its buffer (guard released): writes its counts too, and closes its
// open access runs, if the process is finishing.
void flush_if_needed(ThreadState& state) noexcept;

// Writes `state`'s buffer and the counts of its chains not yet written; `ending` (exit, exec): its
// open access runs too (race-flag builds), which stay open.
void flush_thread(ThreadState& state, bool ending = false) noexcept;

// Appends the counts of `state`'s chains not yet written to its buffer, as records (a thread
// that ends hands its chains' counts to the buffer before its chains are forgotten). Caller
// holds the state's buffer flag.
void append_counts(ThreadState& state) noexcept;

// Writes every thread's buffer and counts; `ending` as for flush_thread.
void flush_all(bool ending = false) noexcept;

// Appends whole records straight to the file (used where no thread buffer is at hand).
void write_records(std::string_view records) noexcept;

// What exit() does for the trace (every buffer, the counts, the end record), for _exit() and
// _Exit(), which skip atexit handlers. Does nothing if the writer never started.
void flush_before_immediate_exit() noexcept;

// Before exec(): every buffer and the counts, then an end record "exec" (the process is not
// finalized: if the exec fails it records on). Does nothing if the writer never started.
void flush_before_exec() noexcept;

}  // namespace lockgraph::rt
