// ThreadSanitizer's annotation API, for libraries prepared for TSan that explain their own
// synchronisation (lock-free queues, futex or assembly locks) and for code that cannot be
// recompiled: the same calls, the same meaning, recorded by lockgraph.
#include <cstddef>

#include "lockgraph/memory_access.h"
#include "lockgraph/runtime.h"

#define LG_EXPORT extern "C" __attribute__((visibility("default")))
#define LG_PC() __builtin_return_address(0)

namespace rt = lockgraph::rt;

namespace {
const void* plain(const volatile void* address) { return const_cast<const void*>(address); }
}  // namespace

// Everything before AnnotateHappensBefore(x) happens before what follows AnnotateHappensAfter(x).
LG_EXPORT void AnnotateHappensBefore(const char*, int, const volatile void* address) {
  rt::sync_release(plain(address));
}
LG_EXPORT void AnnotateHappensAfter(const char*, int, const volatile void* address) {
  rt::sync_acquire(plain(address));
}
LG_EXPORT void __tsan_release(void* address) { rt::sync_release(address); }
LG_EXPORT void __tsan_acquire(void* address) { rt::sync_acquire(address); }

// Races on this memory are intended (statistics counters, racy flags): not reported.
LG_EXPORT void AnnotateBenignRaceSized(const char*, int, const volatile void* address, std::size_t size,
                                       const char*) {
  rt::benign_range(plain(address), size, LG_PC());
}
LG_EXPORT void AnnotateBenignRace(const char*, int, const volatile void* address, const char*) {
  rt::benign_range(plain(address), 1, LG_PC());
}

// The calling thread's reads and writes between Begin and End are not recorded (code known to race
// benignly, or that synchronises in ways no annotation can say). Reads and writes are ignored
// together: lockgraph's entry points do not tell them apart here.
LG_EXPORT void AnnotateIgnoreReadsBegin(const char*, int) { rt::ignore_accesses_begin(); }
LG_EXPORT void AnnotateIgnoreReadsEnd(const char*, int) { rt::ignore_accesses_end(); }
LG_EXPORT void AnnotateIgnoreWritesBegin(const char*, int) { rt::ignore_accesses_begin(); }
LG_EXPORT void AnnotateIgnoreWritesEnd(const char*, int) { rt::ignore_accesses_end(); }
LG_EXPORT void AnnotateIgnoreSyncBegin(const char*, int) {}
LG_EXPORT void AnnotateIgnoreSyncEnd(const char*, int) {}

// Memory handed out by a custom allocator starts a new life, as malloc's does.
LG_EXPORT void AnnotateNewMemory(const char*, int, const volatile void* address, std::size_t size) {
  rt::block_allocated(plain(address), size, LG_PC());
}

// A home-made mutex told through TSan's mutex annotations (abseil, folly): a lock acquires, an
// unlock releases. Lock order is not recorded for them (no name, no kind to check).
LG_EXPORT void __tsan_mutex_create(void*, unsigned) {}
LG_EXPORT void __tsan_mutex_destroy(void*, unsigned) {}
LG_EXPORT void __tsan_mutex_pre_lock(void*, unsigned) {}
LG_EXPORT void __tsan_mutex_post_lock(void* address, unsigned, int) { rt::sync_acquire(address); }
LG_EXPORT int __tsan_mutex_pre_unlock(void* address, unsigned) {
  rt::sync_release(address);
  return 0;
}
LG_EXPORT void __tsan_mutex_post_unlock(void*, unsigned) {}
LG_EXPORT void __tsan_mutex_pre_signal(void*, unsigned) {}
LG_EXPORT void __tsan_mutex_post_signal(void*, unsigned) {}
LG_EXPORT void __tsan_mutex_pre_divert(void*, unsigned) {}
LG_EXPORT void __tsan_mutex_post_divert(void*, unsigned) {}
