// Records of synchronisation (release/acquire on an object) and shared-memory accesses, which the
// analyzer turns into vector clocks for race detection.
//
// Thread start/join are always recorded (they are rare). Lock acquire/release become sync records
// only once the process has made its first annotated access (or from the start with the race
// flags): a program that annotates nothing pays nothing for race detection. The pauses of
// race_sample=periods record neither (race_sampler.cpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "lockgraph/trace_format.h"
#include "thread_state.h"

namespace lockgraph::rt {

// True while synchronisation is recorded: once any annotated access happened in this process (or
// it was built with the race flags), except in the pauses of race_sample=periods.
inline bool race_tracking() noexcept {
  return g_extra_records.load(std::memory_order_relaxed) & kRaceRecords;
}

// True once race tracking began, pauses or not: lifetimes (a thread's fresh stack) are recorded
// from then on.
inline bool race_tracking_started() noexcept {
  return g_extra_records.load(std::memory_order_relaxed) & (kRaceRecords | kRacePeriods);
}

// Race tracking begins (an annotated access, a race-flag build), unless it has: once the sampler
// pauses it, only the sampler turns it back on (race_sampler.cpp: a period's value of the word
// must appear once in its history).
inline void start_race_tracking() noexcept {
  std::uint64_t word = g_extra_records.load(std::memory_order_relaxed);
  while (!(word & (kRaceRecords | kRacePeriods)) &&
         !g_extra_records.compare_exchange_weak(word, word | kRaceRecords, std::memory_order_relaxed)) {
  }
}

// A held lock as access records write it: its id, with trace::kSharedHold for a shared hold.
inline std::uint64_t held_lock_field(const HeldLock& h) noexcept {
  return h.lock | ((h.flags & trace::flag::kShared) ? trace::kSharedHold : 0);
}

class RecordBuilder;
// The field "h" of an access record: the locks `ts` holds, outermost first.
void append_held_locks(RecordBuilder& record, const ThreadState& ts) noexcept;

// A global order for events of different threads (one relaxed atomic increment).
std::uint64_t next_sequence() noexcept;

// Appends a sync record: `op` is 'r' (release) or 'a' (acquire) on object (`kind`, `id`).
// The caller must not hold the state's buffer guard.
void record_sync(ThreadState& ts, char op, char kind, std::uint64_t id) noexcept;

// A lock's acquire and release as synchronisation (race tracking on). An acquire of a lock this
// thread released last writes nothing (it orders nothing new). The caller must not hold the
// state's buffer guard.
// `exclusive`: the hold is not shared (only then may a release be dropped: record_lock_acquire).
void record_lock_acquire(ThreadState& ts, LockId id, bool exclusive) noexcept;
void record_lock_release(ThreadState& ts, LockId id, bool exclusive) noexcept;

// A block of memory [address, address + size) starts a new life (memory_access.h,
// block_allocated); `thread_stack`: it is the calling thread's stack, told by the runtime itself.
// Ends the thread's sync epoch. The caller must not hold the state's buffer guard.
void record_block_start(ThreadState& ts, const void* address, std::size_t size, const void* pc,
                        bool thread_stack = false) noexcept;

// The record of an access (or a run of them) of a race-flag build, formatted into `out` without
// allocating (the final flush of a signal handler writes open runs too). Returns its length.
inline constexpr std::size_t kAccessRecordRoom = (6 + 64) * trace::packed::kNumberRoom + 2;
std::size_t format_access_record(char (&out)[kAccessRecordRoom], ThreadId tid, std::uint32_t epoch,
                                 std::uintptr_t begin, std::uintptr_t end, std::uint32_t flags,
                                 std::uint32_t stack, const std::uint64_t* held, std::size_t held_count) noexcept;

// The stack of an access, allocation or creation site, captured once per (tag, site, extra) and
// thread. `innermost`, if given, is the return address the stack starts at (frames above it, the
// race entry points linked into the program, are dropped). Caller holds the buffer guard.
std::uint32_t site_stack(ThreadState& ts, std::uint64_t tag, const void* site, std::uint64_t extra,
                         const void* innermost = nullptr) noexcept;
// The same site's entry in the thread's cache (its stack_id is site_stack's answer). Its count is
// free for the caller (race_sample=sites): a site's entry is no chain and writes no count.
ChainEntry& site_entry(ThreadState& ts, std::uint64_t tag, const void* site, std::uint64_t extra,
                       const void* innermost = nullptr) noexcept;

}  // namespace lockgraph::rt
