// The lock path: what every instrumented acquisition and release costs.
//
// Fast path (a chain this thread has seen): hash the held chain with the new lock and call site,
// find it in the thread's chain cache, bump its count, push the hold. Thread-local only: no lock
// of ours, no allocation, no unwinding. Slow path (a new chain): capture and intern the stack and
// append one chain record, which carries everything the analyzer needs for the lock-order edges.
#include <atomic>

#include "lockgraph/runtime.h"
#include "options.h"
#include "record_builder.h"
#include "lockgraph/lock_path.h"
#include "stack_depot.h"
#include "sync_records.h"
#include "lock_request.h"
#include "misuse.h"
#include "thread_state.h"
#include "trace_writer.h"

namespace lockgraph::rt {
namespace {

std::atomic<LockId> g_next_lock_id{1};
std::atomic<std::uint32_t> g_next_chain_id{1};

std::uint64_t chain_key_of(const ThreadState& ts, LockId lock, std::uint32_t flags, const void* caller) {
  return chain_key(ts.held.top_hash(), lock, caller, flags, tls_lock_path.segment_term);
}

// Slow path. Caller holds the buffer guard.
[[gnu::noinline, gnu::cold]] ChainEntry* record_new_chain(ThreadState& ts, std::uint64_t key, LockId lock, std::uint32_t flags) {
  ChainEntry* entry = ts.chains.insert(key);
  std::uint32_t chain_id = g_next_chain_id.fetch_add(1, std::memory_order_relaxed);
  ts.chains.info(entry).chain_id = chain_id;
  entry->stack_id = capture_and_intern_stack(ts.buffer, ts.stack_scratch);
  RecordBuilder record(ts.buffer, trace::kind::kChain);
  record.num("id", chain_id)
      .num("t", ts.tid)
      .num("seg", ts.segment)
      .num("l", lock)
      .num("f", flags)
      .num("s", entry->stack_id)
      .open_array("held");
  for (const HeldLock& h : ts.held) record.array_tuple(h.lock, h.stack_id, h.flags, true);
  record.close_array().end();
  return entry;
}

// A chain this thread has not seen: record it, then write out a full buffer.
[[gnu::noinline, gnu::cold]] ChainEntry* new_chain(ThreadState& ts, std::uint64_t key, LockId lock,
                                                  std::uint32_t flags) {
  ReentryGuard reentry;
  ChainEntry* entry;
  {
    BufferGuard guard(ts);
    entry = record_new_chain(ts, key, lock, flags);
  }
  flush_if_needed(ts);
  return entry;
}

[[gnu::noinline]] void append_event(ThreadState& ts, const char* kind, const char* field,
                                    std::uint64_t value) {
  ReentryGuard reentry;
  {
    BufferGuard guard(ts);
    RecordBuilder(ts.buffer, kind)
        .num("q", next_sequence())
        .num("t", ts.tid)
        .num(field, value)
        .end();
  }
  flush_if_needed(ts);
}

}  // namespace

LockId lock_created(trace::LockKind kind, const char* name, const void* caller) noexcept {
  return lock_created_at(kind, name, caller, nullptr);
}

LockId lock_created_at(trace::LockKind kind, const char* name, const void* caller,
                       const void* address, bool first_use) noexcept {
  LockId id = g_next_lock_id.fetch_add(1, std::memory_order_relaxed);
  ReentryGuard reentry;
  if (!reentry) return id;
  ThreadState* ts = current_thread_state();
  if (!ts) return id;
  {
    BufferGuard guard(*ts);
    // Captured for every lock, not once per call site (`caller`): the call site of a lock made by
    // a wrapper class (leveldb's port::Mutex) is inside the wrapper, the same for every instance,
    // and only the frames outside it tell them apart. The depot writes each distinct stack once.
    (void)caller;
    std::uint32_t stack = capture_and_intern_stack(ts->buffer, ts->stack_scratch);
    std::uint32_t module = 0;
    std::uint64_t offset = 0;
    bool in_module =
        address && locate_address(reinterpret_cast<std::uintptr_t>(address), ts->buffer, module, offset);
    RecordBuilder record(ts->buffer, trace::kind::kLock);
    record.num("id", id).str("kind", trace::lock_kind_name(kind));
    if (name && *name) record.str("name", name);
    if (in_module) record.open_array("a").array_tuple(module, offset).close_array();
    if (first_use) record.num("first_use", 1);
    record.num("s", stack).num("t", ts->tid).end();
  }
  flush_if_needed(*ts);
  return id;
}

void note_lock_request(ThreadState& ts, LockId id, std::uint32_t flags, const void* caller) noexcept {
  flags &= ~trace::flag::kMayReenter;
  if (ts.find_held(id)) return;  // re-entry or self-deadlock: no new order
  std::uint64_t key = chain_key_of(ts, id, flags, caller);
  if (!ts.chains.find(key)) new_chain(ts, key, id, flags);
}

void lock_destroyed(LockId id) noexcept {
  ReentryGuard reentry;
  if (!reentry) return;
  ThreadState* ts = current_thread_state();
  if (!ts) return;
  // Destroying a lock this thread still holds: report it, and forget the hold (it cannot be
  // released any more; a later lock may even reuse the memory).
  if (HeldLock* held = ts->find_held(id)) {
    record_misuse(*ts, id, trace::incident::kDestroyHeld, held);
    ts->held.erase(static_cast<std::size_t>(held - ts->held.begin()));
  }
  {
    BufferGuard guard(*ts);
    RecordBuilder(ts->buffer, trace::kind::kLockDestroy).num("id", id).num("t", ts->tid).end();
  }
  flush_if_needed(*ts);
}

// The general case of lock_acquired: re-entry, new chains, full mode, race tracking.
[[gnu::noinline]] void acquired_general(LockId id, std::uint32_t flags, const void* caller) noexcept {
  // Only read the depth: the runtime's own slow paths raise it (ReentryGuard), and a lock taken
  // inside them is not the program's.
  if (runtime_depth() != 0) return;
  ThreadState* ts = current_thread_state();
  if (!ts) return;
  // Only a recursive lock can be taken again by its holder (anything else would have hung).
  if (flags & trace::flag::kMayReenter) {
    flags &= ~trace::flag::kMayReenter;
    if (HeldLock* held = ts->find_held(id)) {  // re-entrant: no new order, no new event
      ++held->recursion;
      return;
    }
  }
  std::uint64_t key = chain_key_of(*ts, id, flags, caller);
  ChainEntry* entry = ts->chains.find(key);
  if (!entry) entry = new_chain(*ts, key, id, flags);
  if (entry->count.load(std::memory_order_relaxed) == ~std::uint32_t{0}) {
    BufferGuard guard(*ts);  // the flush reads the count and its carry together
    ts->chains.count_one(entry);
  } else {
    ts->chains.count_one(entry);
  }
  std::uint64_t chain_id = ts->chains.info(entry).chain_id;
  ts->held.push({.lock = id,
                 .chain_hash = held_chain_hash(ts->held.top_hash(), id),
                 .stack_id = entry->stack_id,
                 .flags = flags});
  if (full_mode_enabled()) append_event(*ts, trace::kind::kAcquire, "c", chain_id);
  if (race_tracking()) record_lock_acquire(*ts, id, !(flags & trace::flag::kShared));
}

void lock_try_failed(LockId id, std::uint32_t, const void*) noexcept {
  ReentryGuard reentry;
  if (!reentry) return;
  ThreadState* ts = current_thread_state();
  if (!ts || !full_mode_enabled()) return;
  append_event(*ts, trace::kind::kTryFail, "l", id);
}

// The general case of lock_released: out-of-order release, re-entrant holds, extra records.
// False if the thread does not hold `id` (a misuse the caller reports).
[[gnu::noinline]] bool released_general(LockId id) noexcept {
  if (runtime_depth() != 0) return true;
  ThreadState* ts = current_thread_state();
  if (!ts) return true;
  // Fast path: the innermost hold, released first as in every scoped lock.
  if (!ts->held.empty() && ts->held.back().lock == id && ts->held.back().recursion == 0) {
    if (race_tracking()) record_lock_release(*ts, id, !(ts->held.back().flags & trace::flag::kShared));
    ts->held.pop_back();
    if (full_mode_enabled()) append_event(*ts, trace::kind::kRelease, "l", id);
    return true;
  }
  for (std::size_t i = ts->held.size(); i-- > 0;) {
    if (ts->held[i].lock != id) continue;
    if (ts->held[i].recursion > 0) {
      --ts->held[i].recursion;
      return true;
    }
    if (race_tracking()) record_lock_release(*ts, id, !(ts->held[i].flags & trace::flag::kShared));
    ts->held.erase(i);
    if (full_mode_enabled()) append_event(*ts, trace::kind::kRelease, "l", id);
    return true;
  }
  return false;
}

// The exported entry points: the inline fast paths (lock_path.h), else the general versions.
void lock_acquired(LockId id, std::uint32_t flags, const void* caller) noexcept {
  if ((flags & trace::flag::kMayReenter) || !fast_acquire(id, flags, caller))
    acquired_general(id, flags, caller);
}

bool lock_released(LockId id) noexcept { return fast_release(id) || released_general(id); }

}  // namespace lockgraph::rt
