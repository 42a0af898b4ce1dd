// Shared-memory accesses and explicit happens-before, for race detection.
//
// Summary rule (why it is exact): within one sync epoch of one thread (between two of its sync
// operations) the held locks and the thread's vector clock do not change, so a second read (or
// write) of the same variable in the same epoch races with exactly what the first one races with.
// Only the first read and the first write per variable and epoch are recorded.
#include <atomic>
#include <cstddef>

#include "chain_cache.h"
#include "compact_line.h"
#include "lockgraph/runtime.h"
#include "lockgraph/trace_format.h"
#include "record_builder.h"
#include "lockgraph/lock_path.h"
#include "lockgraph/memory_access.h"
#include "stack_depot.h"
#include "sync_records.h"
#include "trace_writer.h"

namespace lockgraph::rt {
CacheLineWord g_extra_records{0};

namespace {
std::atomic<std::uint64_t> g_next_sequence{1};
std::atomic<VarId> g_next_variable{1};

constexpr std::uint64_t kAccessSiteTag = 0xacce55ULL;
constexpr std::uint64_t kVariableSiteTag = 0x7a1ab1eULL;

}  // namespace

ChainEntry& site_entry(ThreadState& ts, std::uint64_t tag, const void* site, std::uint64_t extra,
                       const void* innermost) noexcept {
  std::uint64_t key = hash_mix(hash_mix(tag, reinterpret_cast<std::uintptr_t>(site)), extra);
  if (ChainEntry* known = ts.chains.find(key)) return *known;
  ChainEntry* entry = ts.chains.insert(key);
  entry->stack_id = capture_and_intern_stack(ts.buffer, ts.stack_scratch, innermost);
  return *entry;
}

std::uint32_t site_stack(ThreadState& ts, std::uint64_t tag, const void* site, std::uint64_t extra,
                         const void* innermost) noexcept {
  return site_entry(ts, tag, site, extra, innermost).stack_id;
}

void append_held_locks(RecordBuilder& record, const ThreadState& ts) noexcept {
  record.open_array("h");
  for (const HeldLock& h : ts.held) record.array_item(held_lock_field(h));
  record.close_array();
}

std::uint64_t next_sequence() noexcept {
  return g_next_sequence.fetch_add(1, std::memory_order_relaxed);
}

namespace {
// A sync record of thread `tid` (the buffer's own, or a release another thread made and this one
// acquired) in `ts`'s buffer.
void append_sync(ThreadState& ts, ThreadId tid, char op, char kind, std::uint64_t id, std::uint32_t epoch,
                 std::uint64_t sequence) {
  char line[5 * CompactLine::kNumberRoom + 2];
  ts.buffer.append(line, CompactLine(line, sizeof line, trace::packed::kSync)
                             .number(tid)
                             .number(epoch)
                             .number(sequence)
                             .letters(op, kind)
                             .number(id)
                             .end());
}
// The thread's next epoch begins with this sync (caller holds its buffer flag).
// An acquire only adds to what the thread knows, so the first-access filter keeps the entries of
// the epochs since its last release (set_sync_epoch): an access a2 after the acquire that repeats
// a recorded a1 (same bytes, same kind) is not recorded. That loses no race: with no release of
// the thread between them, every access of another thread that a1 precedes a2 precedes too (both
// need a later release of the thread), and one that precedes a2 without preceding a1 races with
// a1; a1 holds a subset of a2's locks (locks are released only with a release). So every access
// racing with a2 races with a1, and a1 is a real access, so the race is real. (TSan's epochs also
// advance only at releases.) A release fence is recorded as an acquire but ends what the fenced
// releases after it publish, and a period marker begins what a sampled run pairs: both start the
// filter afresh.
void append_own_sync(ThreadState& ts, char op, char kind, std::uint64_t id) {
  const bool knowledge_only = op == 'a' && kind != trace::sync_object::kFence && kind != trace::sync_object::kPeriod;
  ts.set_sync_epoch(ts.sync_epoch + 1, knowledge_only);
  append_sync(ts, ts.tid, op, kind, id, ts.sync_epoch, next_sequence());
}

struct ReleaseRecord {
  ThreadId tid = 0;  // the releasing thread (a recycled state's may have changed since)
  LockId lock = 0;
  std::uint32_t epoch = 0;
  std::uint64_t sequence = 0;
};

// Takes `owner`'s pending release (of `lock`, or of any lock if 0) to write or drop it: true, with
// its fields, if this caller turned it from pending to not. The generation in `state` makes a
// release made pending again since the fields were read fail the exchange, so the fields are the
// claimed release's.
bool claim_pending_release(ThreadState& owner, LockId lock, ReleaseRecord& claimed) {
  ThreadState::PendingRelease& p = owner.pending_release;
  std::uint64_t state = p.state.load(std::memory_order_acquire);
  while (state & 1) {
    claimed = {p.tid.load(std::memory_order_relaxed), p.lock.load(std::memory_order_relaxed),
               p.epoch.load(std::memory_order_relaxed), p.sequence.load(std::memory_order_relaxed)};
    if (lock != 0 && claimed.lock != lock) return false;
    if (p.state.compare_exchange_weak(state, state & ~std::uint64_t{1}, std::memory_order_acq_rel,
                                      std::memory_order_acquire))
      return true;
  }
  return false;
}

// The record of a release (a claimed one, or the caller's own), in `ts`'s buffer.
void append_release(ThreadState& ts, const ReleaseRecord& r) {
  append_sync(ts, r.tid, 'r', trace::sync_object::kLock, r.lock, r.epoch, r.sequence);
}

// The owner makes its release pending (none is: it claimed any before).
void make_release_pending(ThreadState& ts, const ReleaseRecord& release) {
  ThreadState::PendingRelease& p = ts.pending_release;
  p.tid.store(release.tid, std::memory_order_relaxed);
  p.lock.store(release.lock, std::memory_order_relaxed);
  p.epoch.store(release.epoch, std::memory_order_relaxed);
  p.sequence.store(release.sequence, std::memory_order_relaxed);
  const std::uint64_t generation = (p.state.load(std::memory_order_relaxed) >> 1) + 1;
  p.state.store(generation << 1 | 1, std::memory_order_release);
}

}  // namespace

void record_sync(ThreadState& ts, char op, char kind, std::uint64_t id) noexcept {
  ReentryGuard reentry;
  {
    BufferGuard guard(ts);
    append_own_sync(ts, op, kind, id);
  }
  flush_if_needed(ts);
}

void race_period_began(std::uint64_t period) noexcept {
  ReentryGuard reentry;
  ThreadState* ts = reentry ? current_thread_state() : nullptr;
  if (!ts) return;  // no access of the thread is recorded now: its next one asks again
  tls_lock_path.race_period = period;
  // The marker's record ends the epoch (its open runs, its pending release go first), so the
  // accesses recorded after it, and only those, are the period's.
  record_sync(*ts, 'a', trace::sync_object::kPeriod, period);
}

void write_pending_release(ThreadState& ts) noexcept {
  ReleaseRecord r;
  if (claim_pending_release(ts, 0, r)) append_release(ts, r);
}

VarId variable_created(const char* name, const void* caller) noexcept {
  VarId id = g_next_variable.fetch_add(1, std::memory_order_relaxed);
  ReentryGuard reentry;
  if (!reentry) return id;
  ThreadState* ts = current_thread_state();
  if (!ts) return id;
  {
    BufferGuard guard(*ts);
    std::uint32_t stack = site_stack(*ts, kVariableSiteTag, caller, 0);
    RecordBuilder record(ts->buffer, trace::kind::kVariable);
    record.num("id", id);
    if (name && *name) record.str("name", name);
    record.num("s", stack).num("t", ts->tid).end();
  }
  flush_if_needed(*ts);
  return id;
}

void memory_access(VarId variable, bool is_write, const char* name, const void* caller) noexcept {
  start_race_tracking();
  if (!recording_accesses()) return;
  ReentryGuard reentry;
  if (!reentry) return;
  ThreadState* ts = current_thread_state();
  if (!ts) return;
  std::uint64_t key = hash_mix(hash_mix(variable, is_write), ts->sync_epoch);
  std::uint64_t& slot = ts->recorded_accesses[key % ThreadState::kAccessFilterSize];
  if (slot == key) return;
  slot = key;
  {
    BufferGuard guard(*ts);
    std::uint32_t stack = site_stack(*ts, kAccessSiteTag, caller, hash_mix(variable, is_write));
    RecordBuilder record(ts->buffer, trace::kind::kAccess);
    record.num("t", ts->tid)
        .num("e", ts->sync_epoch)
        .num("v", variable)
        .num("w", is_write ? 1 : 0)
        .num("s", stack);
    if (name && *name) record.str("n", name);
    append_held_locks(record, *ts);
    record.end();
  }
  flush_if_needed(*ts);
}

namespace {
// Who released each lock last, direct-mapped by lock id: (lock id << 16 | thread id) after a
// release of an exclusive hold, (lock id << 16) after a shared one (its thread is not the last
// releaser: other holders may have released meanwhile, unseen by it) or one by a thread whose id
// does not pack (its release is never pending), kUnknownReleaser for lock ids too large to pack,
// 0 while no lock of the slot was ever released. An acquire of a lock this thread
// released last teaches it nothing (no other thread released it since, and the earlier releases
// it had acquired already), so no record is written for it; a slot another lock took just means
// the acquire is recorded.
constexpr std::size_t kReleaserSlots = 4096;
constexpr std::uint64_t kUnknownReleaser = ~std::uint64_t{0};
std::atomic<std::uint64_t> g_last_releaser[kReleaserSlots];
bool packs(LockId id, ThreadId tid) { return id < (std::uint64_t{1} << 47) && tid < kStateSlots; }
std::uint64_t releaser_key(LockId id, ThreadId tid) {
  return packs(id, tid) ? (id << 16 | tid) : packs(id, 0) ? id << 16 : kUnknownReleaser;
}

// Writes `owner`'s release of `id` into `me`'s buffer (its flag held) if it is still pending.
void write_release_of(ThreadState& me, ThreadState& owner, LockId id) {
  ReleaseRecord r;
  if (claim_pending_release(owner, id, r)) append_release(me, r);
}

// The release this acquire reads may still be pending in the thread that made it: it is written
// first, into the acquirer's buffer just before its acquire, so that a trace never holds an
// acquire without the release it read (a process killed later loses only releases nothing
// synchronised with). Caller holds `me`'s buffer flag.
void write_release_read(ThreadState& me, LockId id, std::uint64_t seen) {
  if (seen == 0) return;  // nothing released through this slot
  if (seen != kUnknownReleaser && (seen >> 16) == id) {
    const ThreadId tid = static_cast<ThreadId>(seen & 0xffff);
    if (tid == 0 || tid == me.tid) return;  // a shared release (never pending), or the caller's own
    if (ThreadState* owner = thread_state_of(tid)) write_release_of(me, *owner, id);
    return;
  }
  // The slot went to another lock since (or the id does not pack): any thread may keep it.
  for (ThreadState* s = first_thread_state(); s; s = s->next)
    if (s != &me) write_release_of(me, *s, id);
}
}  // namespace

// The release's record waits (ThreadState::pending_release) until its thread writes anything of
// its next epoch, another thread acquires the lock (write_release_read), or a flush: if the thread
// takes the lock back first, nothing ever synchronised with the release and it is dropped.
void record_lock_release(ThreadState& ts, LockId id, bool exclusive) noexcept {
  const std::uint32_t filter_epoch = tls_lock_path.filter_epoch;
  const bool keep = exclusive && packs(id, ts.tid);
  bool kept = false;
  {
    ReentryGuard reentry;
    // The records made here (the hold's open runs, an older pending release) are copied into the
    // file after the real unlock (note_unlocked, lock_path.h). A release made pending with
    // nothing else leaves none: the unlock then takes no buffer flag again.
    BufferGuard guard(ts, BufferGuard::kLeaveInBuffer);
    ts.set_sync_epoch(ts.sync_epoch + 1);
    const std::uint64_t sequence = next_sequence();
    const ReleaseRecord release{ts.tid, id, ts.sync_epoch, sequence};
    if (keep) make_release_pending(ts, release);
    else append_release(ts, release);
    kept = !ts.buffer.empty();
  }
  if (kept) tls_lock_path.records_kept = 1;
  if (exclusive) ts.last_release = {id, ts.sync_epoch, filter_epoch};
  // Before the real unlock (the caller's order), so the next owner's acquire sees it.
  g_last_releaser[id % kReleaserSlots].store(exclusive ? releaser_key(id, ts.tid) : releaser_key(id, 0),
                                             std::memory_order_release);
  flush_if_needed(ts);
}

void record_lock_acquire(ThreadState& ts, LockId id, bool exclusive) noexcept {
  const std::uint64_t seen = g_last_releaser[id % kReleaserSlots].load(std::memory_order_acquire);
  if (packs(id, ts.tid) && seen == releaser_key(id, ts.tid)) {
    // And if this thread's last sync was that release, and both holds are exclusive, no thread
    // took the lock in between: nothing ever synchronised with the release, so the accesses
    // before it and after it have the same happens-before relations, and those of its previous
    // hold the same locks as this one. The release is dropped if its record still waits (the
    // thread's epoch goes back to the one it ended), and the first-access filter keeps the
    // entries from before it (the previous critical section's accesses, repeated in this one,
    // are not recorded again). A shared hold may have been taken by another thread after the
    // release and still be held: no such rewind then.
    const bool unobserved = exclusive && ts.last_release.lock == id && ts.last_release.epoch == ts.sync_epoch;
    if (unobserved) tls_lock_path.filter_epoch = ts.last_release.filter_epoch;
    ts.last_release = {};
    // No new knowledge, so the epoch goes on; but the thread's held locks just changed, and an
    // open run of accesses keeps the locks it opened with: close them. (An access repeated under
    // the lock is then filtered as a repeat of the epoch, which is sound: the recorded one held
    // fewer locks, so it races with everything the later one does.)
    const bool open_runs = ts.path && ThreadState::has_open_runs(*ts.path);
    // Only this thread makes a release pending: if none is, nothing here needs the buffer.
    if (!open_runs && !ts.pending_release.pending()) return;
    ReentryGuard reentry;
    BufferGuard guard(ts, BufferGuard::kKeepPending);
    ReleaseRecord r;
    if (claim_pending_release(ts, 0, r)) {
      if (unobserved && r.lock == id && r.epoch == ts.sync_epoch) ts.sync_epoch -= 1;  // dropped
      else append_release(ts, r);
    }
    if (open_runs) append_access_runs(ts);
    return;
  }
  ReentryGuard reentry;
  {
    BufferGuard guard(ts);
    write_release_read(ts, id, seen);
    append_own_sync(ts, 'a', trace::sync_object::kLock, id);
  }
  flush_if_needed(ts);
}

void hand_over_kept_records() noexcept {
  tls_lock_path.records_kept = 0;
  ReentryGuard reentry;
  // The buffer goes as the guard ends; the release itself may wait (record_lock_release).
  if (ThreadState* ts = tls_state) BufferGuard guard(*ts, BufferGuard::kKeepPending);
}

namespace {
// Calls `record(state)` for the calling thread while synchronisation is recorded, outside the
// runtime's own calls. Before the process's first annotated access, an edge can only order
// events that are not accesses: nothing to record (the same rule as for lock syncs).
template <class Record>
void record_if_tracking(Record record) noexcept {
  if (!race_tracking()) return;
  ReentryGuard reentry;
  if (!reentry) return;
  if (ThreadState* ts = current_thread_state()) record(*ts);
}
}  // namespace

namespace {
// Releases on addresses, counted by bucket of addresses: an atomic acquire that sees its bucket's
// count unchanged since its thread's last recorded acquire of the address records nothing
// (atomic_acquire). Why that loses no order the trace would give: a release counts after its
// sequence number is taken, with release order, and before the operation it releases (the entry
// points perform every atomic sequentially consistent, and the fence below orders the count
// before any later store of other code); the acquiring thread reads the count after its
// operation, with acquire order. So if the operation read what a release R published, R's count
// is visible to it; if the count is the one its last recorded acquire saw, that acquire saw R's
// count too, hence came after R's sequence number, and already took R (an acquire takes every
// release of its object with a smaller sequence number). Releases that counted later than they
// were read only make an acquire recorded that need not be. Counting happens in pauses of
// race_sample=periods too: a count never missed is the safe side.
constexpr std::size_t kReleaseCounters = 4096;
std::atomic<std::uint64_t> g_address_releases[kReleaseCounters];

std::atomic<std::uint64_t>& releases_of(const void* object) {
  const auto a = reinterpret_cast<std::uintptr_t>(object);
  return g_address_releases[(a ^ (a >> 12)) / sizeof(std::uint64_t) % kReleaseCounters];
}

void count_release(const void* object) {
  releases_of(object).fetch_add(1, std::memory_order_release);
  std::atomic_thread_fence(std::memory_order_release);
}
}  // namespace

void sync_release(const void* object) noexcept {
  record_if_tracking([&](ThreadState& ts) {
    record_sync(ts, 'r', trace::sync_object::kAddress, reinterpret_cast<std::uintptr_t>(object));
  });
  count_release(object);
}

void sync_acquire(const void* object) noexcept {
  record_if_tracking([&](ThreadState& ts) {
    record_sync(ts, 'a', trace::sync_object::kAddress, reinterpret_cast<std::uintptr_t>(object));
  });
}

void atomic_acquire(const void* object) noexcept {
  record_if_tracking([&](ThreadState& ts) {
    const std::uint64_t releases = releases_of(object).load(std::memory_order_acquire);
    const auto address = reinterpret_cast<std::uintptr_t>(object);
    ThreadState::AtomicAcquire& last =
        ts.atomic_acquires[(address / sizeof(std::uint64_t)) % ThreadState::kAtomicAcquires];
    if (last.address == address && last.releases == releases) return;
    const std::uint32_t epoch = ts.sync_epoch;
    record_sync(ts, 'a', trace::sync_object::kAddress, address);
    // Remembered only if it was recorded (the epoch moved).
    if (ts.sync_epoch != epoch) last = {address, releases};
  });
}

std::uint32_t release_fence() noexcept {
  std::uint32_t epoch = 0;
  record_if_tracking([&](ThreadState& ts) {
    record_sync(ts, 'a', trace::sync_object::kFence, 0);
    epoch = ts.sync_epoch;
  });
  return epoch;
}

void fenced_release(const void* object, std::uint32_t epoch) noexcept {
  record_if_tracking([&](ThreadState& ts) {
    {
      BufferGuard guard(ts);
      // Not the thread's own sync: its epoch goes on.
      append_sync(ts, ts.tid, 'r', trace::sync_object::kFencedRelease, reinterpret_cast<std::uintptr_t>(object),
                  epoch, next_sequence());
    }
    flush_if_needed(ts);
  });
  count_release(object);
}

}  // namespace lockgraph::rt
