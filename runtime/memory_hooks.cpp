// Memory accesses of programs compiled with the race flags, and the lives of heap blocks.
//
// The entry points linked into the program (races/) filter repeats: a thread's second access to
// the same bytes in one sync epoch races with exactly what its first one races with (race_hooks.cpp),
// so only first accesses reach this file. Allocation and free end a sync epoch of their thread
// (with a global sequence number): the analyzer can then tell which life of a reused block an
// access belongs to, by comparing the sequence numbers at the ends of the access's epoch with the
// block's allocations, and a block's earlier life never races with its later one.
#include "lockgraph/memory_access.h"

#include "lockgraph/lock_path.h"
#include "lockgraph/trace_format.h"
#include "record_builder.h"
#include "sync_records.h"
#include "trace_writer.h"

namespace lockgraph::rt {
namespace {

constexpr std::uint64_t kMemorySiteTag = 0x3e3051ULL;
constexpr std::uint64_t kBlockSiteTag = 0xb10cULL;

void append_held(RecordBuilder& record, ThreadState& ts) {
  record.open_array("h");
  for (const HeldLock& h : ts.held) record.array_item(h.lock);
  record.close_array();
}

// The calling thread's state when the program (not the runtime's own work, whose allocations
// come back here) made the call; null otherwise or if there is none. `reentry` is raised first:
// making the state allocates.
ThreadState* program_thread(const ReentryGuard& reentry) noexcept {
  return reentry ? current_thread_state() : nullptr;
}

}  // namespace

void races_enabled() noexcept {
  g_extra_records.fetch_or(kRaceRecords, std::memory_order_relaxed);
  // Said once in the trace: the analyzer then knows races were checked even if no thread shared
  // any memory (a run without it says "not checked", never "0 data races").
  static std::atomic<bool> said{false};
  if (said.exchange(true)) return;
  ReentryGuard reentry;
  ThreadState* ts = program_thread(reentry);
  if (!ts) {
    said = false;
    return;
  }
  {
    BufferGuard guard(*ts);
    RecordBuilder(ts->buffer, trace::kind::kRaceCheck).str("by", "instrumentation").end();
  }
  flush_if_needed(*ts);
}

void memory_accessed(const void* address, std::size_t size, std::uint32_t flags, const void* pc) noexcept {
  ReentryGuard reentry;
  ThreadState* ts = program_thread(reentry);
  if (!ts || size == 0) return;
  {
    BufferGuard guard(*ts);
    std::uint32_t stack = site_stack(*ts, kMemorySiteTag, pc, flags, pc);
    RecordBuilder record(ts->buffer, trace::kind::kMemory);
    record.num("t", ts->tid)
        .num("e", ts->sync_epoch)
        .num("a", reinterpret_cast<std::uintptr_t>(address))
        .num("z", size)
        .num("f", flags)
        .num("s", stack);
    append_held(record, *ts);
    record.end();
  }
  flush_if_needed(*ts);
}

void record_block_start(ThreadState& ts, const void* address, std::size_t size, const void* pc,
                        bool thread_stack) noexcept {
  {
    BufferGuard guard(ts);
    std::uint32_t stack = pc ? site_stack(ts, kBlockSiteTag, pc, 0, pc) : 0;
    ts.set_sync_epoch(ts.sync_epoch + 1);
    RecordBuilder record(ts.buffer, trace::kind::kAlloc);
    record.num("t", ts.tid)
        .num("e", ts.sync_epoch)
        .num("q", next_sequence())
        .num("a", reinterpret_cast<std::uintptr_t>(address))
        .num("z", size)
        .num("s", stack);
    if (thread_stack) record.num("st", 1);
    record.end();
  }
  flush_if_needed(ts);
}

void block_allocated(const void* address, std::size_t size, const void* pc) noexcept {
  ReentryGuard reentry;
  ThreadState* ts = program_thread(reentry);
  if (ts && address) record_block_start(*ts, address, size, pc);
}

void block_freed(const void* address, std::size_t size, const void* pc) noexcept {
  ReentryGuard reentry;
  ThreadState* ts = program_thread(reentry);
  if (!ts || !address) return;
  {
    BufferGuard guard(*ts);
    std::uint32_t stack = site_stack(*ts, kBlockSiteTag, pc, 1, pc);
    RecordBuilder record(ts->buffer, trace::kind::kFree);
    record.num("t", ts->tid)
        .num("e", ts->sync_epoch)
        .num("q", next_sequence())
        .num("a", reinterpret_cast<std::uintptr_t>(address))
        .num("z", size)
        .num("s", stack);
    append_held(record, *ts);
    record.end();
    ts->set_sync_epoch(ts->sync_epoch + 1);
  }
  flush_if_needed(*ts);
}

void benign_range(const void* address, std::size_t size, const void* pc) noexcept {
  ReentryGuard reentry;
  ThreadState* ts = program_thread(reentry);
  if (!ts) return;
  {
    BufferGuard guard(*ts);
    std::uint32_t stack = site_stack(*ts, kBlockSiteTag, pc, 2, pc);
    RecordBuilder(ts->buffer, trace::kind::kBenign)
        .num("a", reinterpret_cast<std::uintptr_t>(address))
        .num("z", size)
        .num("s", stack)
        .end();
  }
  flush_if_needed(*ts);
}

}  // namespace lockgraph::rt
