// Race detection over the recorded accesses.
//
// 1. Happens-before from the analyzer's one engine (happens_before.h): sync events in their global
//    sequence order; a release flows into its object, an acquire reads all earlier releases of
//    it (TSan's model, accumulating for every object kind).
// 2. Per variable, each pair of accesses from different threads with at least one write, sharing a
//    byte and not both atomic, is a race if no lock keeps one out while the other holds it (held by
//    both, not both shared) and neither access's epoch clock covers the other. Accesses are
//    grouped by (thread, read/write, bytes, atomic, held locks, stack) and sorted by epoch (one
//    sort of all accesses): within a group the clocks grow with the epoch, so for each access b
//    of one group only the first access a of the other group that b's clock does not cover needs
//    checking (a binary search), not every pair.
// 3. Races are reported once per variable and pair of stacks, with the lock most of the
//    variable's accesses held (the lock that could have protected it, Eraser's lockset evidence),
//    and the events that say why the earlier access does not precede the later one.
#include "lockgraph/analysis/race_detector.h"

#include "lockgraph/analysis/happens_before.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace lockgraph::analysis {
namespace {

// Happens-before between accesses, from the one engine (sync epochs as points).
class AccessOrder {
 public:
  explicit AccessOrder(const TraceModel& model)
      : model_(model), order_(HappensBefore::from_syncs(model)) {}

  // How far access b's clock covers thread t: accesses of t at epochs below this precede b.
  // Epoch e of t begins with t's sync event of epoch e, so when this is e > 0 that event is the
  // last of t's that b's thread had learned of.
  std::uint32_t covers(const Access& b, ThreadIndex t) const {
    return order_.covers({b.thread, b.epoch}, t);
  }

  // True if access a happens before access b (accesses of different processes never race).
  bool ordered(const Access& a, const Access& b) const {
    if (model_.threads[a.thread].process != model_.threads[b.thread].process) return true;
    return order_.ordered({a.thread, a.epoch}, {b.thread, b.epoch});
  }

 private:
  const TraceModel& model_;
  HappensBefore order_;
};

// The events a race's explanation names, indexed once for all races.
struct SyncIndex {
  // Per thread, its sync events (indexes into model.syncs) in epoch order.
  std::vector<std::vector<std::size_t>> of_thread;
  // Per (thread, object): the sequence number of the thread's last acquire of it.
  std::map<std::pair<ThreadIndex, std::uint64_t>, std::uint64_t> last_acquire;

  explicit SyncIndex(const TraceModel& model) : of_thread(model.threads.size()) {
    for (std::size_t s = 0; s < model.syncs.size(); ++s) {
      const SyncEvent& e = model.syncs[s];
      of_thread[e.thread].push_back(s);
      if (!e.release) {
        std::uint64_t& last = last_acquire[{e.thread, e.object}];
        last = std::max(last, e.sequence);
      }
    }
    for (auto& list : of_thread)
      std::stable_sort(list.begin(), list.end(),
                       [&](std::size_t x, std::size_t y) { return model.syncs[x].epoch < model.syncs[y].epoch; });
  }
};

// Fills the race's `last_seen_sync`, `next_release` and `next_release_acquired_later`.
void explain_unordered(const TraceModel& model, const AccessOrder& clocks, const SyncIndex& syncs,
                       RaceFinding& race) {
  const Access& earlier = model.accesses[race.first];
  const Access& later = model.accesses[race.second];
  const std::vector<std::size_t>& own = syncs.of_thread[earlier.thread];
  auto at_epoch = [&](std::uint32_t epoch) {
    return std::lower_bound(own.begin(), own.end(), epoch,
                            [&](std::size_t s, std::uint32_t e) { return model.syncs[s].epoch < e; });
  };
  if (std::uint32_t seen = clocks.covers(later, earlier.thread); seen > 0) {
    auto it = at_epoch(seen);
    if (it != own.end() && model.syncs[*it].epoch == seen) race.last_seen_sync = static_cast<std::int64_t>(*it);
  }
  for (auto it = at_epoch(earlier.epoch + 1); it != own.end(); ++it) {
    if (!model.syncs[*it].release) continue;
    race.next_release = static_cast<std::int64_t>(*it);
    const SyncEvent& release = model.syncs[*it];
    auto last = syncs.last_acquire.find({later.thread, release.object});
    race.next_release_acquired_later = last != syncs.last_acquire.end() && last->second > release.sequence;
    break;
  }
}

}  // namespace

std::vector<RaceFinding> find_races(const TraceModel& model) {
  std::vector<RaceFinding> races;
  if (model.accesses.empty()) return races;
  AccessOrder clocks(model);

  // Groups: accesses of one thread, kind, lockset and stack, in epoch order: one sort of the
  // access indexes by variable and group, each group a stretch of it, made one variable at a time.
  std::vector<std::size_t> order(model.accesses.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto group_of = [&](std::size_t i) {
    const Access& a = model.accesses[i];
    return std::make_tuple(a.variable, a.thread, a.write, a.bytes, a.atomic, a.held, a.stack);
  };
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return std::tuple_cat(group_of(x), std::make_tuple(model.accesses[x].epoch, x)) <
           std::tuple_cat(group_of(y), std::make_tuple(model.accesses[y].epoch, y));
  });
  struct Group {
    ThreadIndex thread;
    bool write;
    std::uint8_t bytes;
    bool atomic;
    LockSetIndex held;
    StackIndex stack;
    const std::size_t* begin;  // its accesses (indexes into model.accesses), in epoch order
    const std::size_t* end;
    std::size_t size() const { return static_cast<std::size_t>(end - begin); }
  };
  // Each lockset sorted once by lock, for the exclusion test.
  auto by_lock = [](LockIndex x, LockIndex y) { return LockSets::lock_of(x) < LockSets::lock_of(y); };
  std::vector<std::vector<LockIndex>> sorted_sets(model.locksets.size());
  for (LockSetIndex s = 0; s < sorted_sets.size(); ++s) {
    sorted_sets[s] = model.locksets[s];
    std::sort(sorted_sets[s].begin(), sorted_sets[s].end(), by_lock);
  }
  // Whether the two holds exclude each other: a lock both hold, not both shared.
  auto exclusive = [&](LockSetIndex x, LockSetIndex y) {
    for (LockIndex l : sorted_sets[x]) {
      auto found = std::lower_bound(sorted_sets[y].begin(), sorted_sets[y].end(), l, by_lock);
      if (found != sorted_sets[y].end() && LockSets::lock_of(*found) == LockSets::lock_of(l) &&
          !(LockSets::is_shared(*found) && LockSets::is_shared(l)))
        return true;
    }
    return false;
  };
  std::vector<Group> variable_groups;  // one variable's at a time
  for (std::size_t next = 0; next < order.size();) {
    const VariableIndex v = model.accesses[order[next]].variable;
    variable_groups.clear();
    while (next < order.size() && model.accesses[order[next]].variable == v) {
      const Access& a = model.accesses[order[next]];
      std::size_t end = next + 1;
      while (end < order.size() && group_of(order[end]) == group_of(order[next])) ++end;
      variable_groups.push_back({a.thread, a.write, a.bytes, a.atomic, a.held, a.stack, order.data() + next,
                                 order.data() + end});
      next = end;
    }
    const std::size_t group_count = variable_groups.size();
    std::set<std::pair<StackIndex, StackIndex>> reported_sites;
    const std::size_t races_before = races.size();
    for (std::size_t g1 = 0; g1 < group_count; ++g1) {
      for (std::size_t g2 = g1 + 1; g2 < group_count; ++g2) {
        const Group& first = variable_groups[g1];
        const Group& second = variable_groups[g2];
        if (first.thread == second.thread || (!first.write && !second.write)) continue;
        if ((first.bytes & second.bytes) == 0 || (first.atomic && second.atomic)) continue;
        if (exclusive(first.held, second.held)) continue;
        auto sites = std::minmax(first.stack, second.stack);
        if (reported_sites.count(sites)) continue;
        for (const std::size_t* b_at = second.begin; b_at != second.end; ++b_at) {
          const std::size_t b_index = *b_at;
          const Access& b = model.accesses[b_index];
          if (model.threads[b.thread].process != model.threads[first.thread].process) break;
          // The first access of `first` that b's clock does not cover.
          std::uint32_t covered = clocks.covers(b, first.thread);
          auto it = std::lower_bound(first.begin, first.end, covered,
                                     [&](std::size_t a_index, std::uint32_t bound) {
                                       return model.accesses[a_index].epoch + 1 <= bound;
                                     });
          if (it == first.end) continue;
          const Access& a = model.accesses[*it];
          if (clocks.ordered(b, a)) continue;
          reported_sites.insert(sites);
          races.push_back({v, std::min(*it, b_index), std::max(*it, b_index)});
          break;
        }
      }
    }
    if (races.size() == races_before) continue;
    std::map<LockIndex, std::size_t> held_at;
    std::size_t accesses = 0;
    for (std::size_t g = 0; g < group_count; ++g) {
      accesses += variable_groups[g].size();
      for (LockIndex l : model.locksets[variable_groups[g].held])
        held_at[LockSets::lock_of(l)] += variable_groups[g].size();
    }
    auto guard = std::max_element(held_at.begin(), held_at.end(),
                                  [](const auto& x, const auto& y) { return x.second < y.second; });
    for (std::size_t r = races_before; r < races.size(); ++r) {
      races[r].accesses = accesses;
      if (guard == held_at.end()) continue;
      races[r].has_guard = true;
      races[r].guard = guard->first;
      races[r].guarded_accesses = guard->second;
    }
  }
  if (races.empty()) return races;
  const SyncIndex syncs(model);
  for (RaceFinding& race : races) explain_unordered(model, clocks, syncs, race);
  return races;
}

}  // namespace lockgraph::analysis
