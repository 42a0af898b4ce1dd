// The lock path's per-thread state and its inline fast paths: what an acquisition on a known
// chain and the release of the innermost hold cost. The lock wrappers (mutex.h) and the LD_PRELOAD
// interposer inline these; everything else goes through the runtime's exported functions.
//
// Why inline, and why this shape: a lock operation sits between the real lock's and unlock's
// atomic instructions, so every call, register save and extra store counts. The fast path is
// one thread-pointer-relative load per field, a chain key that is a sum of independent
// multiplies, one probe of the thread's chain cache and a push of four fields; the release is a
// compare and a decrement. Nothing of the lock object is read before the real lock is taken: a
// read first would fetch a contended lock's cache line shared, and the lock's atomic would then
// have to fetch it again exclusive.
//
// This header is part of the runtime library's ABI: it and liblockgraph_runtime.so must come
// from the same build (an installed tree always does). Nothing here is for users to call.
#pragma once

#include <atomic>
#include <cstdint>

#include "lockgraph/runtime.h"
#include "lockgraph/trace_format.h"

// initial-exec: the runtime is loaded at start-up (linked or LD_PRELOAD), so its TLS is a fixed
// offset from the thread pointer; one instruction, not a __tls_get_addr call per lock.
#define LOCKGRAPH_FAST_TLS __attribute__((tls_model("initial-exec")))

namespace lockgraph::rt {

// One lock the thread holds.
struct HeldLock {
  LockId lock = 0;
  std::uint64_t chain_hash = 0;  // hash of the held chain up to and including this hold
  std::uint32_t stack_id = 0;    // where this hold was taken (first time its chain was seen)
  std::uint32_t flags = 0;
  std::uint32_t recursion = 0;   // extra re-entrant holds; 0 in every slot above the top
  std::uint32_t unused = 0;
  // The lock object's address when the inline fast path took it, else null: lets the LD_PRELOAD
  // interposer release the innermost hold without looking up the lock's id.
  const void* address = nullptr;
};
static_assert(sizeof(HeldLock) == 40);

// One distinct (held chain, new lock, call site, flags, segment) this thread has seen. 16 bytes,
// four to a cache line: with thousands of chains per thread, this table's footprint in the
// caches is what a lock-heavy program pays for. What only the slow paths and the flush need
// (chain id, counts already written, wrap-arounds of `count`) lives in a parallel cold array.
struct ChainEntry {
  std::uint64_t key = 0;                // 0 = empty slot
  std::atomic<std::uint32_t> count{0};  // acquisitions, modulo 2^32 (the general path carries)
  std::uint32_t stack_id = 0;           // stack captured when the chain was first seen (0: none)
};
static_assert(sizeof(ChainEntry) == 16);

// A run of a thread's first accesses in one sync epoch (programs built with the race flags): the
// bytes [begin, end), read or written from one site, as one record instead of one per granule (an
// array swept in a loop is one run). The race entry points extend an open run inline; the runtime
// opens runs and writes each as one record when it closes: replaced by a new run, at the end of
// the epoch (the thread's held locks are the same all through it), of the thread, or when the
// process writes its trace at exit.
struct AccessRun {
  std::uintptr_t begin = 0;  // empty when begin == end
  std::uintptr_t end = 0;
  const void* pc = nullptr;  // the site, as the entry points see it
  std::uint32_t flags = 0;   // access_flag bits (memory_access.h)
  std::uint32_t stack = 0;
  std::uint32_t held_count = 0;  // the locks held in the epoch (a thread holding more opens none)
  std::uint64_t held[4] = {};
};
inline constexpr std::size_t kAccessRuns = 4;

// The pauses (x86 `pause` instructions) of a contended lock's backoff double from the shortest to
// at most the longest before it blocks (backoff_try).
inline constexpr std::uint32_t kShortestBackoff = 4;
inline constexpr std::uint32_t kLongestBackoff = 64;

// The calling thread's lock path. Only the owning thread reads or writes it; the runtime's
// ThreadState owns the memory it points into and keeps it current on its slow paths.
struct LockPath {
  HeldLock* bottom = nullptr;      // held stack [bottom, top); bottom[-1] is a sentinel (lock 0,
  HeldLock* top = nullptr;         // chain hash 0), so top[-1] is always readable once attached
  HeldLock* limit = nullptr;       // top == limit (null before the thread has a state): slow path
  ChainEntry* slots = nullptr;     // the chain cache's open-addressing table
  std::uint64_t mask = 0;          // its capacity - 1
  std::uint64_t segment_term = 0;  // the thread's segment, premixed for chain keys
  std::uint32_t index_shift = 63;  // home slot = key >> index_shift (the key's high bits)
  int depth = 0;                   // > 0 while the runtime itself runs (ReentryGuard)
  std::uint32_t sync_epoch = 0;    // the thread's sync epoch: the race entry points' filter key
  // First accesses recorded in this epoch or a later one count as recorded (filter_keeps): the
  // sync epoch, or an older one where the syncs since were acquires (they only add knowledge) or
  // changed nothing (an unobserved release).
  std::uint32_t filter_epoch = 0;
  std::uint32_t next_run = 0;      // which of `runs` a new run replaces (round robin)
  std::uint32_t ignore_accesses = 0;  // > 0: the thread's accesses are not recorded (TSan's ignore annotations)
  std::uint32_t backoff_limit = kLongestBackoff;  // the longest pause of this thread's next backoff (backoff_try)
  std::uint32_t records_kept = 0;  // != 0: records a release made wait in the thread's buffer (note_unlocked)
  // The sampling period of the thread's recorded accesses (race_period_of): one that reads
  // another first writes a marker that begins a new epoch (race_period_began).
  std::uint64_t race_period = 1;
  AccessRun runs[kAccessRuns];     // open runs of first accesses in this epoch (race flags)
};

// Used by name, never through a reference: GCC 12 with -fsanitize=address,undefined miscompiles
// the null check of a reference bound to a thread-local (it tests stale flags) and reports a
// null pointer that is not there.
LOCKGRAPH_API extern __thread LockPath tls_lock_path LOCKGRAPH_FAST_TLS;

// Whether the race entry points' filter entry of `entry_epoch` still stands in the thread's epoch.
// Modular: right across the wrap of the 32-bit epoch.
[[gnu::always_inline]] inline bool filter_keeps(std::uint32_t entry_epoch) noexcept {
  const std::uint32_t now = tls_lock_path.sync_epoch;
  return now - entry_epoch <= now - tls_lock_path.filter_epoch;
}

// Which records lock operations write beyond the chain, and which sampling period of memory
// accesses the process is in, in one word so that every thread decides each event by one read of
// it (race_sampler.cpp says why that matters).
inline constexpr std::uint64_t kFullModeRecords = 1;  // mode=full: every acquire and release
inline constexpr std::uint64_t kRaceRecords = 2;      // race tracking: sync records for locks, now
inline constexpr std::uint64_t kRacePeriods = 4;      // race_sample=periods: kRaceRecords clear = paused
inline constexpr std::uint64_t kAccessesPaused = 8;   // race_sample_syncs=1: a pause of accesses only
inline constexpr std::uint64_t kLockRecordBits = kFullModeRecords | kRaceRecords;
inline constexpr unsigned kRacePeriodShift = 8;       // the bits above: the number of the period
// Alone on its cache line: every instrumented access reads it, and a neighbour that threads write
// (the release counters were one) would make those reads miss.
struct alignas(64) CacheLineWord : std::atomic<std::uint64_t> {
  using std::atomic<std::uint64_t>::atomic;
};
LOCKGRAPH_API extern CacheLineWord g_extra_records;

// Whether lock operations write records beyond the chain (full mode, or race tracking).
inline bool extra_records() noexcept {
  return (g_extra_records.load(std::memory_order_relaxed) & kLockRecordBits) != 0;
}

// The sampling period of memory accesses that `word` (a value of g_extra_records) is in: 2n + 1
// while period n records accesses, 2n + 2 in the pause after it, so the values only grow. A
// process that does not sample is in period 1 from start to end, as every thread is before it
// records anything (LockPath::race_period).
// Whether `word` is in a pause of race_sample=periods, which leaves synchronisation out too.
[[gnu::always_inline]] inline bool syncs_paused(std::uint64_t word) noexcept {
  return (word & (kRacePeriods | kRaceRecords)) == kRacePeriods;
}
// Whether memory accesses are paused: such a pause, or one of race_sample_syncs=1.
[[gnu::always_inline]] inline bool accesses_paused(std::uint64_t word) noexcept {
  return syncs_paused(word) || (word & kAccessesPaused) != 0;
}
// The recording period `word` is in, when it is not paused.
[[gnu::always_inline]] inline std::uint64_t recording_period_of(std::uint64_t word) noexcept {
  return ((word >> kRacePeriodShift) << 1) + 1;
}
[[gnu::always_inline]] inline std::uint64_t race_period_of(std::uint64_t word) noexcept {
  return recording_period_of(word) + (syncs_paused(word) ? 1 : 0);
}

inline std::uint64_t segment_term(std::uint32_t segment) noexcept {
  return std::uint64_t{segment} * 0x165667b19e3779f9ULL;
}

constexpr std::uint64_t kLockKeyFactor = 0x9e3779b97f4a7c15ULL;

// The hash of a held chain once a lock (given as lock * kLockKeyFactor) is pushed on `below`:
// order-sensitive, its high bits well mixed (they pick the chain's slot), two cycles.
[[gnu::always_inline]] inline std::uint64_t next_chain_hash(std::uint64_t below,
                                                            std::uint64_t lock_term) noexcept {
  std::uint64_t x = (below ^ lock_term) * 0xbf58476d1ce4e5b9ULL;
  return (x << 31) | (x >> 33);
}
inline std::uint64_t held_chain_hash(std::uint64_t below, LockId lock) noexcept {
  return next_chain_hash(below, lock * kLockKeyFactor);
}

// The chain-cache key of acquiring `lock` at `site` with `flags` on top of the held chain
// `top_hash`. A sum of independent products: a few cycles, and the high bits (the home slot) are
// well spread. Distinct inputs collide only if a small-integer combination of the odd constants
// vanishes modulo 2^63, which for differences of real lock ids, code addresses, flags and segments
// does not happen in practice. Never 0 (the empty slot).
[[gnu::always_inline]] inline std::uint64_t chain_key(std::uint64_t top_hash, LockId lock,
                                                      const void* site, std::uint32_t flags,
                                                      std::uint64_t seg_term) noexcept {
  return (top_hash + lock * kLockKeyFactor +
          reinterpret_cast<std::uintptr_t>(site) * 0xc2b2ae3d27d4eb4fULL +
          std::uint64_t{flags} * 0xd6e8feb86659fd93ULL + seg_term) |
         1;
}

// Acquisition of a non-recursive lock on a chain this thread has seen, nothing extra to record:
// counts it and pushes the hold. False (nothing done) when the general path (lock_acquired)
// must run, including when the chain's 32-bit count is about to wrap (the general path carries).
[[gnu::always_inline]] inline bool fast_acquire(LockId id, std::uint32_t flags, const void* site,
                                                const void* address = nullptr) noexcept {
  HeldLock* top = tls_lock_path.top;
  if (top == tls_lock_path.limit ||
      (static_cast<std::uint64_t>(tls_lock_path.depth) |
       (g_extra_records.load(std::memory_order_relaxed) & kLockRecordBits)) != 0)
    return false;
  const std::uint64_t below = top[-1].chain_hash;
  const std::uint64_t key = chain_key(below, id, site, flags, tls_lock_path.segment_term);
  ChainEntry* const slots = tls_lock_path.slots;
  const std::uint64_t mask = tls_lock_path.mask;
  for (std::uint64_t i = key >> tls_lock_path.index_shift;; i = (i + 1) & mask) {
    ChainEntry& entry = slots[i];
    if (entry.key == key) {
      const std::uint32_t count = entry.count.load(std::memory_order_relaxed) + 1;
      if (count == 0) return false;
      entry.count.store(count, std::memory_order_relaxed);
      top->lock = id;
      top->chain_hash = next_chain_hash(below, id * kLockKeyFactor);
      top->stack_id = entry.stack_id;
      top->flags = flags;
      top->address = address;
      tls_lock_path.top = top + 1;
      return true;
    }
    if (entry.key == 0) return false;
  }
}

// Release of the innermost hold, taken once, nothing extra to record, if `is_it` says the hold
// is the lock being released: pops it. False (nothing done) when the general path must run.
template <class IsIt>
[[gnu::always_inline]] inline bool fast_pop(IsIt is_it) noexcept {
  HeldLock* top = tls_lock_path.top;
  if (top == nullptr || !is_it(top[-1]) ||
      (top[-1].recursion | static_cast<std::uint32_t>(tls_lock_path.depth) |
       (g_extra_records.load(std::memory_order_relaxed) & kLockRecordBits)) != 0)
    return false;
  tls_lock_path.top = top - 1;
  return true;
}

// The release of lock `id` (the general path is lock_released).
[[gnu::always_inline]] inline bool fast_release(LockId id) noexcept {
  return fast_pop([id](const HeldLock& h) { return h.lock == id; });
}

// The release of the lock object at `address` (never null), if the fast path took it: the
// interposer's way to skip its address-to-id lookup on the common release.
[[gnu::always_inline]] inline bool fast_release_at(const void* address) noexcept {
  return fast_pop([address](const HeldLock& h) { return h.address == address; });
}

// What a lock wrapper or interposer calls once it holds the lock: the fast path when it applies,
// else the runtime's general one. A recursive lock always takes the general path: only it looks
// for a re-entrant hold.
[[gnu::always_inline]] inline void note_acquired(LockId id, std::uint32_t flags, const void* site,
                                                 const void* address = nullptr) noexcept {
  if ((flags & trace::flag::kMayReenter) || !fast_acquire(id, flags, site, address))
    lock_acquired(id, flags, site);
}

// What it calls before the real unlock; false if this thread does not hold `id`.
[[gnu::always_inline]] inline bool note_released(LockId id) noexcept {
  return fast_release(id) || lock_released(id);
}

// What it calls after the real unlock (or, for a condition wait, before it blocks). Why: a
// release (race tracking) must be recorded before the real unlock, so that its sequence number
// precedes the next owner's acquire, but copying what it writes into the trace file there (a
// page fault now and then) lengthened every critical section, and with it the waits of the other
// threads; those records wait in the thread's buffer until this call, outside the lock.
[[gnu::always_inline]] inline void note_unlocked() noexcept {
  if (tls_lock_path.records_kept != 0) hand_over_kept_records();
}

// Tries `try_once` again a few times, with growing pauses between, before the caller records a
// wait and blocks. Why: the lock path adds a few nanoseconds inside every critical section; with
// a blocking mutex, each collision this adds under contention costs a futex sleep and wake
// (microseconds each), so a program with a hot lock would slow down far more than the
// nanoseconds added. The pauses double from 4 to 64 (124 in all, about 3 µs on the project's
// machine, where one pause takes ~25 ns): most collisions end within a few hundred nanoseconds
// (a short critical section on the other core), so the first retry comes after ~100 ns; the
// later ones are spaced out so as not to hammer the lock's cache line, as a tight retry loop
// would. A lock held for longer still ends in the blocking wait. Starting at 16 pauses (400 ns)
// made the nested workload ~15% slower (docs/performance.md). The schedule adapts per thread, as
// glibc's adaptive mutex does: a backoff that ended in the blocking wait anyway halves the next
// one's longest pause (down to a single retry after 4), one that got the lock doubles it (up to
// 64). Where critical sections are long or threads outnumber cores, the retries mostly fail and
// only steal the holder's CPU (docs/design-notes.md).
template <class TryOnce>
[[gnu::always_inline]] inline bool backoff_try(TryOnce try_once) {
  std::uint32_t limit = tls_lock_path.backoff_limit;
  for (std::uint32_t pauses = kShortestBackoff; pauses <= limit; pauses *= 2) {
    for (std::uint32_t i = 0; i < pauses; ++i) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
    if (try_once()) {
      if (limit < kLongestBackoff) tls_lock_path.backoff_limit = limit * 2;
      return true;
    }
  }
  if (limit > kShortestBackoff) tls_lock_path.backoff_limit = limit / 2;
  return false;
}

// Marks the calling thread as inside the runtime for a scope, so that what it does meanwhile
// (locks the runtime itself takes through an interposer or the allocator, the pthread_create a
// lockgraph::thread makes after telling the runtime itself) is not recorded as the program's.
class ReentryGuard {
 public:
  ReentryGuard() noexcept : outermost_(tls_lock_path.depth++ == 0) {}
  ~ReentryGuard() { --tls_lock_path.depth; }
  ReentryGuard(const ReentryGuard&) = delete;
  ReentryGuard& operator=(const ReentryGuard&) = delete;
  // False when the runtime was already active on this thread: the caller must do nothing.
  explicit operator bool() const noexcept { return outermost_; }

 private:
  bool outermost_;
};

// The depth lives in the thread's LockPath, next to what the lock path reads anyway.
inline int runtime_depth() noexcept { return tls_lock_path.depth; }

}  // namespace lockgraph::rt
