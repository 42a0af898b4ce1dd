// Race verdicts of race-flag builds against a brute-force model, on random runs: the trace reader
// (shared memory cut into segments every access covers whole, heap blocks' lives), happens-before and the
// race detector's pruned pair search together must find exactly the granules where some pair of
// byte accesses races by the definition, checked pair by pair and byte by byte. The runs take
// mutexes and a readers-writer lock (shared holds order through it but do not keep each other
// out), and write what the runtime writes: no acquire record where the thread itself released the
// lock last from an exclusive hold. And the first-access filter is sound: a trace with every
// repeated access gives the same verdicts as the trace the runtime's filter leaves (including its
// rewind past a release nobody synchronised with), and a sampled one (accesses left out) finds no
// race the full one does not.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "lockgraph/analysis/race_detector.h"
#include "lockgraph/analysis/trace_loader.h"
#include "lockgraph/trace_format.h"
#include "support/temp_dir.h"

namespace lockgraph::analysis {
namespace {

using lockgraph::testing::TempDir;

constexpr std::uint64_t kBase = 0x10000;  // the memory the random runs touch: 64 bytes
constexpr std::int64_t kNothing = -1;
constexpr std::uint64_t kNoEnd = ~std::uint64_t{0};

constexpr int kReadersWriterLock = 4;  // the lock the runs may hold shared

struct RawAccess {
  int thread;
  std::uint32_t epoch;
  std::uint64_t address, size;
  bool write, atomic, frees;
  std::set<int> held, shared;       // the locks held; those of them held shared
  std::vector<std::int64_t> clock;  // the thread's vector clock at the access
  std::string line;                 // the trace record
  std::uint32_t filter_epoch;       // the runtime's: earlier first accesses from here on stand
  int releases;                     // of locks by the thread before it
  std::uint64_t period;             // the sampling period the run was in (RandomRun::period)
};
struct Block {
  std::uint64_t address, size, allocated, freed = kNoEnd;  // sequence numbers
};

// A random run, simulated with explicit vector clocks, written as a trace.
struct RandomRun {
  int threads;
  std::vector<std::uint32_t> epoch;
  std::vector<std::vector<std::int64_t>> clock;
  std::vector<std::map<std::uint32_t, std::uint64_t>> epoch_start;  // per thread: epoch -> sequence
  std::map<std::uint64_t, std::vector<std::int64_t>> object_clock;
  std::vector<std::set<int>> held, shared;
  std::map<int, int> owner;                    // lock -> thread holding it exclusively
  std::map<int, std::set<int>> shared_holders;  // lock -> threads holding it shared
  // The runtime's rules (race_hooks.cpp): who released each lock last from an exclusive hold (an
  // acquire by that thread writes nothing), each thread's filter epoch and its last sync if that
  // was the release of an exclusive hold.
  std::map<int, int> last_releaser;
  std::vector<std::uint32_t> filter_epoch;
  struct LastRelease {
    int lock = 0;
    std::uint32_t epoch = 0, filter_epoch = 0;
    int acquisitions = 0;  // of the lock by any thread, up to the release
  };
  std::map<int, int> acquisitions;
  std::vector<LastRelease> last_release;
  // A thread's release of an exclusive hold waits unwritten until the thread writes anything
  // else, another thread takes the lock, or the thread takes it back first: then it is dropped
  // and the thread's epoch goes back (record_lock_release, record_lock_acquire).
  struct Pending {
    bool active = false;
    int lock = 0;
    std::string line;
  };
  std::vector<Pending> pending;
  int dropped_releases = 0;
  std::vector<int> releases;  // per thread
  int rewinds = 0;  // acquisitions that took the filter back past a release
  int unrecorded_news = 0;  // acquisitions without a record that taught the thread something: none
  int rewinds_past_observed = 0;  // rewinds past a release another thread acquired after: none
  std::uint64_t sequence = 0;
  std::vector<RawAccess> accesses;
  struct RawSync {
    int thread;
    bool release;
    std::uint64_t key, sequence;
    std::uint32_t epoch;  // the thread's epoch after it (a fenced release: the fence's)
    bool fenced = false;
  };
  std::vector<RawSync> syncs;
  std::vector<RawSync> pending_sync;  // each thread's pending release as a sync (written: into syncs)
  std::vector<Block> blocks;
  std::vector<std::string> lines;
  // Whose buffer each line is written into: its thread's, or an acquirer's for a release it
  // claimed (race_hooks.cpp, claim_pending_release).
  std::vector<int> writers;
  void put(int by, std::string line) {
    writers.push_back(by);
    lines.push_back(std::move(line));
  }
  // race_sample=periods (race_sampler.cpp in the runtime): the period the run is in (odd: recording,
  // even: a pause), and whether the trace is written as a sampled run writes it: in a pause no
  // lock or address sync and no access, only heap lives and frees; each thread marks the period
  // of its accesses and frees when it changes. Else `period` only labels the accesses.
  std::uint64_t period = 1;
  bool sampled = false;
  std::vector<std::uint64_t> thread_period;
  int markers = 0, paused_syncs = 0;
  // A sync record of thread t at `epoch` with the run's current sequence number, as a JSON line
  // or, every third line, the runtime's compact line (trace_format.h): the same fields in hex.
  std::string sync_line(int t, std::uint32_t at_epoch, char op, char kind, std::uint64_t object) {
    std::ostringstream s;
    if (compact_next())
      s << std::hex << "S " << t << ' ' << at_epoch << ' ' << sequence << ' ' << op << kind << ' ' << object;
    else
      s << "{\"k\":\"sync\",\"t\":" << t << ",\"e\":" << at_epoch << ",\"q\":" << sequence << ",\"op\":\"" << op
        << "\",\"ok\":\"" << kind << "\",\"o\":" << object << "}";
    return s.str();
  }
  // C++ fences as the entry points record them: a release fence begins an epoch (a marker that is
  // no synchronisation); the thread's later relaxed atomic stores release, on their address, its
  // clock as of the fence. 0: no fence (or one in a pause, which records nothing).
  std::vector<std::uint32_t> fence_epoch;
  std::vector<std::vector<std::int64_t>> fence_clock;
  int fenced_releases = 0;
  int fenced_news = 0;  // fenced releases that taught their address something
  void release_fence(int t) {
    if (paused()) {
      fence_epoch[t] = 0;
      return;
    }
    fence_clock[t] = clock[t];
    sync(t, false, 'f', 0);
    fence_epoch[t] = epoch[t];
  }
  void relaxed_store(int t, std::uint64_t object) {
    if (paused() || fence_epoch[t] == 0) return;
    const std::uint64_t key = (std::uint64_t('a') << 56) ^ object;
    auto& c = object_of(key);
    const std::vector<std::int64_t> before = c;
    for (int u = 1; u <= threads; ++u) c[u] = std::max(c[u], fence_clock[t][u]);
    ++address_releases[object];
    ++sequence;
    ++fenced_releases;
    fenced_news += c != before;
    write_pending(t);
    syncs.push_back({t, true, key, sequence, fence_epoch[t], true});
    put(t, sync_line(t, fence_epoch[t], 'r', 'F', object));
  }
  bool paused() const { return sampled && period % 2 == 0; }
  void mark_period(int t) {
    if (!sampled || thread_period[t] == period) return;
    thread_period[t] = period;
    ++markers;
    next_epoch(t, ++sequence);
    emit(t, sync_line(t, epoch[t], 'a', 'p', period));
  }

  explicit RandomRun(int n) : threads(n), epoch(n + 1, 0), clock(n + 1, std::vector<std::int64_t>(n + 1, kNothing)),
                        epoch_start(n + 1), held(n + 1), shared(n + 1), filter_epoch(n + 1, 0),
                        last_release(n + 1), pending(n + 1), releases(n + 1), pending_sync(n + 1),
                        thread_period(n + 1, 1), fence_epoch(n + 1, 0), fence_clock(n + 1) {
    for (int t = 1; t <= n; ++t) clock[t][t] = 0;
  }
  // Every third sync, access, allocation and free line is written in the compact form, the others
  // as JSON: both forms meet the same model.
  bool compact_next() { return ++lines_written % 3 == 0; }
  std::uint64_t lines_written = 0;
  // `knowledge_only`: an acquire begins the epoch, and the filter's entries since the thread's
  // last release stand (race_hooks.cpp, append_own_sync).
  void next_epoch(int t, std::uint64_t at, bool knowledge_only = false) {
    clock[t][t] = ++epoch[t];
    epoch_start[t][epoch[t]] = at;
    if (!knowledge_only) filter_epoch[t] = epoch[t];
    last_release[t] = {};
  }
  std::vector<std::int64_t>& object_of(std::uint64_t key) {
    return object_clock.try_emplace(key, std::vector<std::int64_t>(threads + 1, kNothing)).first->second;
  }
  // Thread t's pending release is written, by thread `by` (t itself, or the thread acquiring it).
  void write_pending(int t, int by = 0) {
    if (!pending[t].active) return;
    pending[t].active = false;
    syncs.push_back(pending_sync[t]);
    put(by ? by : t, pending[t].line);
  }
  // Every line of thread t goes out after its pending release.
  void emit(int t, const std::string& line) {
    write_pending(t);
    put(t, line);
  }
  // Releases on each address, and each thread's count of them at its last recorded acquire of
  // the address: an acquire that finds the count unchanged is not recorded (race_hooks.cpp,
  // atomic_acquire), and must teach its thread nothing (unrecorded_news).
  std::map<std::uint64_t, std::uint64_t> address_releases;
  std::map<std::pair<int, std::uint64_t>, std::uint64_t> acquired_at;
  int skipped_acquires = 0;
  // `keep`: a lock's release that waits (Pending).
  void sync(int t, bool release, char kind, std::uint64_t object, bool keep = false) {
    if (paused()) {
      ++paused_syncs;
      return;
    }
    std::uint64_t key = (std::uint64_t(kind) << 56) ^ object;
    auto& c = object_of(key);
    if (kind == 'a' && release) ++address_releases[object];
    if (kind == 'a' && !release) {
      const auto last = acquired_at.find({t, object});
      if (last != acquired_at.end() && last->second == address_releases[object]) {
        const std::vector<std::int64_t> before = clock[t];
        for (int u = 1; u <= threads; ++u) clock[t][u] = std::max(clock[t][u], c[u]);
        unrecorded_news += clock[t] != before;
        ++skipped_acquires;
        return;
      }
      acquired_at[{t, object}] = address_releases[object];
    }
    if (release)
      for (int u = 1; u <= threads; ++u) c[u] = std::max(c[u], clock[t][u]);
    else
      for (int u = 1; u <= threads; ++u) clock[t][u] = std::max(clock[t][u], c[u]);
    next_epoch(t, ++sequence, !release && kind != 'f');
    const std::string line = sync_line(t, epoch[t], release ? 'r' : 'a', kind, object);
    write_pending(t);
    if (keep) {
      pending[t] = {true, static_cast<int>(object), line};
      pending_sync[t] = {t, release, key, sequence, epoch[t]};
      return;
    }
    syncs.push_back({t, release, key, sequence, epoch[t]});
    put(t, line);
  }
  // A lock as access records write it: with trace::kSharedHold for a shared hold.
  std::uint64_t held_field(int t, int l) const {
    return std::uint64_t(l) | (shared[t].count(l) ? trace::kSharedHold : 0);
  }
  std::string held_text(int t) {
    std::string text = "[";
    for (int l : held[t]) text += (text.size() > 1 ? "," : "") + std::to_string(held_field(t, l));
    return text + "]";
  }
  bool can_take(int lock, bool as_shared) const {
    return !owner.count(lock) && (as_shared || !shared_holders.count(lock) || shared_holders.at(lock).empty());
  }
  // The thread takes a lock it does not hold, which no other thread holds exclusively (nor shared,
  // for an exclusive hold). The clock learns the lock's releases either way (the definition);
  // the trace has the acquire only where the runtime writes one.
  void acquire(int t, int lock, bool as_shared) {
    if (paused()) {  // the lock's fast path: nothing of the runtime's state changes
      ++paused_syncs;
      take(t, lock, as_shared);
      return;
    }
    const std::uint64_t key = (std::uint64_t('l') << 56) ^ std::uint64_t(lock);
    auto released = last_releaser.find(lock);
    if (released != last_releaser.end() && released->second == t) {
      auto& c = object_of(key);
      const std::vector<std::int64_t> before = clock[t];
      for (int u = 1; u <= threads; ++u) clock[t][u] = std::max(clock[t][u], c[u]);
      unrecorded_news += clock[t] != before;
      const LastRelease& last = last_release[t];
      if (!as_shared && last.lock == lock && last.epoch == epoch[t]) {
        filter_epoch[t] = last.filter_epoch;
        ++rewinds;
        rewinds_past_observed += acquisitions[lock] != last.acquisitions;
        if (pending[t].active && pending[t].lock == lock) {  // dropped: the epoch goes back
          pending[t].active = false;
          epoch_start[t].erase(epoch[t]);
          clock[t][t] = --epoch[t];
          ++dropped_releases;
        }
      }
      last_release[t] = {};
      write_pending(t);
    } else {
      // The release this acquire reads is written first.
      if (released != last_releaser.end() && pending[released->second].active &&
          pending[released->second].lock == lock)
        write_pending(released->second, t);
      sync(t, false, 'l', std::uint64_t(lock));
    }
    take(t, lock, as_shared);
  }
  // Who holds what (the program's side of a lock, written or not).
  void take(int t, int lock, bool as_shared) {
    held[t].insert(lock);
    ++acquisitions[lock];
    if (as_shared) {
      shared[t].insert(lock);
      shared_holders[lock].insert(t);
    } else {
      owner[lock] = t;
    }
  }
  void release(int t, int lock) {
    const bool was_shared = shared[t].count(lock) > 0;
    ++releases[t];
    held[t].erase(lock);
    if (was_shared) {
      shared[t].erase(lock);
      shared_holders[lock].erase(t);
    } else {
      owner.erase(lock);
    }
    if (paused()) {  // the lock's fast path
      ++paused_syncs;
      return;
    }
    const std::uint32_t before = filter_epoch[t];
    sync(t, true, 'l', std::uint64_t(lock), !was_shared);
    if (was_shared) {
      last_releaser.erase(lock);
    } else {
      last_releaser[lock] = t;
      last_release[t] = {lock, epoch[t], before, acquisitions[lock]};
    }
  }
  void access(int t, std::uint64_t address, std::uint64_t size, bool write, bool atomic, int site) {
    if (paused()) return;
    mark_period(t);
    std::ostringstream s;
    const int flags = (write ? 1 : 0) + (atomic ? 2 : 0);
    if (compact_next()) {
      s << std::hex << "M " << t << ' ' << epoch[t] << ' ' << address << ' ' << size << ' ' << flags << ' ' << site;
      for (int l : held[t]) s << ' ' << held_field(t, l);
    } else {
      s << "{\"k\":\"mem\",\"t\":" << t << ",\"e\":" << epoch[t] << ",\"a\":" << address << ",\"z\":" << size
        << ",\"f\":" << flags << ",\"s\":" << site << ",\"h\":" << held_text(t) << "}";
    }
    write_pending(t);
    accesses.push_back({t, epoch[t], address, size, write, atomic, false, held[t], shared[t], clock[t], s.str(),
                        filter_epoch[t], releases[t], period});
    put(t, s.str());
  }
  void allocate(int t, std::uint64_t address, std::uint64_t size) {
    next_epoch(t, ++sequence);
    blocks.push_back({address, size, sequence});
    std::ostringstream s;
    if (compact_next())
      s << std::hex << "A " << t << ' ' << epoch[t] << ' ' << sequence << ' ' << address << ' ' << size << " 0 0";
    else
      s << "{\"k\":\"alloc\",\"t\":" << t << ",\"e\":" << epoch[t] << ",\"q\":" << sequence << ",\"a\":" << address
        << ",\"z\":" << size << ",\"s\":0}";
    emit(t, s.str());
  }
  void free_block(int t, Block& b) {
    mark_period(t);
    ++sequence;
    if (b.freed == kNoEnd) b.freed = sequence;
    std::ostringstream s;
    if (compact_next()) {
      s << std::hex << "F " << t << ' ' << epoch[t] << ' ' << sequence << ' ' << b.address << ' ' << b.size << " 9";
      for (int l : held[t]) s << ' ' << held_field(t, l);
    } else {
      s << "{\"k\":\"free\",\"t\":" << t << ",\"e\":" << epoch[t] << ",\"q\":" << sequence << ",\"a\":" << b.address
        << ",\"z\":" << b.size << ",\"s\":9,\"h\":" << held_text(t) << "}";
    }
    write_pending(t);
    accesses.push_back({t, epoch[t], b.address, b.size, true, false, true, held[t], shared[t], clock[t], s.str(),
                        filter_epoch[t], releases[t], period});
    put(t, s.str());
    next_epoch(t, sequence);
  }
};

// `periods`: the sampling period of each step (else 1 throughout); `sampled`: the trace is written
// as a sampled run writes it. The same rng state gives the same program either way.
// `fences_often`: 4 steps in 10 are fences and atomics on addresses (else 1 in 10), and an address
// is released only by relaxed stores after a release fence.
RandomRun random_run(std::mt19937& rng, bool repeats, const std::vector<std::uint64_t>* periods = nullptr,
                     bool sampled = false, bool fences_often = false) {
  const int threads = 2 + static_cast<int>(rng() % 3);
  RandomRun run(threads);
  run.sampled = sampled;
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const int steps = 20 + pick(60);
  // A third of the runs are disciplined: every access and free under mutex 3, forgotten now and
  // then (so runs without any race, and runs with one, both come up).
  const bool disciplined = pick(3) == 0;
  auto locked = [&](int t, auto&& body) {
    const bool take = disciplined && pick(25) != 0 && !run.owner.count(3);
    if (take) run.acquire(t, 3, false);
    body();
    if (take) run.release(t, 3);
  };
  for (int step = 0; step < steps; ++step) {
    if (periods) run.period = (*periods)[static_cast<std::size_t>(step)];
    int t = 1 + pick(threads);
    int kind = pick(10);
    if (fences_often && kind >= 4 && kind < 7) kind = 1;
    switch (kind) {
      case 0: {  // lock or unlock one of two mutexes or the readers-writer lock (shared or not)
        const int lock = pick(2) == 0 ? kReadersWriterLock : 1 + pick(2);
        const bool as_shared = lock == kReadersWriterLock && pick(4) != 0;
        if (run.held[t].count(lock)) run.release(t, lock);
        else if (run.can_take(lock, as_shared)) run.acquire(t, lock, as_shared);
        break;
      }
      case 1: {  // a release or acquire on an address; or a release fence, or a relaxed store after one
        const std::uint64_t object = kBase + 8 * static_cast<std::uint64_t>(pick(3));
        const int what = pick(6);
        if (what == 0) run.release_fence(t);
        else if (what == 1 || (fences_often && what % 2 == 0)) run.relaxed_store(t, object);
        else run.sync(t, what % 2 == 0, 'a', object);
        break;
      }
      case 2: {  // a heap block starts or ends its life
        std::uint64_t address = kBase + 16 * static_cast<std::uint64_t>(pick(4));
        auto live = std::find_if(run.blocks.begin(), run.blocks.end(),
                                 [&](const Block& b) { return b.address == address && b.freed == kNoEnd; });
        if (live != run.blocks.end()) locked(t, [&] { run.free_block(t, *live); });
        else run.allocate(t, address, 16);
        break;
      }
      default: {  // an access of 1 to 16 bytes, sometimes unaligned, sometimes atomic
        static const std::uint64_t sizes[] = {1, 2, 4, 8, 8, 4, 3, 16};
        std::uint64_t size = sizes[pick(8)];
        std::uint64_t address = kBase + static_cast<std::uint64_t>(pick(static_cast<int>(64 - size)));
        bool atomic = size <= 8 && pick(5) == 0;
        bool write = pick(2) == 0;
        int site = 1 + pick(3);
        int copies = repeats ? 1 + pick(3) : 1;
        // Now and then each copy in a hold of its own of mutex 1 or the readers-writer lock, taken
        // back in a row; another thread may take the readers-writer lock shared in between.
        const int relock = pick(2) == 0 ? 1 : kReadersWriterLock;
        if (repeats && pick(3) == 0 && !run.held[t].count(relock)) {
          for (int c = 0; c < copies; ++c) {
            const bool as_shared = relock == kReadersWriterLock && pick(2) == 0;
            if (!run.can_take(relock, as_shared)) break;
            run.acquire(t, relock, as_shared);
            run.access(t, address, size, write, atomic, site);
            run.release(t, relock);
            const int other = 1 + pick(threads);
            if (relock == kReadersWriterLock && other != t && pick(3) == 0 && !run.held[other].count(relock) &&
                run.can_take(relock, true))
              run.acquire(other, relock, true);
          }
          break;
        }
        locked(t, [&] {
          for (int c = 0; c < copies; ++c) run.access(t, address, size, write, atomic, site);
        });
      }
    }
  }
  return run;
}

std::string trace_text(const RandomRun& run, const std::vector<std::string>& lines) {
  std::string text = "{\"k\":\"header\",\"magic\":\"lockgraph-trace\",\"version\":\"1.6\",\"pid\":1,\"ppid\":0,"
                     "\"mode\":\"summary\",\"exe\":\"random\",\"start_ns\":0}\n";
  text += "{\"k\":\"race_check\",\"by\":\"instrumentation\"}\n";
  for (int t = 1; t <= run.threads; ++t)
    text += "{\"k\":\"thread\",\"t\":" + std::to_string(t) + ",\"parent\":0,\"pseg\":0}\n";
  for (const std::string& line : lines) text += line + "\n";
  return text + "{\"k\":\"end\",\"reason\":\"exit\"}\n";
}

// The granules (address / 8) with at least one race found by the analyzer.
// `accesses_in_memory`: as LoadOptions (a small one spills the accesses to a temporary file).
std::set<std::uint64_t> analyzer_verdict(const std::string& text,
                                         std::size_t accesses_in_memory = LoadOptions{}.accesses_in_memory) {
  TempDir dir;
  TraceModel model = load_traces({dir.write("run.lgtrace", text)}, {accesses_in_memory});
  std::set<std::uint64_t> granules;
  std::set<VariableIndex> racing;
  for (const RaceFinding& r : find_races(model)) {
    // One finding per pair of stacks, naming the other variables they race on.
    std::vector<VariableIndex> variables = r.same_sites;
    variables.push_back(r.variable);
    for (VariableIndex index : variables) {
      racing.insert(index);
      const Variable& v = model.variables[index];
      const std::uint64_t begin = v.id & ~(std::uint64_t{1} << 63);
      for (std::uint64_t byte = begin; byte < begin + std::max<std::uint64_t>(v.size, 1); ++byte) granules.insert(byte >> 3);
    }
  }
  // The memory log keeps a variable only if it races (memory_log.h), with all its accesses.
  EXPECT_EQ(racing.size(), model.variables.size());
  return granules;
}

// The same by the definition: every pair of accesses, every byte they share. With `sampled` (the
// same program's trace as a sampled run writes it), only pairs of one recording period, and each
// access's life is dated as that trace dates it (its epochs are fewer, so their bounds differ).
std::set<std::uint64_t> brute_force_verdict(const RandomRun& full, const RandomRun* sampled = nullptr) {
  const RandomRun& run = sampled ? *sampled : full;
  // Each access of `full` as `run` has it (a sampled run records frees, and accesses only in a period).
  std::vector<const RawAccess*> dated;  // null: not recorded
  std::size_t recorded = 0;
  for (const RawAccess& a : full.accesses) {
    const bool kept = !sampled || a.frees || a.period % 2 == 1;
    dated.push_back(kept && recorded < run.accesses.size() ? &run.accesses[recorded] : nullptr);
    recorded += kept;
    if (kept && recorded <= run.accesses.size()) {
      EXPECT_TRUE(dated.back()->address == a.address && dated.back()->size == a.size && dated.back()->frees == a.frees);
    }
  }
  EXPECT_EQ(recorded, run.accesses.size());
  auto begin_of = [&](const RawAccess& a) {
    auto it = run.epoch_start[a.thread].find(a.epoch);
    return it == run.epoch_start[a.thread].end() ? std::uint64_t{0} : it->second;
  };
  auto end_of = [&](const RawAccess& a) {
    auto it = run.epoch_start[a.thread].upper_bound(a.epoch);
    return it == run.epoch_start[a.thread].end() ? kNoEnd : it->second;
  };
  // A byte's life for an access: from the latest allocation or free covering it before the
  // access's epoch ended: an allocation's life; after a free that came before the epoch began, a
  // life of its own; after a later free, the life that free ended.
  auto life = [&](const RawAccess& a, std::uint64_t byte) -> std::int64_t {
    struct Event {
      std::uint64_t q;
      std::int64_t block;
      bool is_free;
    };
    std::vector<Event> events;
    for (std::size_t b = 0; b < run.blocks.size(); ++b) {
      const Block& block = run.blocks[b];
      if (byte < block.address || byte >= block.address + block.size) continue;
      events.push_back({block.allocated, static_cast<std::int64_t>(b), false});
      if (block.freed != kNoEnd) events.push_back({block.freed, static_cast<std::int64_t>(b), true});
    }
    std::sort(events.begin(), events.end(), [](const Event& x, const Event& y) { return x.q < y.q; });
    for (std::size_t i = events.size(); i-- > 0;) {
      if (events[i].q >= end_of(a)) continue;
      if (!events[i].is_free) return events[i].block;
      if (events[i].q <= begin_of(a)) return 1000 + events[i].block;
    }
    return kNothing;
  };
  std::set<std::uint64_t> granules;
  for (std::size_t i = 0; i < dated.size(); ++i)
    for (std::size_t j = i + 1; j < dated.size(); ++j) {
      const RawAccess& x = full.accesses[i];
      const RawAccess& y = full.accesses[j];
      if (!dated[i] || !dated[j]) continue;
      if (x.thread == y.thread || (!x.write && !y.write) || (x.atomic && y.atomic) || (x.frees && y.frees)) continue;
      if (sampled && (x.period != y.period || x.period % 2 == 0)) continue;
      bool excluded = false;  // a lock held by both, not both shared
      for (int l : x.held) excluded |= y.held.count(l) > 0 && !(x.shared.count(l) && y.shared.count(l));
      if (excluded) continue;
      if (std::int64_t(x.epoch) <= y.clock[x.thread] || std::int64_t(y.epoch) <= x.clock[y.thread]) continue;
      for (std::uint64_t byte = std::max(x.address, y.address);
           byte < std::min(x.address + x.size, y.address + y.size); ++byte)
        if (life(*dated[i], byte) == life(*dated[j], byte)) granules.insert(byte >> 3);
    }
  return granules;
}

TEST(RaceDetector, MatchesTheDefinitionOnRandomRuns) {
  std::mt19937 rng(20261201);
  int with_races = 0, dropped = 0, fenced = 0, skipped = 0;
  for (int round = 0; round < 400; ++round) {
    RandomRun run = random_run(rng, false);
    std::set<std::uint64_t> expected = brute_force_verdict(run);
    with_races += !expected.empty();
    fenced += run.fenced_releases;
    skipped += run.skipped_acquires;
    ASSERT_EQ(run.unrecorded_news, 0) << "round " << round;
    dropped += run.dropped_releases;
    ASSERT_EQ(analyzer_verdict(trace_text(run, run.lines)), expected) << "round " << round << ":\n"
                                                                     << trace_text(run, run.lines);
  }
  // The runs must exercise both verdicts, and releases dropped unwritten.
  EXPECT_GT(with_races, 100);
  EXPECT_LT(with_races, 340);
  EXPECT_GT(dropped, 50);
  EXPECT_GT(fenced, 40);  // relaxed stores after a release fence
  EXPECT_GT(skipped, 30);  // address acquires with no release since the thread's last one
}

bool is_memory_line(const std::string& line) {
  return line.rfind("M ", 0) == 0 || line.find("\"k\":\"mem\"") != std::string::npos;
}

// Fences (C++ [atomics.fences]): a relaxed store after a release fence releases what its thread
// did before the fence, not after; the analyzer's verdicts stay the definition's.
TEST(RaceDetector, FencedReleasesOrderWhatCameBeforeTheFence) {
  std::mt19937 rng(1729);
  int news = 0, with_races = 0;
  for (int round = 0; round < 300; ++round) {
    RandomRun run = random_run(rng, false, nullptr, false, true);
    news += run.fenced_news;
    std::set<std::uint64_t> expected = brute_force_verdict(run);
    with_races += !expected.empty();
    ASSERT_EQ(analyzer_verdict(trace_text(run, run.lines)), expected) << "round " << round << ":\n"
                                                                     << trace_text(run, run.lines);
  }
  EXPECT_GT(news, 150);
  EXPECT_GT(with_races, 50);
}

// Past its budget the memory log spills its accesses, sorted by address, to a temporary file in
// runs and merges them back (sorted_spill.h): the verdicts stay the definition's.
TEST(RaceDetector, SpilledAccessesGiveTheDefinitionsVerdicts) {
  std::mt19937 rng(31);
  int spilled_into_many_runs = 0;
  for (int round = 0; round < 200; ++round) {
    RandomRun run = random_run(rng, false);
    const std::size_t budget = 1 + rng() % 6;
    const std::string text = trace_text(run, run.lines);
    ASSERT_EQ(analyzer_verdict(text, budget), brute_force_verdict(run)) << "round " << round << ", budget "
                                                                        << budget << ":\n" << text;
    spilled_into_many_runs +=
        std::count_if(run.lines.begin(), run.lines.end(), is_memory_line) > static_cast<long>(4 * budget);
  }
  EXPECT_GT(spilled_into_many_runs, 150);
}

// The runtime writes each thread's records into its own buffer, and a release another thread
// acquired into that thread's (claim_pending_release): the buffers reach the file in any order, so
// a thread's accesses may come before or long after the release that began their epoch. Lines
// taken a few at a time from the buffers in random order give the definition's verdicts.
std::vector<std::string> flushed_in_any_order(const RandomRun& run, std::mt19937& rng) {
  std::map<int, std::deque<const std::string*>> buffers;
  for (std::size_t i = 0; i < run.lines.size(); ++i) buffers[run.writers[i]].push_back(&run.lines[i]);
  std::vector<std::string> lines;
  while (!buffers.empty()) {
    auto buffer = std::next(buffers.begin(), static_cast<long>(rng() % buffers.size()));
    for (std::size_t n = 1 + rng() % 12; n > 0 && !buffer->second.empty(); --n) {
      lines.push_back(*buffer->second.front());
      buffer->second.pop_front();
    }
    if (buffer->second.empty()) buffers.erase(buffer);
  }
  return lines;
}

TEST(RaceDetector, BuffersWrittenInAnyOrderGiveTheDefinitionsVerdicts) {
  std::mt19937 rng(4096);
  int claimed_elsewhere = 0, with_races = 0;
  for (int round = 0; round < 300; ++round) {
    RandomRun run = random_run(rng, round % 2 == 0);
    ASSERT_EQ(run.writers.size(), run.lines.size());
    for (std::size_t i = 0; i < run.lines.size(); ++i)
      claimed_elsewhere += run.lines[i].find("\"op\":\"r\"") != std::string::npos &&
                           run.lines[i].find("\"t\":" + std::to_string(run.writers[i]) + ",") == std::string::npos;
    const std::set<std::uint64_t> expected = brute_force_verdict(run);
    with_races += !expected.empty();
    const std::string text = trace_text(run, flushed_in_any_order(run, rng));
    ASSERT_EQ(analyzer_verdict(text, round % 3 == 0 ? 1 + rng() % 6 : LoadOptions{}.accesses_in_memory), expected)
        << "round " << round << ":\n" << text;
  }
  EXPECT_GT(claimed_elsewhere, 30);  // releases written into their acquirer's buffer
  EXPECT_GT(with_races, 60);
}

// What the entry points' filter drops changes no verdict: a thread's access of bytes it accessed
// the same way (or wrote) in an epoch its filter still keeps: the current one, one before
// acquires only, or one before a release of a lock it took back before any other thread took it
// (lock_path.h, filter_keeps).
TEST(RaceDetector, TheFirstAccessPerEpochDecidesAsMuchAsAllOfThem) {
  std::mt19937 rng(7);
  int dropped_across_a_release = 0, dropped_across_an_acquire = 0, rewinds = 0;
  for (int round = 0; round < 1000; ++round) {
    RandomRun run = random_run(rng, true);
    rewinds += run.rewinds;
    ASSERT_EQ(run.rewinds_past_observed, 0) << "round " << round;
    std::vector<const RawAccess*> recorded;
    std::vector<std::string> kept;
    std::size_t next_access = 0;
    for (const std::string& line : run.lines) {
      if (!is_memory_line(line)) {
        kept.push_back(line);
        continue;
      }
      while (run.accesses[next_access].frees) ++next_access;  // free records are no memory lines
      const RawAccess& x = run.accesses[next_access++];
      ASSERT_EQ(x.line, line);
      auto earlier = std::find_if(recorded.begin(), recorded.end(), [&](const RawAccess* y) {
        return y->thread == x.thread && y->address == x.address && y->size == x.size && y->atomic == x.atomic &&
               (y->write || !x.write) && y->epoch >= x.filter_epoch;
      });
      if (earlier != recorded.end()) {
        dropped_across_a_release += (*earlier)->releases < x.releases;
        dropped_across_an_acquire += (*earlier)->releases == x.releases && (*earlier)->epoch < x.epoch;
        continue;
      }
      recorded.push_back(&x);
      kept.push_back(line);
    }
    ASSERT_EQ(analyzer_verdict(trace_text(run, kept)), analyzer_verdict(trace_text(run, run.lines)))
        << "round " << round;
  }
  // The runs took locks back often enough that the rewind let the filter drop accesses.
  EXPECT_GT(rewinds, 50);
  EXPECT_GT(dropped_across_a_release, 20);
  EXPECT_GT(dropped_across_an_acquire, 20);
}

// Sampling by sites (race_sample=sites) leaves memory accesses out, never synchronisation or heap
// lives: the races of a sampled trace are always among those of the full trace, never one more.
TEST(RaceDetector, LeavingAccessesOutOnlyLeavesRacesOut) {
  std::mt19937 rng(99);
  int fewer = 0;
  for (int round = 0; round < 300; ++round) {
    RandomRun run = random_run(rng, false);
    std::vector<std::string> sampled;
    for (const std::string& line : run.lines)
      if (!is_memory_line(line) || rng() % 2 == 0) sampled.push_back(line);
    std::set<std::uint64_t> full = analyzer_verdict(trace_text(run, run.lines));
    std::set<std::uint64_t> part = analyzer_verdict(trace_text(run, sampled));
    ASSERT_TRUE(std::includes(full.begin(), full.end(), part.begin(), part.end())) << "round " << round;
    fewer += part.size() < full.size();
  }
  EXPECT_GT(fewer, 10);  // the sampling did leave races out, so the test saw both kinds
}

// race_sample=periods leaves out, in its pauses, accesses and synchronisation alike (heap lives and
// frees stay), and each thread marks the period of its accesses as it changes: the sampled
// trace's races are exactly the full run's races between two accesses of one recording period
// (race_sampler.cpp in the runtime says why), lives dated as the sampled trace dates them.
TEST(RaceDetector, SampledPeriodsFindThePeriodsRaces) {
  std::mt19937 rng(20261202), schedule(5);
  int fewer = 0, with_races = 0, markers = 0, paused_syncs = 0;
  for (int round = 0; round < 400; ++round) {
    // Periods and pauses of 2 to 13 steps, numbered as the runtime numbers them: 1, 2, 3, ...
    std::vector<std::uint64_t> periods;
    for (std::uint64_t period = 1; periods.size() < 80; ++period)
      periods.insert(periods.end(), 2 + schedule() % 12, period);
    std::mt19937 same = rng;
    RandomRun full = random_run(same, false, &periods, false);
    RandomRun sampled = random_run(rng, false, &periods, true);
    ASSERT_EQ(full.accesses.size() >= sampled.accesses.size(), true);
    markers += sampled.markers;
    paused_syncs += sampled.paused_syncs;
    const std::set<std::uint64_t> expected = brute_force_verdict(full, &sampled);
    with_races += !expected.empty();
    ASSERT_EQ(analyzer_verdict(trace_text(sampled, sampled.lines)), expected) << "round " << round << ":\n"
                                                                            << trace_text(sampled, sampled.lines);
    fewer += expected.size() < analyzer_verdict(trace_text(full, full.lines)).size();
  }
  // Both verdicts came up, the pauses left out synchronisation, and left races out.
  EXPECT_GT(with_races, 80);
  EXPECT_GT(markers, 1000);
  EXPECT_GT(paused_syncs, 1000);
  EXPECT_GT(fewer, 50);
}

// What a race report says about why the earlier access is not ordered before the later one
// (race_detector.h: the last event of the earlier thread the later one had learned of, the earlier
// thread's next release and whether the later thread acquired it afterwards) matches the model:
// the simulated vector clock at the later access, and the runs' sync events in program order.
TEST(RaceDetector, SaysWhyTheEarlierAccessIsNotOrderedBefore) {
  std::mt19937 rng(23);
  int with_seen = 0, with_next = 0, acquired_later = 0, races = 0;
  for (int round = 0; round < 300; ++round) {
    RandomRun run = random_run(rng, false);
    TempDir dir;
    // Every other round with the syncs on file, in runs of a few.
    TraceModel model = load_traces({dir.write("run.lgtrace", trace_text(run, run.lines))},
                                   {round % 2 == 1 ? std::size_t{1} + round % 5 : LoadOptions{}.accesses_in_memory});
    for (const RaceFinding& race : find_races(model)) {
      ++races;
      const Access& earlier = model.accesses[race.first];
      const Access& later = model.accesses[race.second];
      const int a = static_cast<int>(model.threads[earlier.thread].tid);
      const int b = static_cast<int>(model.threads[later.thread].tid);
      auto raw = std::find_if(run.accesses.begin(), run.accesses.end(), [&](const RawAccess& r) {
        return r.thread == b && r.epoch == later.epoch;
      });
      ASSERT_NE(raw, run.accesses.end());
      const std::int64_t known = raw->clock[a];  // the last epoch of a's that b knows
      if (known == kNothing) {
        EXPECT_FALSE(race.last_seen_sync) << "round " << round;
      } else {
        ASSERT_TRUE(race.last_seen_sync) << "round " << round;
        const SyncEvent& seen = *race.last_seen_sync;
        EXPECT_EQ(static_cast<int>(model.threads[seen.thread].tid), a);
        // A release, or a release fence whose epoch a relaxed store after it published.
        EXPECT_TRUE(seen.release || (seen.object >> 56) == trace::sync_object::kFence);
        EXPECT_EQ(seen.epoch, known + 1) << "round " << round;
        ++with_seen;
      }
      auto next = std::find_if(run.syncs.begin(), run.syncs.end(), [&](const RandomRun::RawSync& e) {
        return e.thread == a && e.release && !e.fenced && e.epoch > earlier.epoch;
      });
      if (next == run.syncs.end()) {
        EXPECT_FALSE(race.next_release) << "round " << round;
        continue;
      }
      ASSERT_TRUE(race.next_release) << "round " << round;
      EXPECT_EQ(race.next_release->sequence, next->sequence) << "round " << round;
      const bool later_acquire = std::any_of(run.syncs.begin(), run.syncs.end(), [&](const RandomRun::RawSync& e) {
        return e.thread == b && !e.release && e.key == next->key && e.sequence > next->sequence;
      });
      EXPECT_EQ(race.next_release_acquired_later, later_acquire) << "round " << round;
      ++with_next;
      acquired_later += later_acquire;
    }
  }
  // The random runs reach every form of the sentence.
  EXPECT_GT(with_seen, 10);
  EXPECT_GT(with_next, 10);
  EXPECT_GT(acquired_later, 5);
  EXPECT_LT(with_seen, races);
}

}  // namespace
}  // namespace lockgraph::analysis
