#include "hang_watchdog.h"

#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <thread>
#include <vector>

#include "options.h"
#include "own_thread.h"
#include "record_builder.h"
#include "lockgraph/lock_path.h"
#include "stack_depot.h"
#include "trace_writer.h"

namespace lockgraph::rt {
namespace {

std::uint64_t now_ns() {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return std::uint64_t(t.tv_sec) * 1000000000u + std::uint64_t(t.tv_nsec);
}

struct Waiter {
  std::uint32_t tid;
  LockId lock;
  std::uint64_t since_ns;
  std::uint32_t stack;
  std::vector<std::pair<LockId, std::uint32_t>> held;  // lock, where taken
  std::vector<std::uintptr_t> frames;                  // where it waits, innermost first
};

// A consistent copy of what `s` published, or false if it is not waiting (or changed meanwhile).
bool read_waiter(const ThreadState& s, Waiter& out) {
  const WaitSnapshot& w = s.wait;
  std::uint64_t before = w.generation.load(std::memory_order_acquire);
  out.lock = w.lock.load(std::memory_order_acquire);
  if (out.lock == 0) return false;
  out.tid = w.tid.load(std::memory_order_relaxed);
  out.since_ns = w.since_ns.load(std::memory_order_relaxed);
  out.stack = w.stack.load(std::memory_order_relaxed);
  std::uint32_t n = std::min<std::uint32_t>(w.held_count.load(std::memory_order_relaxed),
                                            WaitSnapshot::kMaxHeld);
  out.held.clear();
  for (std::uint32_t i = 0; i < n; ++i)
    out.held.emplace_back(w.held_lock[i].load(std::memory_order_relaxed),
                          w.held_stack[i].load(std::memory_order_relaxed));
  out.frames.clear();
  std::uint32_t frames = std::min<std::uint32_t>(w.frame_count.load(std::memory_order_relaxed),
                                                 WaitSnapshot::kFrames);
  for (std::uint32_t i = 0; i < frames; ++i) out.frames.push_back(w.frames[i].load(std::memory_order_relaxed));
  return w.generation.load(std::memory_order_acquire) == before &&
         w.lock.load(std::memory_order_acquire) == out.lock;
}

void write_observed(const std::vector<const Waiter*>& cycle) {
  std::string records;
  RecordBuilder record(records, trace::kind::kIncident);
  record.str("what", trace::incident::kDeadlockObserved).open_array("p");
  for (const Waiter* w : cycle) {
    record.array_row({w->tid, w->lock, w->stack, trace::incident::kWaits});
    for (const auto& [lock, stack] : w->held)
      record.array_row({w->tid, lock, stack, trace::incident::kHolds});
  }
  record.close_array().end();
  flush_all();  // the stacks the record names sit in the waiting threads' buffers
  write_records(records);
}

// The loaded objects as /proc/self/maps lists them: the watchdog reads them there rather than
// through the loader, whose lock a thread of the deadlock may hold.
struct Mapping {
  std::uintptr_t begin, end, offset;
  std::string path;
};
std::vector<Mapping> file_mappings() {
  std::vector<Mapping> maps;
  FILE* f = std::fopen("/proc/self/maps", "r");
  if (!f) return maps;
  char line[4096];
  while (std::fgets(line, sizeof line, f)) {
    unsigned long begin, end, offset;
    char path[4096] = {};
    if (std::sscanf(line, "%lx-%lx %*s %lx %*s %*s %4095s", &begin, &end, &offset, path) == 4 && path[0] == '/')
      maps.push_back({begin, end, offset, path});
  }
  std::fclose(f);
  return maps;
}

// "      #0 /usr/bin/prog+0x1a2b" per frame: what addr2line or llvm-symbolizer take; the analyzer's
// report names the functions and lines.
std::string describe_frames(const std::vector<std::uintptr_t>& frames, const std::vector<Mapping>& maps) {
  std::string text;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    char line[4200];
    const Mapping* m = nullptr;
    for (const Mapping& candidate : maps)
      if (frames[i] >= candidate.begin && frames[i] < candidate.end) m = &candidate;
    if (m)
      std::snprintf(line, sizeof line, "      #%zu %s+0x%lx\n", i, m->path.c_str(),
                    static_cast<unsigned long>(frames[i] - m->begin + m->offset));
    else
      std::snprintf(line, sizeof line, "      #%zu 0x%lx\n", i, static_cast<unsigned long>(frames[i]));
    text += line;
  }
  return text;
}

// Said at once on stderr, whatever the verbosity: the program will not get further by itself.
// Each thread's waiting stack as module+offset; the trace has every stack, which the analyzer
// names (under lockgraph run, in the report that follows).
void print_observed(const std::vector<const Waiter*>& cycle) {
  std::string text = "WARNING: lockgraph: deadlock (observed): " + std::to_string(cycle.size()) +
                     " threads blocked for over " + std::to_string(options().hang_timeout_ms) +
                     " ms, each waiting for a lock another of them holds:\n";
  const std::vector<Mapping> maps = file_mappings();
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    const Waiter* holder = cycle[(i + 1) % cycle.size()];
    text += "  thread " + std::to_string(cycle[i]->tid) + " waits for lock #" +
            std::to_string(cycle[i]->lock) + ", held by thread " + std::to_string(holder->tid) +
            " (which holds " + std::to_string(holder->held.size()) + " lock(s)), at:\n";
    text += describe_frames(cycle[i]->frames, maps);
  }
  text += "  every thread's held locks and stacks are in " + current_trace_path() +
          " (lockgraph analyze shows them; under lockgraph run, the report below)\n";
  std::fputs(text.c_str(), stderr);
}

// One scan: every cycle of waits older than the timeout, each reported once per process.
void scan(std::uint64_t timeout_ns, std::set<std::vector<std::uint32_t>>& reported) {
  std::vector<Waiter> waiters;
  for (ThreadState* s = first_thread_state(); s; s = s->next) {
    Waiter w;
    if (read_waiter(*s, w)) waiters.push_back(std::move(w));
  }
  std::uint64_t now = now_ns();
  // Each waiter waits for the (first) waiter holding its lock.
  std::vector<int> next(waiters.size(), -1);
  for (std::size_t i = 0; i < waiters.size(); ++i) {
    if (now - waiters[i].since_ns < timeout_ns) continue;
    for (std::size_t j = 0; j < waiters.size() && next[i] < 0; ++j)
      for (const auto& held : waiters[j].held)
        if (held.first == waiters[i].lock) next[i] = static_cast<int>(j);
  }
  bool found = false;
  for (std::size_t start = 0; start < waiters.size(); ++start) {
    std::vector<std::size_t> path;
    std::vector<bool> on_path(waiters.size(), false);
    int at = static_cast<int>(start);
    while (at >= 0 && !on_path[at]) {
      on_path[at] = true;
      path.push_back(static_cast<std::size_t>(at));
      at = next[at];
    }
    if (at < 0 || static_cast<std::size_t>(at) != start) continue;  // report each cycle from its smallest member
    std::vector<std::uint32_t> key;
    for (std::size_t i : path) key.push_back(waiters[i].tid);
    if (*std::min_element(key.begin(), key.end()) != waiters[start].tid) continue;
    if (!reported.insert(key).second) continue;
    std::vector<const Waiter*> cycle;
    for (std::size_t i : path) cycle.push_back(&waiters[i]);
    write_observed(cycle);
    print_observed(cycle);
    found = true;
  }
  if (found && options().on_hang == "abort") {
    std::fprintf(stderr, "lockgraph: ending the deadlocked process with SIGABRT (on_hang=abort)\n");
    std::abort();
  }
}

}  // namespace

bool watchdog_enabled() noexcept {
  static const bool on = options().hang_timeout_ms > 0;
  return on;
}

// Runs on the runtime's own thread (own_thread.h).
static void* watchdog_main(void*) {
  ReentryGuard reentry;  // nothing this thread does is the program's
  const long timeout_ms = options().hang_timeout_ms;
  std::set<std::vector<std::uint32_t>> reported;
  auto period = std::chrono::milliseconds(std::clamp<long>(timeout_ms / 4, 1, 250));
  for (;;) {
    std::this_thread::sleep_for(period);
    if (finalized()) return nullptr;
    scan(std::uint64_t(timeout_ms) * 1000000u, reported);
  }
}

void start_watchdog() noexcept {
  if (watchdog_enabled()) start_own_thread(watchdog_main);
}

void begin_wait(ThreadState& ts, LockId id) noexcept {
  WaitSnapshot& w = ts.wait;
  std::uint32_t stack;
  {
    ReentryGuard reentry;
    BufferGuard guard(ts);
    stack = capture_and_intern_stack(ts.buffer, ts.stack_scratch);
  }
  const std::size_t frames = std::min(ts.stack_scratch.count, WaitSnapshot::kFrames);
  std::uint32_t n = 0;
  for (const HeldLock& h : ts.held) {
    if (n == WaitSnapshot::kMaxHeld) break;
    w.held_lock[n].store(h.lock, std::memory_order_relaxed);
    w.held_stack[n].store(h.stack_id, std::memory_order_relaxed);
    ++n;
  }
  w.generation.fetch_add(1, std::memory_order_release);
  w.held_count.store(n, std::memory_order_relaxed);
  for (std::size_t i = 0; i < frames; ++i)
    w.frames[i].store(ts.stack_scratch.frames[ts.stack_scratch.first + i], std::memory_order_relaxed);
  w.frame_count.store(static_cast<std::uint32_t>(frames), std::memory_order_relaxed);
  w.tid.store(ts.tid, std::memory_order_relaxed);
  w.stack.store(stack, std::memory_order_relaxed);
  w.since_ns.store(now_ns(), std::memory_order_relaxed);
  w.lock.store(id, std::memory_order_release);
  w.generation.fetch_add(1, std::memory_order_release);
}

void end_wait(ThreadState& ts) noexcept {
  ts.wait.lock.store(0, std::memory_order_release);
  ts.wait.generation.fetch_add(1, std::memory_order_release);
}

}  // namespace lockgraph::rt
