// Per-thread recorder state: the held-lock stack, the chain cache and the record buffer.
//
// Each ThreadState is owned by one thread. The registry links every state ever made into a
// lock-free list so that exit and signal handlers can flush them all without taking a lock that
// the interrupted thread might hold. A state whose thread ended is recycled for a new thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "chain_cache.h"
#include "signal_stack.h"
#include "stack_depot.h"
#include "trace_file.h"
#include "lockgraph/runtime.h"

namespace lockgraph::rt {

// The locks a thread holds, innermost last, kept in the owning thread's LockPath (lock_path.h)
// so that the inline fast paths push and pop without a call. Only the owning thread uses it,
// between attach() and detach(). It grows on the slow path when full, never caps.
class HeldStack {
 public:
  // Takes `path` as this thread's held stack, empty, with room for 64 holds.
  void attach(LockPath* path) {
    path_ = path;
    attached_ = true;
    allocate(64, 0);
  }
  // Gives the memory back; the path's fast paths then fail until the next attach(). (A flag, not
  // a null test of path_: see ChainCache::mirror_to.)
  void detach() {
    if (attached_) path_->bottom = path_->top = path_->limit = nullptr;
    attached_ = false;
    path_ = nullptr;
    storage_.reset();
  }

  bool empty() const { return path_->top == path_->bottom; }
  std::size_t size() const { return static_cast<std::size_t>(path_->top - path_->bottom); }
  HeldLock& back() { return path_->top[-1]; }
  HeldLock& operator[](std::size_t i) { return path_->bottom[i]; }
  HeldLock* begin() { return path_->bottom; }
  HeldLock* end() { return path_->top; }
  const HeldLock* begin() const { return path_->bottom; }
  const HeldLock* end() const { return path_->top; }
  // The hash of the whole held chain (0 when empty: the sentinel's).
  std::uint64_t top_hash() const { return path_->top[-1].chain_hash; }

  // Pushes a hold (`h.chain_hash` is the chain's hash with it on top).
  void push(const HeldLock& h) {
    if (path_->top == path_->limit) allocate(2 * static_cast<std::size_t>(path_->limit - path_->bottom), size());
    *path_->top++ = h;
  }
  void pop_back() { --path_->top; }
  // Removes hold `i` (not necessarily the innermost): the chain hashes above it change.
  void erase(std::size_t i) {
    for (HeldLock* h = path_->bottom + i; h + 1 < path_->top; ++h) {
      *h = h[1];
      h->chain_hash = held_chain_hash(h[-1].chain_hash, h->lock);
    }
    *--path_->top = HeldLock{};  // slots above the top keep recursion 0 (fast_acquire relies on it)
  }

 private:
  // Room for `capacity` holds plus the sentinel, keeping the first `size`. Deep nesting grows
  // here (slow path), never caps.
  void allocate(std::size_t capacity, std::size_t size) {
    std::unique_ptr<HeldLock[]> grown(new HeldLock[capacity + 1]);  // [0] is the sentinel
    for (std::size_t i = 0; i < size; ++i) grown[i + 1] = path_->bottom[i];
    storage_ = std::move(grown);
    path_->bottom = storage_.get() + 1;
    path_->top = path_->bottom + size;
    path_->limit = path_->bottom + capacity;
  }

  LockPath* path_ = nullptr;
  bool attached_ = false;
  std::unique_ptr<HeldLock[]> storage_;
};

// What a thread blocked in a lock published for the hang watchdog (hang_watchdog.h). Written
// only by its thread; `generation` changes around every update so a reader can tell a torn read.
struct WaitSnapshot {
  static constexpr std::size_t kMaxHeld = 32;  // more held locks are left out of a report
  std::atomic<std::uint64_t> generation{0};
  std::atomic<LockId> lock{0};                 // 0: not waiting
  std::atomic<std::uint64_t> since_ns{0};
  std::atomic<std::uint32_t> tid{0};
  std::atomic<std::uint32_t> stack{0};         // where it waits
  static constexpr std::size_t kFrames = 16;   // innermost frames of that stack, printed at once
  std::atomic<std::uint32_t> frame_count{0};
  std::atomic<std::uintptr_t> frames[kFrames] = {};
  std::atomic<std::uint32_t> held_count{0};
  std::atomic<LockId> held_lock[kMaxHeld] = {};
  std::atomic<std::uint32_t> held_stack[kMaxHeld] = {};
};

struct ThreadState;
// Appends a record for each of `state`'s open access runs and closes them (memory_hooks.cpp). Caller
// holds the state's buffer guard.
void append_access_runs(ThreadState& state) noexcept;

struct ThreadState {
  ThreadId tid = 0;
  std::uint32_t segment = 0;  // bumped at every start/join this thread performs (set_segment)
  std::uint32_t sync_epoch = 0;  // bumped at every sync record (race detection)
  LockPath* path = nullptr;       // the owning thread's lock path (its open access runs)
  // The thread's last sync, if it was the release of an exclusive hold: the epoch it began and
  // the filter epoch before it (record_lock_acquire, race_hooks.cpp). Owning thread only.
  struct Release {
    LockId lock = 0;
    std::uint32_t epoch = 0;
    std::uint32_t filter_epoch = 0;
  } last_release;
  // That release's record while no other thread has synchronised with it: not written yet, so
  // that the thread taking the lock back first can drop it (race_hooks.cpp, record_lock_release).
  // Only the owner makes one pending, and only when none is; whoever first turns `state` from
  // pending to not (the owner, a thread acquiring the lock, a flush) writes or drops it
  // (claim_pending_release): no buffer flag is taken, so an acquirer does not take the owner's.
  // A cache line of its own: the acquirers' exchanges must not take the owner's other fields'.
  struct alignas(64) PendingRelease {
    std::atomic<std::uint64_t> state{0};  // generation << 1 | pending
    std::atomic<ThreadId> tid{0};         // its thread: a claim needs nothing else of the state
    std::atomic<LockId> lock{0};
    std::atomic<std::uint32_t> epoch{0};  // the epoch it began
    std::atomic<std::uint64_t> sequence{0};
    bool pending() const { return (state.load(std::memory_order_relaxed) & 1) != 0; }
  } pending_release;

  // The thread's last recorded acquires of atomics' addresses (race flags), direct-mapped by
  // address: each with the count of releases on its address the thread had seen then
  // (race_hooks.cpp, atomic_acquire). Owning thread only; emptied in a fork child.
  struct AtomicAcquire {
    std::uintptr_t address = 0;
    std::uint64_t releases = 0;
  };
  // Direct-mapped by 8-byte word: a skiplist's readers re-read the same few thousand node
  // pointers, neighbours in one node (docs/design-notes.md, "Acquires a thread has seen").
  static constexpr std::size_t kAtomicAcquires = 1024;
  AtomicAcquire atomic_acquires[kAtomicAcquires];

  // The last access records written (race flags), direct-mapped by address: one identical to
  // another of the same epoch adds nothing and is not written (memory_hooks.cpp). That happens
  // where a dropped release (record_lock_acquire) puts an access the filter saw as new back into
  // the epoch that recorded it. Under `busy`.
  struct WrittenAccess {
    std::uintptr_t begin = 0, end = 0;
    std::uint32_t epoch = 0, flags = 0, stack = 0, held_count = 0;
    std::uint64_t held[4] = {};
  };
  static constexpr std::size_t kWrittenAccesses = 16;
  WrittenAccess written_accesses[kWrittenAccesses];

  // Accesses already recorded in this sync epoch (direct-mapped: a collision re-records, harmlessly).
  static constexpr std::size_t kAccessFilterSize = 256;
  std::uint64_t recorded_accesses[kAccessFilterSize] = {};

  // Held locks, innermost last. 64 up front; deeper nesting grows it (slow path), never caps.
  // Usable by the owning thread while the state is its current one.
  HeldStack held;
  ChainCache chains;
  StackScratch stack_scratch;  // capture_and_intern_stack's arrays (why here: stack_depot.h)
  SignalStack signal_stack;    // where the fatal-signal handler runs on this thread

  // Records being made: handed to the trace file when the BufferGuard that made them ends, so a
  // record is either not finished or already in the file. `busy` is held while the owner appends
  // or another thread writes the counts.
  std::string buffer;
  TraceRegion region;  // its piece of the trace file (under `busy`, like the buffer)
  std::atomic_flag busy = ATOMIC_FLAG_INIT;

  WaitSnapshot wait;

  std::atomic<bool> live{false};
  ThreadState* next = nullptr;  // registry link, set once

  // Segments go into chain keys: the lock path reads a premixed copy. Owning thread only.
  // The race entry points (races/) key their first-access filter by the epoch: they read a copy.
  // The epoch's open access runs are written first (they belong to it). Owning thread, with the
  // buffer guard held (or on a state no other thread sees yet).
  // The entry points' filter counts its own epochs (LockPath::sync_epoch), which only grow: the
  // trace's epoch goes back one where a release is dropped (record_lock_acquire).
  // `knowledge_only`: the new epoch begins with an acquire, which only adds to what the thread
  // knows: the filter's entries of the epochs since the thread's last release stand (an access
  // repeated after an acquire races with everything the recorded one races with: race_hooks.cpp,
  // append_own_sync). Open runs still end: a run extended past the acquire would place new bytes
  // before it.
  void set_sync_epoch(std::uint32_t value, bool knowledge_only = false) {
    if (path && has_open_runs(*path)) append_access_runs(*this);
    sync_epoch = value;
    ++tls_lock_path.sync_epoch;
    if (!knowledge_only) tls_lock_path.filter_epoch = tls_lock_path.sync_epoch;
    last_release = {};
  }
  static bool has_open_runs(const LockPath& p) {
    for (const AccessRun& r : p.runs)
      if (r.begin != r.end) return true;
    return false;
  }
  void set_segment(std::uint32_t value) {
    segment = value;
    tls_lock_path.segment_term = segment_term(value);
  }
  HeldLock* find_held(LockId lock) {
    for (std::size_t i = held.size(); i-- > 0;)
      if (held[i].lock == lock) return &held[i];
    return nullptr;
  }
};

// The calling thread's state (fast path); null until it was made.
extern __thread ThreadState* tls_state __attribute__((tls_model("initial-exec")));

// Makes (and registers) the calling thread's state; null while the runtime is disabled.
ThreadState* make_current_thread_state() noexcept;

// The calling thread's state, created on first use. Null while the runtime is disabled.
inline ThreadState* current_thread_state() noexcept {
  ThreadState* state = tls_state;
  return state ? state : make_current_thread_state();
}

// Like current_thread_state(), but with the trace id given by the parent's ticket.
ThreadState* adopt_thread_state(ThreadId tid) noexcept;

// The first registered state; follow ->next. Never unlinked, so safe to walk at any time.
ThreadState* first_thread_state() noexcept;

// The state thread `tid` was given (it may serve another thread since: check its tid), or null.
// Kept for ids below kStateSlots.
inline constexpr ThreadId kStateSlots = 1 << 16;
ThreadState* thread_state_of(ThreadId tid) noexcept;

// The next thread id, never reused.
ThreadId allocate_thread_id() noexcept;

// Copies the records in `state`'s buffer into the trace file and empties it (trace_writer.cpp);
// they stay in the buffer while no trace file is open. Caller holds the state's buffer flag.
void hand_over_records(ThreadState& state) noexcept;

// Appends the record of `state`'s pending release, if any (race_hooks.cpp). Caller holds the
// state's buffer flag.
void write_pending_release(ThreadState& state) noexcept;

// Holds a state's buffer flag for a scope (spins: the owner holds it only for an append), and
// hands what was appended meanwhile to the trace file. A pending release is written first, so
// that what follows it in the thread follows it in the file. Modes: `kLeaveInBuffer`, what was
// appended stays in the buffer for the thread's next guard (or a flush) to hand over: the records
// a lock's release makes inside the critical section are copied into the file after the real
// unlock (note_unlocked), not while other threads wait for the lock; `kKeepPending`, the pending
// release stays unwritten (the caller writes it before anything of the thread's own epoch).
class BufferGuard {
 public:
  enum Mode : unsigned { kHandOver = 0, kLeaveInBuffer = 1, kKeepPending = 2 };
  explicit BufferGuard(ThreadState& state, unsigned mode = kHandOver) : state_(state), mode_(mode) {
    while (state_.busy.test_and_set(std::memory_order_acquire)) {
    }
    if (!(mode_ & kKeepPending) && state_.pending_release.pending()) write_pending_release(state_);
  }
  ~BufferGuard() {
    if (!(mode_ & kLeaveInBuffer) && !state_.buffer.empty()) hand_over_records(state_);
    state_.busy.clear(std::memory_order_release);
  }
  BufferGuard(const BufferGuard&) = delete;
  BufferGuard& operator=(const BufferGuard&) = delete;

 private:
  ThreadState& state_;
  unsigned mode_;
};

}  // namespace lockgraph::rt
