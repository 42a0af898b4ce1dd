// The entry points a compiler's ThreadSanitizer instrumentation calls (-fsanitize=thread on the
// compile line only), linked into the program itself (liblockgraph_race_entry.a): through a shared
// library's PLT even empty ones cost as much as all of TSan (../shared/design-races.md).
//
// Each access first meets the thread's open runs (lock_path.h: consecutive first accesses from one
// site, upwards or downwards, one record for a swept array), then a per-thread filter: a thread's
// second access to the same bytes in one sync epoch races with exactly what its first one races
// with (the held locks and the thread's clock are the same; race_hooks.cpp), so only first
// accesses go on to the runtime. The filter is keyed by (8-byte granule, epoch) and keeps which
// bytes were read and written; atomic accesses have their own entries, since a plain access races
// with more than an atomic one. An entry of an earlier epoch still stands where the syncs since
// were acquires (a repeat after an acquire races with all its first access races with,
// race_hooks.cpp, append_own_sync) or changed nothing (filter_keeps, lock_path.h: a thread taking
// back the lock it released, no thread having taken it in between). A lost entry only costs a repeated record; a thread whose working
// set outgrows the filter's 1,024 slots (sorting, hashing, compressing) loses them by the
// thousand, so a thread whose new entries displace entries that still stood at a high rate (an
// eighth of kGrowWindow entries) gets a table of its own 256 times as large, mapped (its pages
// cost memory only as they are used) and unmapped when the thread ends. A rate, not a count per
// epoch: a compressor that releases a lock every few thousand accesses loses a quarter of its
// entries in every short epoch.
//
// Atomics are replaced by these calls, so they are performed here, always sequentially
// consistent (at least as strong as asked), and their order is recorded as synchronisation: the
// access and then a release before the operation (the release's sequence number precedes any
// acquire that reads the value), an acquire after it.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <sys/mman.h>

#include "lockgraph/lock_path.h"
#include "lockgraph/memory_access.h"
#include "lockgraph/runtime.h"

namespace {

namespace flag = lockgraph::rt::access_flag;

struct FilterSlot {
  std::uintptr_t key = 0;  // granule (address / 8), top bit set for atomic accesses; 0 = empty
  std::uint32_t epoch = 0;
  std::uint8_t read = 0;     // bytes of the granule read in this epoch
  std::uint8_t written = 0;  // bytes written (a write covers a later read too)
};
constexpr std::size_t kSlots = 1024;
__thread FilterSlot t_filter[kSlots] __attribute__((tls_model("initial-exec")));

constexpr std::size_t kLargeSlots = kSlots << 8;  // 4 MiB of address space
constexpr std::size_t kLargeBytes = kLargeSlots * sizeof(FilterSlot);
constexpr std::uint32_t kGrowWindow = 16 * kSlots;
constexpr std::uint32_t kGrowLosses = kGrowWindow / 8;
__thread FilterSlot* t_large_filter __attribute__((tls_model("initial-exec"))) = nullptr;
// Entries the thread's small table took since the rate was last looked at, and how many of them
// displaced an entry that still stood.
__thread std::uint32_t t_filter_fills __attribute__((tls_model("initial-exec"))) = 0;
__thread std::uint32_t t_filter_losses __attribute__((tls_model("initial-exec"))) = 0;

// Unmaps the thread's large table when it ends, registered as C++ thread-local destructors are,
// through glibc itself (a C program has no libstdc++). Later accesses of the thread (other
// thread-local destructors) find the small table again.
extern "C" int __cxa_thread_atexit_impl(void (*destructor)(void*), void* object, void* dso_symbol);
extern "C" void* __dso_handle;
void unmap_large_filter(void*) {
  if (FilterSlot* table = t_large_filter) {
    t_large_filter = nullptr;
    ::munmap(table, kLargeBytes);
  }
}

[[gnu::noinline, gnu::cold]] void grow_filter() {
  if (t_large_filter) return;
  void* table = ::mmap(nullptr, kLargeBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (table == MAP_FAILED) return;  // the small table goes on (more records, nothing missed)
  // Registering the destructor allocates, for the runtime, not the program: the runtime's depth
  // is raised (by hand: a ReentryGuard's destructor would make C programs need libstdc++).
  ++lockgraph::rt::tls_lock_path.depth;
  const int failed = __cxa_thread_atexit_impl(unmap_large_filter, nullptr, &__dso_handle);
  --lockgraph::rt::tls_lock_path.depth;
  if (failed) {
    ::munmap(table, kLargeBytes);
    return;
  }
  t_large_filter = static_cast<FilterSlot*>(table);
}

// The thread's small table took an entry; `lost`: in place of one that still stood. After
// kGrowWindow entries, kGrowLosses of them lost show a working set larger than the table. (A slot
// taken by the caller stays valid: the small table stays.)
inline void filled_entry(bool lost) {
  if (t_large_filter) return;
  t_filter_losses += lost ? 1 : 0;
  if (++t_filter_fills < kGrowWindow) return;
  if (t_filter_losses >= kGrowLosses) grow_filter();
  t_filter_fills = t_filter_losses = 0;
}

// The thread's filter slot for `key`.
inline FilterSlot& filter_slot(std::uintptr_t key) {
  if (FilterSlot* large = t_large_filter) return large[(key ^ (key >> 18)) & (kLargeSlots - 1)];
  return t_filter[(key ^ (key >> 10)) & (kSlots - 1)];
}

// Ranges (memcpy, aggregate copies, gcc's odd sizes) are filtered whole, by (start, size, kind).
struct RangeSlot {
  std::uintptr_t start = 0;
  std::size_t size = 0;
  std::uint32_t epoch = 0;
  std::uint32_t flags = 0;
};
constexpr std::size_t kRangeSlots = 64;
__thread RangeSlot t_ranges[kRangeSlots] __attribute__((tls_model("initial-exec")));

constexpr std::uintptr_t kAtomicKey = std::uintptr_t{1} << 63;

// The thread's open runs (lock_path.h): an access inside one of the same kind is recorded already;
// one that continues a run from the same site extends it. Runs are always of the current epoch
// (the runtime closes them when it ends). "The same site" is code within kSameSite bytes of the
// run's: an unrolled loop touches consecutive elements from a copy of the statement each (clang
// unrolls by 4 at -O2), and the run keeps the first copy's stack, which names the same line.
constexpr std::uintptr_t kSameSite = 512;
inline bool run_takes(lockgraph::rt::AccessRun& run, std::uintptr_t at, std::size_t size, std::uint32_t flags,
                      const void* pc) {
  if (run.flags != flags) return false;
  if (at >= run.begin && at + size <= run.end) return true;
  const auto site = reinterpret_cast<std::uintptr_t>(pc), run_site = reinterpret_cast<std::uintptr_t>(run.pc);
  if (run.begin == run.end || site - run_site + kSameSite >= 2 * kSameSite) return false;
  if (at == run.end) {
    run.end = at + size;
    return true;
  }
  if (at + size == run.begin) {  // a loop going down an array
    run.begin = at;
    return true;
  }
  return false;
}
// The runs the entry points test inline are the newest ones (the runtime opens them round robin):
// a loop sweeping an array extends one access after access. Two, because a loop body often reads
// one fixed place as it sweeps (gcc reloads a vector's data pointer for every element it stores),
// and that read's run was opened just before the sweep's.
constexpr unsigned kInlineRuns = 2;
inline lockgraph::rt::AccessRun& newest_run(unsigned age) {
  using lockgraph::rt::tls_lock_path;
  return tls_lock_path.runs[(tls_lock_path.next_run - 1 - age) % lockgraph::rt::kAccessRuns];
}
// Tested inline in the entry points, before a call that saves registers.
inline bool in_newest_runs(std::uintptr_t at, std::size_t size, std::uint32_t flags, const void* pc) {
  static_assert(kInlineRuns == 2, "the inline test names each run");
  return run_takes(newest_run(0), at, size, flags, pc) || run_takes(newest_run(1), at, size, flags, pc);
}
// The other open runs, tested out of line once the inline test failed.
inline bool in_older_runs(std::uintptr_t at, std::size_t size, std::uint32_t flags, const void* pc) {
  for (unsigned age = kInlineRuns; age < lockgraph::rt::kAccessRuns; ++age)
    if (run_takes(newest_run(age), at, size, flags, pc)) return true;
  return false;
}

// Puts `bytes` of granule `key`, accessed as `flags`, into the thread's filter. True if they were
// there already: recorded in this epoch, or in one whose entries still stand.
inline bool filter_has(std::uintptr_t key, std::uint8_t bytes, std::uint32_t flags) {
  FilterSlot& slot = filter_slot(key);
  // An entry that still stands keeps its epoch as bytes join it: the oldest of them decides
  // when it no longer stands (lock_path.h, filter_keeps).
  const bool stands = slot.key != 0 && lockgraph::rt::filter_keeps(slot.epoch);
  if (slot.key == key && stands) {
    std::uint8_t covered = (flags & flag::kWrite) ? slot.written : std::uint8_t(slot.read | slot.written);
    if ((covered & bytes) == bytes) return true;
  } else {
    filled_entry(stands);
    slot.key = key;
    slot.epoch = lockgraph::rt::tls_lock_path.sync_epoch;
    slot.read = slot.written = 0;
  }
  ((flags & flag::kWrite) ? slot.written : slot.read) |= bytes;
  return false;
}

inline std::uintptr_t filter_key(std::uintptr_t granule, std::uint32_t flags) {
  return granule | ((flags & flag::kAtomic) ? kAtomicKey : 0);
}
// The filter's mask of `count` bytes from byte `offset` of a granule (offset + count <= 8).
inline std::uint8_t granule_bytes(std::uintptr_t offset, std::uintptr_t count) {
  return static_cast<std::uint8_t>(((1u << count) - 1) << offset);
}

// The run the runtime closes to open the next one (round robin). Its bytes were all recorded in
// this epoch, with the same held locks, but only its first access met the filter, not the ones
// that extended it: a short run's bytes go into the filter now, or a later access to them in the
// epoch (a 2-byte read inside a 4-byte run) would be recorded again.
constexpr std::uintptr_t kShortRun = 16;
void note_closing_run() {
  const lockgraph::rt::AccessRun& run =
      lockgraph::rt::tls_lock_path.runs[lockgraph::rt::tls_lock_path.next_run % lockgraph::rt::kAccessRuns];
  if (run.begin == run.end || run.end - run.begin > kShortRun) return;
  for (std::uintptr_t granule = run.begin >> 3; granule <= (run.end - 1) >> 3; ++granule) {
    const std::uintptr_t from = granule << 3 > run.begin ? granule << 3 : run.begin;
    const std::uintptr_t to = (granule + 1) << 3 < run.end ? (granule + 1) << 3 : run.end;
    filter_has(filter_key(granule, run.flags), granule_bytes(from & 7, to - from), run.flags);
  }
}

// A range access being recorded: out of line, so that the test before it (a pause of
// race_sample=periods skips every access) costs the entry point no register saves.
[[gnu::noinline]] void record_range(const void* address, std::size_t size, std::uint32_t flags, const void* pc) {
  auto start = reinterpret_cast<std::uintptr_t>(address);
  if (in_older_runs(start, size, flags, pc)) return;
  const std::uint32_t epoch = lockgraph::rt::tls_lock_path.sync_epoch;
  RangeSlot& slot = t_ranges[(start ^ (start >> 7) ^ size) & (kRangeSlots - 1)];
  // The same range of the same kind in this epoch, or a read of a range written in it.
  if (slot.start == start && slot.size == size && lockgraph::rt::filter_keeps(slot.epoch) &&
      (slot.flags & flag::kWrite) >= (flags & flag::kWrite) &&
      (slot.flags & flag::kAtomic) == (flags & flag::kAtomic))
    return;
  slot = {start, size, epoch, flags};
  note_closing_run();
  lockgraph::rt::memory_accessed(address, size, flags, pc);
}

// An access of `size` bytes (1 to 8) at `address` that neither newest run took: out of line, as
// record_range is.
[[gnu::noinline]] void filtered_access(const void* address, std::size_t size, std::uint32_t flags, const void* pc);

// Where an access the newest runs did not take goes: record_range or filtered_access.
using Recorder = void (*)(const void*, std::size_t, std::uint32_t, const void*);

// The thread's first access in a new sampling period: out of line, so that the entry points make
// no call they must come back from, and save no registers.
template <Recorder record>
[[gnu::noinline]] void begin_period_then(const void* address, std::size_t size, std::uint32_t flags, const void* pc) {
  if (lockgraph::rt::recording_accesses() && !in_newest_runs(reinterpret_cast<std::uintptr_t>(address), size, flags, pc))
    record(address, size, flags, pc);
}

// The entry points' inline part: not in a pause of race_sample=periods or inside TSan's ignore
// annotations, and not already taken by one of the thread's two newest runs; what is left goes on
// to `record`, out of line.
template <Recorder record>
[[gnu::always_inline]] inline void enter(const void* address, std::size_t size, std::uint32_t flags, const void* pc) {
  using lockgraph::rt::AccessRecording;
  switch (lockgraph::rt::access_recording(lockgraph::rt::g_extra_records.load(std::memory_order_relaxed))) {
    case AccessRecording::kSkip:
      return;
    case AccessRecording::kNewPeriod:
      return begin_period_then<record>(address, size, flags, pc);
    case AccessRecording::kRecord:
      break;
  }
  if (!in_newest_runs(reinterpret_cast<std::uintptr_t>(address), size, flags, pc)) record(address, size, flags, pc);
}

inline void range_access(const void* address, std::size_t size, std::uint32_t flags, const void* pc) {
  if (size != 0) enter<record_range>(address, size, flags, pc);
}

// An access of `size` bytes (1 to 8) at `address`.
inline void access(const void* address, std::size_t size, std::uint32_t flags, const void* pc) {
  enter<filtered_access>(address, size, flags, pc);
}

void filtered_access(const void* address, std::size_t size, std::uint32_t flags, const void* pc) {
  auto at = reinterpret_cast<std::uintptr_t>(address);
  if (in_older_runs(at, size, flags, pc)) return;
  const unsigned offset = at & 7;
  if (offset + size > 8) return range_access(address, size, flags, pc);  // crosses a granule
  if (filter_has(filter_key(at >> 3, flags), granule_bytes(offset, size), flags)) return;
  note_closing_run();
  lockgraph::rt::memory_accessed(address, size, flags, pc);
}

// The memory order an atomic call asked for (gcc sets bit 15 for the __sync builtins).
enum Order { kRelaxed = 0, kConsume = 1, kAcquire = 2, kRelease = 3, kAcqRel = 4, kSeqCst = 5 };
inline bool releases(int order) {
  order &= 0xff;
  return order == kRelease || order == kAcqRel || order == kSeqCst;
}
inline bool acquires(int order) {
  order &= 0xff;
  return order == kConsume || order == kAcquire || order == kAcqRel || order == kSeqCst;
}

// Fences (C++ [atomics.fences]), per thread. A release fence makes the thread's later relaxed
// stores releases of what it did before the fence: exactly, since the fence begins an epoch the
// stores' records name. An acquire fence makes its thread's earlier relaxed loads acquires: of the
// addresses it loaded since its last acquire fence (the latest kLoads of them: an older one is
// not acquired, and a race it would have ordered is reported, as TSan reports them all), as
// released by the fence's time (a release between the load and the fence is taken as read).
struct FenceState {
  static constexpr unsigned kLoads = 8;
  std::uint32_t release_epoch = 0;  // the epoch the thread's last release fence began; 0: none
  const void* loaded[kLoads] = {};  // relaxed loads since the last acquire fence, a ring
  unsigned loads = 0;
  const void* released = nullptr;  // the last address released since that fence (not again)
};
thread_local FenceState t_fence;

void relaxed_load(const void* address) {
  FenceState& f = t_fence;
  if (f.loads > 0 && f.loaded[(f.loads - 1) % FenceState::kLoads] == address) return;  // a spin
  f.loaded[f.loads++ % FenceState::kLoads] = address;
}

void relaxed_store(const void* address) {
  FenceState& f = t_fence;
  if (f.release_epoch == 0 || f.released == address) return;
  f.released = address;
  lockgraph::rt::fenced_release(address, f.release_epoch);
}

void thread_fence(int order) {
  FenceState& f = t_fence;
  if (acquires(order)) {
    const unsigned n = f.loads < FenceState::kLoads ? f.loads : FenceState::kLoads;
    for (unsigned i = 0; i < n; ++i) {
      bool again = false;
      for (unsigned j = 0; j < i; ++j) again |= f.loaded[j] == f.loaded[i];
      if (!again) lockgraph::rt::atomic_acquire(f.loaded[i]);
    }
    f.loads = 0;
  }
  if (releases(order)) {
    f.release_epoch = lockgraph::rt::release_fence();
    f.released = nullptr;
  }
}

// Around every atomic operation: the synchronisation it carries, then the access itself.
// `reads`: the operation reads the location (all but a store).
struct AtomicScope {
  AtomicScope(const volatile void* address, std::size_t size, bool write, int order, const void* pc,
              bool reads = true)
      : address_(const_cast<const void*>(address)), order_(order), reads_(reads) {
    // The access first: the release that follows publishes it too (a later owner that acquires
    // may free the memory, and that free must come after this write).
    access(address_, size, flag::kAtomic | (write ? flag::kWrite : 0), pc);
    if (write) {
      if (releases(order)) lockgraph::rt::sync_release(address_);
      else relaxed_store(address_);
    }
  }
  ~AtomicScope() {
    if (acquires(order_)) lockgraph::rt::atomic_acquire(address_);
    else if (reads_) relaxed_load(address_);
  }
  const void* address_;
  int order_;
  bool reads_;
};

#define LG_PC() __builtin_return_address(0)

}  // namespace

extern "C" {

// The compiler calls this from a constructor of every instrumented object file.
void __tsan_init() { lockgraph::rt::races_enabled(); }

// Stacks come from unwinding at a site's first access: nothing to keep on entry and exit.
void __tsan_func_entry(void*) {}
void __tsan_func_exit() {}
void __tsan_ignore_thread_begin() { lockgraph::rt::ignore_accesses_begin(); }
void __tsan_ignore_thread_end() { lockgraph::rt::ignore_accesses_end(); }

#define LG_ACCESS(N)                                                                              \
  void __tsan_read##N(void* a) { access(a, N, 0, LG_PC()); }                                      \
  void __tsan_write##N(void* a) { access(a, N, flag::kWrite, LG_PC()); }                          \
  void __tsan_unaligned_read##N(const void* a) { access(a, N, 0, LG_PC()); }                      \
  void __tsan_unaligned_write##N(void* a) { access(a, N, flag::kWrite, LG_PC()); }                \
  void __tsan_volatile_read##N(void* a) { access(a, N, 0, LG_PC()); }                             \
  void __tsan_volatile_write##N(void* a) { access(a, N, flag::kWrite, LG_PC()); }                 \
  void __tsan_read##N##_pc(void* a, void* pc) { access(a, N, 0, pc); }                            \
  void __tsan_write##N##_pc(void* a, void* pc) { access(a, N, flag::kWrite, pc); }
LG_ACCESS(1)
LG_ACCESS(2)
LG_ACCESS(4)
LG_ACCESS(8)
#undef LG_ACCESS

// 16 bytes always span two granules.
void __tsan_read16(void* a) { range_access(a, 16, 0, LG_PC()); }
void __tsan_write16(void* a) { range_access(a, 16, flag::kWrite, LG_PC()); }
void __tsan_unaligned_read16(const void* a) { range_access(a, 16, 0, LG_PC()); }
void __tsan_unaligned_write16(void* a) { range_access(a, 16, flag::kWrite, LG_PC()); }
void __tsan_volatile_read16(void* a) { range_access(a, 16, 0, LG_PC()); }
void __tsan_volatile_write16(void* a) { range_access(a, 16, flag::kWrite, LG_PC()); }
void __tsan_read16_pc(void* a, void* pc) { range_access(a, 16, 0, pc); }
void __tsan_write16_pc(void* a, void* pc) { range_access(a, 16, flag::kWrite, pc); }

void __tsan_read_range(void* a, unsigned long size) { range_access(a, size, 0, LG_PC()); }
void __tsan_write_range(void* a, unsigned long size) { range_access(a, size, flag::kWrite, LG_PC()); }
void __tsan_read_range_pc(void* a, unsigned long size, void* pc) { range_access(a, size, 0, pc); }
void __tsan_write_range_pc(void* a, unsigned long size, void* pc) {
  range_access(a, size, flag::kWrite, pc);
}

// A virtual call reads the object's vtable pointer; a constructor or destructor sets it (a write
// only if it changes, as TSan does: a derived destructor restoring the same pointer is no race).
void __tsan_vptr_read(void** vptr) { access(vptr, sizeof(void*), 0, LG_PC()); }
void __tsan_vptr_update(void** vptr, void* value) {
  if (*vptr != value) access(vptr, sizeof(void*), flag::kWrite, LG_PC());
}

// Newer clang calls these for memcpy and friends it sees in instrumented code.
void* __tsan_memcpy(void* to, const void* from, unsigned long size) {
  range_access(from, size, 0, LG_PC());
  range_access(to, size, flag::kWrite, LG_PC());
  return std::memcpy(to, from, size);
}
void* __tsan_memmove(void* to, const void* from, unsigned long size) {
  range_access(from, size, 0, LG_PC());
  range_access(to, size, flag::kWrite, LG_PC());
  return std::memmove(to, from, size);
}
void* __tsan_memset(void* to, int value, unsigned long size) {
  range_access(to, size, flag::kWrite, LG_PC());
  return std::memset(to, value, size);
}

// Atomics. A fence is performed, then orders the relaxed accesses around it (FenceState).
void __tsan_atomic_thread_fence(int order) {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  thread_fence(order);
}
void __tsan_atomic_signal_fence(int) { __atomic_signal_fence(__ATOMIC_SEQ_CST); }

#define LG_ATOMIC(N, T)                                                                           \
  T __tsan_atomic##N##_load(const volatile T* a, int mo) {                                        \
    AtomicScope scope(a, sizeof(T), false, mo, LG_PC());                                          \
    return __atomic_load_n(a, __ATOMIC_SEQ_CST);                                                  \
  }                                                                                               \
  void __tsan_atomic##N##_store(volatile T* a, T v, int mo) {                                     \
    AtomicScope scope(a, sizeof(T), true, mo, LG_PC(), false);                                    \
    __atomic_store_n(a, v, __ATOMIC_SEQ_CST);                                                     \
  }                                                                                               \
  T __tsan_atomic##N##_exchange(volatile T* a, T v, int mo) {                                     \
    AtomicScope scope(a, sizeof(T), true, mo, LG_PC());                                           \
    return __atomic_exchange_n(a, v, __ATOMIC_SEQ_CST);                                           \
  }                                                                                               \
  LG_RMW(N, T, fetch_add)                                                                         \
  LG_RMW(N, T, fetch_sub)                                                                         \
  LG_RMW(N, T, fetch_and)                                                                         \
  LG_RMW(N, T, fetch_or)                                                                          \
  LG_RMW(N, T, fetch_xor)                                                                         \
  LG_RMW(N, T, fetch_nand)                                                                        \
  int __tsan_atomic##N##_compare_exchange_strong(volatile T* a, T* expected, T v, int mo, int) {  \
    AtomicScope scope(a, sizeof(T), true, mo, LG_PC());                                           \
    return __atomic_compare_exchange_n(a, expected, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
  }                                                                                               \
  int __tsan_atomic##N##_compare_exchange_weak(volatile T* a, T* expected, T v, int mo, int) {    \
    AtomicScope scope(a, sizeof(T), true, mo, LG_PC());                                           \
    return __atomic_compare_exchange_n(a, expected, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
  }                                                                                               \
  T __tsan_atomic##N##_compare_exchange_val(volatile T* a, T expected, T v, int mo, int) {        \
    AtomicScope scope(a, sizeof(T), true, mo, LG_PC());                                           \
    __atomic_compare_exchange_n(a, &expected, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);     \
    return expected;                                                                              \
  }
#define LG_RMW(N, T, op)                                                                          \
  T __tsan_atomic##N##_##op(volatile T* a, T v, int mo) {                                         \
    AtomicScope scope(a, sizeof(T), true, mo, LG_PC());                                           \
    return __atomic_##op(a, v, __ATOMIC_SEQ_CST);                                                 \
  }
LG_ATOMIC(8, char)
LG_ATOMIC(16, short)
LG_ATOMIC(32, int)
LG_ATOMIC(64, long)
LG_ATOMIC(128, __int128)
#undef LG_RMW
#undef LG_ATOMIC

}  // extern "C"
