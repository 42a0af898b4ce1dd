// The runtime's entry points: what an instrumented lock or thread tells the recorder.
//
// The lock wrappers (mutex.h), the thread wrapper (thread.h) and the LD_PRELOAD interposer call
// these; a user calls them only to instrument a home-made primitive. Every function may be called
// from any thread, at any time of the process's life (including static construction and
// destruction), and never throws.
#pragma once

#include <pthread.h>

#include <cstdint>

#include "lockgraph/trace_format.h"

// Exported from the runtime library, which hides everything else.
#define LOCKGRAPH_API __attribute__((visibility("default")))
// The two calls made on every lock operation go through the GOT, not the PLT (one jump fewer).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define LOCKGRAPH_HOT_API LOCKGRAPH_API __attribute__((noplt))
#else
#define LOCKGRAPH_HOT_API LOCKGRAPH_API
#endif

// Defined (1) by the runtime library: how the LD_PRELOAD library finds out that a program
// carries the runtime itself, and then leaves the recording to it.
extern "C" LOCKGRAPH_API const int lockgraph_runtime_present;

namespace lockgraph::rt {

using LockId = std::uint64_t;
using ThreadId = std::uint32_t;

// A new lock exists. Returns its id: unique in the process and never reused, unlike its address.
// `name` may be null; it is copied. The creation site is the stack, captured whole for every lock
// (a wrapper class's call site is the same for all its instances); `caller` (a return address)
// is no longer read, and kept until the interface next changes.
LOCKGRAPH_API LockId lock_created(trace::LockKind kind, const char* name, const void* caller) noexcept;

// Like lock_created, for a lock known by its address (the preload library): a lock inside a
// global or static object is recorded with its module and offset, so the analyzer can name it
// after its symbol. `first_use`: the lock is met at its first lock, not at its creation (a
// std::mutex or PTHREAD_MUTEX_INITIALIZER never calls an init function), and the stack is that
// lock's; the report then says "first locked at".
LOCKGRAPH_API LockId lock_created_at(trace::LockKind kind, const char* name, const void* caller,
                                     const void* address, bool first_use = false) noexcept;

// The std lock at `insides` (a pthread mutex, or a rwlock for the shared kinds) is the insides of
// a wrapper of `kind` that records it: the runtime's pthread interposers let it through (the
// lock is recorded once, as the wrapper). Defined by the runtime library programs link.
LOCKGRAPH_API void lock_wraps(trace::LockKind kind, void* insides) noexcept;

// glibc's own lock, trylock and unlock of a pthread mutex, past the runtime's interposers: the
// wrappers of the plain and recursive kinds lock their insides with these, so their hot path
// pays no interposer call.
struct GlibcMutexCalls {
  int (*lock)(pthread_mutex_t*);
  int (*trylock)(pthread_mutex_t*);
  int (*unlock)(pthread_mutex_t*);
};
extern LOCKGRAPH_API const GlibcMutexCalls glibc_mutex;

// The lock `id` is being destroyed.
LOCKGRAPH_API void lock_destroyed(LockId id) noexcept;

// The calling thread now holds `id`. `flags` are trace::flag bits (try, shared, timed); `caller`
// identifies the call site. On a lock chain this thread has seen before this touches only
// thread-local data: no lock of ours, no allocation, no stack unwinding.
LOCKGRAPH_HOT_API void lock_acquired(LockId id, std::uint32_t flags, const void* caller) noexcept;

// The calling thread is about to block on `id` (its try_lock failed). If the thread itself holds
// `id` and the lock is not recursive, this is a self-deadlock: it is recorded with both stacks,
// the trace is flushed, and the process aborts (self_deadlock=abort, the default) rather than hang.
// With the hang watchdog on (hang_timeout_ms), the thread also publishes that it waits.
// The lock-order edge is recorded before the wait (`caller` as for lock_acquired).
LOCKGRAPH_API void lock_contended(LockId id, std::uint32_t flags, const void* caller) noexcept;

// The wait announced by lock_contended() is over: the thread got the lock.
LOCKGRAPH_API void lock_wait_ended(LockId id) noexcept;

// A try_lock (or a timed lock) of `id` by the calling thread gave up without the lock.
LOCKGRAPH_API void lock_try_failed(LockId id, std::uint32_t flags, const void* caller) noexcept;

// The calling thread is about to release `id` (or one shared hold of it). Returns false, and
// records nothing, if the thread does not hold `id`: the caller reports that with lock_misused().
LOCKGRAPH_HOT_API bool lock_released(LockId id) noexcept;

// The calling thread's records kept back by its last lock_released() (those its release made
// inside the critical section: the hold's accesses, an older release) go to the trace file:
// called after the real unlock (note_unlocked). The release itself may wait longer, until
// something synchronises with it (runtime/race_hooks.cpp, record_lock_release).
LOCKGRAPH_API void hand_over_kept_records() noexcept;

// True if the calling thread holds `id`.
LOCKGRAPH_API bool lock_held(LockId id) noexcept;

// Records a misuse of `id` by the calling thread (`what` is a trace::incident name, e.g.
// unlock-not-held) with its current stack and, if it holds `id`, where it took it. Flushes.
LOCKGRAPH_API void lock_misused(LockId id, const char* what) noexcept;

// Thread lifecycle. A parent calls thread_forking() before it creates a thread and passes the
// ticket to the child, which calls thread_started() first thing; whoever joins calls
// thread_joined() with the child's id after the join returned.
struct ThreadTicket {
  ThreadId child = 0;
  ThreadId parent = 0;
  std::uint32_t parent_segment = 0;
  std::uint32_t creation_stack = 0;  // where the parent started it (a stack id of the trace)
};
LOCKGRAPH_API ThreadTicket thread_forking() noexcept;
LOCKGRAPH_API void thread_started(const ThreadTicket& ticket) noexcept;
LOCKGRAPH_API void thread_joined(ThreadId child) noexcept;

// The calling thread's id in the trace (1 for the first thread that used the runtime).
LOCKGRAPH_API ThreadId current_thread_id() noexcept;

// Names the calling thread in the trace; the name is copied.
LOCKGRAPH_API void set_thread_name(const char* name) noexcept;

// Shared-memory accesses, for data race detection. A variable is a lockgraph::shared<T> (an id
// from variable_created, unique for the process's life, so reused memory is never confused) or an
// annotated address (address_variable). `name` may be null.
using VarId = std::uint64_t;
LOCKGRAPH_API VarId variable_created(const char* name, const void* caller) noexcept;
inline VarId address_variable(const volatile void* address) noexcept {
  return reinterpret_cast<std::uintptr_t>(const_cast<const void*>(address)) | (VarId{1} << 63);
}
LOCKGRAPH_API void memory_access(VarId variable, bool is_write, const char* name,
                                 const void* caller) noexcept;

// Happens-before through a synchronisation object the runtime does not see (a semaphore, a
// future, a home-made queue): everything the releasing thread did before sync_release(obj)
// happens before what an acquiring thread does after a later sync_acquire(obj).
LOCKGRAPH_API void sync_release(const void* object) noexcept;
LOCKGRAPH_API void sync_acquire(const void* object) noexcept;

// Writes every buffered record to the trace file now.
LOCKGRAPH_API void flush() noexcept;

}  // namespace lockgraph::rt

namespace lockgraph {
// Names the calling thread in reports.
inline void set_thread_name(const char* name) noexcept {
#ifndef LOCKGRAPH_DISABLE
  rt::set_thread_name(name);
#else
  (void)name;
#endif
}
}  // namespace lockgraph
