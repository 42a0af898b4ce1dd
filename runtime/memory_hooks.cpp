// Memory accesses of programs compiled with the race flags, and the lives of heap blocks.
//
// The entry points linked into the program (races/) filter repeats: a thread's second access to
// the same bytes in one sync epoch races with exactly what its first one races with (race_hooks.cpp),
// so only first accesses reach this file, which opens runs of them (lock_path.h, AccessRun) and
// writes each run as one record when it closes. Allocation and free end a sync epoch of their thread
// (with a global sequence number): the analyzer can then tell which life of a reused block an
// access belongs to, by comparing the sequence numbers at the ends of the access's epoch with the
// block's allocations, and a block's earlier life never races with its later one.
#include "lockgraph/memory_access.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <iterator>

#include "compact_line.h"
#include "lockgraph/lock_path.h"
#include "lockgraph/trace_format.h"
#include "race_sampler.h"
#include "record_builder.h"
#include "sync_records.h"
#include "trace_writer.h"

namespace lockgraph::rt {
namespace {

constexpr std::uint64_t kMemorySiteTag = 0x3e3051ULL;
constexpr std::uint64_t kBlockSiteTag = 0xb10cULL;

// The calling thread's state when the program (not the runtime's own work, whose allocations
// come back here) made the call; null otherwise or if there is none. `reentry` is raised first:
// making the state allocates.
ThreadState* program_thread(const ReentryGuard& reentry) noexcept {
  return reentry ? current_thread_state() : nullptr;
}

// The locks `ts` holds as access records write them (held_lock_field), outermost first, as many
// as a record has room for. Returns how many.
std::size_t held_lock_fields(const ThreadState& ts, std::uint64_t (&out)[64]) {
  std::size_t n = 0;
  for (const HeldLock& h : ts.held)
    if (n < std::size(out)) out[n++] = held_lock_field(h);
  return n;
}

// Whether the record was written before, in this epoch (ThreadState::written_accesses); if not,
// it is remembered as written.
bool written_before(ThreadState& ts, std::uintptr_t begin, std::uintptr_t end, std::uint32_t flags,
                    std::uint32_t stack, const std::uint64_t* held, std::size_t held_count) {
  if (held_count > std::size(ThreadState::WrittenAccess{}.held)) return false;
  ThreadState::WrittenAccess& w = ts.written_accesses[(begin >> 3) % ThreadState::kWrittenAccesses];
  if (w.begin == begin && w.end == end && w.epoch == ts.sync_epoch && w.flags == flags && w.stack == stack &&
      w.held_count == held_count && std::equal(held, held + held_count, w.held))
    return true;
  w = {begin, end, ts.sync_epoch, flags, stack, static_cast<std::uint32_t>(held_count), {}};
  std::copy(held, held + held_count, w.held);
  return false;
}

// One record for the bytes [begin, end) of a run or an access, in the thread's current epoch
// (after the pending release that began it, if any), unless it was written already.
void append_access(ThreadState& ts, std::uintptr_t begin, std::uintptr_t end, std::uint32_t flags,
                   std::uint32_t stack, const std::uint64_t* held, std::size_t held_count) {
  if (written_before(ts, begin, end, flags, stack, held, held_count)) return;
  write_pending_release(ts);
  char line[kAccessRecordRoom];
  std::size_t n = format_access_record(line, ts.tid, ts.sync_epoch, begin, end, flags, stack, held, held_count);
  ts.buffer.append(line, n);
}

// The race_check record is written once per process image (a fork child inherits the flag: its
// parent's trace says it).
std::atomic<bool> g_race_check_said{false};
std::atomic<bool> g_races_blocked{false};

// Writes the race_check record, with `blocked` (the reason nothing is recorded) unless null,
// unless it was written. True if this call wrote it (not when the calling thread has no state
// yet: a later call writes it then).
bool say_race_check(const char* blocked) noexcept {
  if (g_race_check_said.exchange(true)) return false;
  ReentryGuard reentry;
  ThreadState* ts = program_thread(reentry);
  if (!ts) {
    g_race_check_said = false;
    return false;
  }
  {
    BufferGuard guard(*ts);
    RecordBuilder record(ts->buffer, trace::kind::kRaceCheck);
    record.str("by", "instrumentation");
    if (blocked) record.str("blocked", blocked);
    record.end();
  }
  flush_if_needed(*ts);
  return true;
}
}  // namespace

void races_enabled() noexcept {
  if (g_races_blocked.load(std::memory_order_relaxed)) return;
  start_race_tracking();
  // Said once in the trace: the analyzer then knows races were checked even if no thread shared
  // any memory (a run without it says "not checked", never "0 data races").
  if (say_race_check(nullptr)) start_race_sampler();  // once: only after the record, written once
}

void races_blocked(const char* why) noexcept {
  g_races_blocked = true;
  std::fprintf(stderr,
               "lockgraph: %s: -fsanitize=thread reached the link line, so TSan's runtime takes this "
               "program's threads and locks and lockgraph records nothing (the program may also crash); "
               "link without it (README, \"Data races in plain code\")\n",
               why);
  say_race_check(why);
}

std::size_t format_access_record(char (&out)[kAccessRecordRoom], ThreadId tid, std::uint32_t epoch,
                                 std::uintptr_t begin, std::uintptr_t end, std::uint32_t flags,
                                 std::uint32_t stack, const std::uint64_t* held, std::size_t held_count) noexcept {
  // Fixed room, no allocation: this also runs in signal handlers (the final flush). Six numbers
  // and 64 holds at most: under kAccessRecordRoom.
  CompactLine line(out, kAccessRecordRoom, trace::packed::kMemory);
  line.number(tid).number(epoch).number(begin).number(end - begin).number(flags).number(stack);
  for (std::size_t i = 0; i < held_count && i < 64; ++i) line.number(held[i]);
  return line.end();
}

void append_access_runs(ThreadState& ts) noexcept {
  if (!ts.path) return;
  for (AccessRun& r : ts.path->runs) {
    if (r.begin != r.end) append_access(ts, r.begin, r.end, r.flags, r.stack, r.held, r.held_count);
    r = AccessRun{};
  }
}

void memory_accessed(const void* address, std::size_t size, std::uint32_t flags, const void* pc) noexcept {
  ReentryGuard reentry;
  ThreadState* ts = program_thread(reentry);
  if (!ts || size == 0 || !ts->path) return;
  {
    // What it appends (an older run, written as it is replaced) writes the pending release first.
    BufferGuard guard(*ts, BufferGuard::kKeepPending);
    ChainEntry& site = site_entry(*ts, kMemorySiteTag, pc, flags, pc);
    if (site_sampled_out(site)) return;
    const std::uint32_t stack = site.stack_id;
    const auto begin = reinterpret_cast<std::uintptr_t>(address);
    // A new run in place of the oldest, which is written now; a thread holding more locks than
    // a run keeps writes the access at once.
    AccessRun& run = ts->path->runs[ts->path->next_run++ % kAccessRuns];
    if (run.begin != run.end) append_access(*ts, run.begin, run.end, run.flags, run.stack, run.held, run.held_count);
    run = AccessRun{};
    if (ts->held.size() > std::size(run.held)) {
      std::uint64_t held[64];
      append_access(*ts, begin, begin + size, flags, stack, held, held_lock_fields(*ts, held));
    } else {
      run = {begin, begin + size, pc, flags, stack, 0, {}};
      for (const HeldLock& h : ts->held) run.held[run.held_count++] = held_lock_field(h);
    }
  }
  flush_if_needed(*ts);
}

void record_block_start(ThreadState& ts, const void* address, std::size_t size, const void* pc,
                        bool thread_stack) noexcept {
  {
    BufferGuard guard(ts);
    std::uint32_t stack = pc ? site_stack(ts, kBlockSiteTag, pc, 0, pc) : 0;
    ts.set_sync_epoch(ts.sync_epoch + 1);
    char line[7 * CompactLine::kNumberRoom + 2];
    ts.buffer.append(line, CompactLine(line, sizeof line, trace::packed::kAlloc)
                               .number(ts.tid)
                               .number(ts.sync_epoch)
                               .number(next_sequence())
                               .number(reinterpret_cast<std::uintptr_t>(address))
                               .number(size)
                               .number(stack)
                               .number(thread_stack ? 1 : 0)
                               .end());
  }
  flush_if_needed(ts);
}

void block_allocated(const void* address, std::size_t size, const void* pc) noexcept {
  ReentryGuard reentry;
  ThreadState* ts = program_thread(reentry);
  if (ts && address) record_block_start(*ts, address, size, pc);
}

void block_freed(const void* address, std::size_t size, const void* pc) noexcept {
  // Lives are never sampled, but the free is also a write: in a pause of race_sample=periods it
  // is one of the pause's, paired with no access (race_sampler.cpp).
  const std::uint64_t period = race_period_of(g_extra_records.load(std::memory_order_relaxed));
  if (period != tls_lock_path.race_period) race_period_began(period);
  ReentryGuard reentry;
  ThreadState* ts = program_thread(reentry);
  if (!ts || !address) return;
  {
    BufferGuard guard(*ts);
    std::uint32_t stack = site_stack(*ts, kBlockSiteTag, pc, 1, pc);
    char line[kAccessRecordRoom];
    CompactLine record(line, sizeof line, trace::packed::kFree);
    record.number(ts->tid)
        .number(ts->sync_epoch)
        .number(next_sequence())
        .number(reinterpret_cast<std::uintptr_t>(address))
        .number(size)
        .number(stack);
    std::uint64_t held[64];
    const std::size_t n = held_lock_fields(*ts, held);
    for (std::size_t i = 0; i < n; ++i) record.number(held[i]);
    ts->buffer.append(line, record.end());
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
