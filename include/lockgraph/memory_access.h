// What the race entry points (liblockgraph_race_entry.a, linked into a program compiled with the
// compiler's ThreadSanitizer instrumentation) tell the runtime: memory accesses the first time a
// thread makes them in a sync epoch, heap blocks that begin and end their lives, and ranges that
// start fresh (a thread's stack and TLS). Not for hand-instrumented code: shared.h is that.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "lockgraph/lock_path.h"
#include "lockgraph/runtime.h"

namespace lockgraph::rt {

// Bits of an access's flags ("f" of a mem record, trace_format.h).
namespace access_flag {
inline constexpr std::uint32_t kWrite = 1;   // else a read
inline constexpr std::uint32_t kAtomic = 2;  // an atomic operation: never races with another atomic
}  // namespace access_flag

// The program was compiled with race instrumentation: lock operations are recorded as
// synchronisation from now on (they are only once an access was annotated otherwise).
LOCKGRAPH_API void races_enabled() noexcept;

// The program carries ThreadSanitizer's own runtime beside lockgraph's (-fsanitize=thread reached
// its link line): TSan's interceptors take its threads and locks, so nothing of the run can be
// recorded. Says so on stderr and in the trace (the analysis then reports races not checked and
// the analysis incomplete), and races_enabled() does nothing after it. `why` names what was found.
LOCKGRAPH_API void races_blocked(const char* why) noexcept;

// The calling thread is about to record an access in sampling period `period` (race_period_of),
// not its last one: it writes a marker that begins a new sync epoch, so that the analyzer pairs
// only accesses of one period (race_sampler.cpp) and the first-access filter starts afresh.
LOCKGRAPH_API void race_period_began(std::uint64_t period) noexcept;

// What the calling thread does with an access now, given `word` (g_extra_records): skip it (a
// pause of race_sample=periods, or inside TSan's ignore annotations), record it, or first begin a
// new period (race_period_began) and then record it. The entry points branch on this before
// anything else, so that the rare call is on a path of its own and the common ones save no
// registers.
enum class AccessRecording { kSkip, kRecord, kNewPeriod };
[[gnu::always_inline]] inline AccessRecording access_recording(std::uint64_t word) noexcept {
  // A pause first, in the fewest instructions: in a sampled run most accesses end here.
  if (accesses_paused(word) || tls_lock_path.ignore_accesses != 0) return AccessRecording::kSkip;
  return recording_period_of(word) == tls_lock_path.race_period ? AccessRecording::kRecord
                                                                 : AccessRecording::kNewPeriod;
}

// Whether the calling thread's access is recorded now (access_recording); the thread's first
// access in a new period calls race_period_began first.
[[gnu::always_inline]] inline bool recording_accesses() noexcept {
  const std::uint64_t word = g_extra_records.load(std::memory_order_relaxed);
  const AccessRecording how = access_recording(word);
  if (how == AccessRecording::kNewPeriod) race_period_began(recording_period_of(word));
  return how != AccessRecording::kSkip;
}

// The calling thread's accesses are not recorded between begin and end (TSan's ignore annotations;
// nested pairs count, an end without a begin does nothing).
inline void ignore_accesses_begin() noexcept { ++tls_lock_path.ignore_accesses; }
inline void ignore_accesses_end() noexcept {
  if (tls_lock_path.ignore_accesses > 0) --tls_lock_path.ignore_accesses;
}

// The calling thread accessed [address, address + size) at return address `pc`.
LOCKGRAPH_API void memory_accessed(const void* address, std::size_t size, std::uint32_t flags,
                                   const void* pc) noexcept;

// A heap block [address, address + size) begins its life (what happened at these addresses
// before is another object's history), allocated at `pc`.
LOCKGRAPH_API void block_allocated(const void* address, std::size_t size, const void* pc) noexcept;

// A heap block ends its life: a write of all of it by the calling thread (freeing memory another
// thread still uses is a race), then it belongs to no one.
LOCKGRAPH_API void block_freed(const void* address, std::size_t size, const void* pc) noexcept;

// Fences, as both compilers' instrumentation calls them. A release fence begins the
// calling thread's next epoch and returns it (0 if nothing is recorded now): the thread's later
// relaxed atomic stores release, on their address, what it did before that epoch
// (fenced_release). An acquire fence is the entry points' acquire of the addresses the thread
// loaded relaxed before it (sync_acquire).
LOCKGRAPH_API std::uint32_t release_fence() noexcept;
LOCKGRAPH_API void fenced_release(const void* object, std::uint32_t epoch) noexcept;

// An atomic operation of the program with acquire semantics read `object` (an acquire fence, the
// addresses loaded before it), after the operation: sync_acquire, unless no release on `object`
// (sync_release, fenced_release) can have happened since the calling thread's last recorded
// acquire of it. Then the acquire would order nothing new (its record would only end the epoch,
// one record per turn of a spin-wait) and is not recorded.
LOCKGRAPH_API void atomic_acquire(const void* object) noexcept;

// The program declared races on [address, address + size) benign (TSan's AnnotateBenignRaceSized):
// they are not reported.
LOCKGRAPH_API void benign_range(const void* address, std::size_t size, const void* pc) noexcept;

}  // namespace lockgraph::rt
