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
//    Programs built with the race flags have this search made while their memory log is resolved,
//    one piece of memory at a time (memory_log.h): only the variables with a race are kept.
// 3. Races are reported once per pair of stacks (on the first variable, naming the others they
//    race on), with the lock most of the variable's accesses held (the lock that could have
//    protected it, Eraser's lockset evidence), and the events that say why the earlier access
//    does not precede the later one.
#include "lockgraph/analysis/race_detector.h"

#include "race_search.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <tuple>

namespace lockgraph::analysis {
namespace {

// Fills each race's `last_seen_sync`, `next_release` and `next_release_acquired_later`, in
// passes over the syncs (held on file, not in memory: sync_log.h), however many races there are.
void explain_unordered(const TraceModel& model, const RaceSearch& clocks, std::vector<RaceFinding>& races) {
  // What each race looks for among the earlier thread's syncs (fenced releases name an earlier
  // epoch, and begin none): the event that began epoch `seen`, the first release at or after
  // `after` (the earliest epoch, then the earliest in sequence).
  struct Wanted {
    std::uint32_t seen;  // 0: none
    std::uint32_t after;
  };
  std::vector<Wanted> wanted(races.size());
  std::map<ThreadIndex, std::vector<std::size_t>> by_earlier_thread;
  for (std::size_t r = 0; r < races.size(); ++r) {
    const Access& earlier = model.accesses[races[r].first];
    const Access& later = model.accesses[races[r].second];
    wanted[r] = {clocks.covers(later, earlier.thread), earlier.epoch + 1};
    by_earlier_thread[earlier.thread].push_back(r);
  }
  {
    SyncLog::Reader syncs = model.syncs.in_sequence_order();
    for (SyncEvent e; syncs.next(e);) {
      if (e.fenced) continue;
      auto it = by_earlier_thread.find(e.thread);
      if (it == by_earlier_thread.end()) continue;
      for (const std::size_t r : it->second) {
        RaceFinding& race = races[r];
        if (wanted[r].seen > 0 && e.epoch == wanted[r].seen && !race.last_seen_sync) race.last_seen_sync = e;
        if (e.release && e.epoch >= wanted[r].after && (!race.next_release || e.epoch < race.next_release->epoch))
          race.next_release = e;
      }
    }
  }
  // Whether the later thread acquired the release's object after it.
  std::map<std::pair<ThreadIndex, std::uint64_t>, std::vector<std::size_t>> by_acquire;
  for (std::size_t r = 0; r < races.size(); ++r)
    if (races[r].next_release)
      by_acquire[{model.accesses[races[r].second].thread, races[r].next_release->object}].push_back(r);
  if (by_acquire.empty()) return;
  SyncLog::Reader syncs = model.syncs.in_sequence_order();
  for (SyncEvent e; syncs.next(e);) {
    if (e.release) continue;
    auto it = by_acquire.find({e.thread, e.object});
    if (it == by_acquire.end()) continue;
    for (const std::size_t r : it->second)
      races[r].next_release_acquired_later |= e.sequence > races[r].next_release->sequence;
  }
}

// Lockset entries by lock, whether held shared or not.
bool by_lock(LockIndex x, LockIndex y) { return LockSets::lock_of(x) < LockSets::lock_of(y); }

auto group_key(const Access& a) { return std::make_tuple(a.thread, a.write, a.bytes, a.atomic, a.held, a.stack); }

}  // namespace

RaceSearch::RaceSearch(const TraceModel& model, const std::vector<std::uint32_t>& epochs_reached)
    : model_(model), order_(HappensBefore::from_syncs(model, epochs_reached)), sorted_sets_(model.locksets.size()) {
  for (LockSetIndex s = 0; s < sorted_sets_.size(); ++s) {
    sorted_sets_[s] = model.locksets[s];
    std::sort(sorted_sets_[s].begin(), sorted_sets_[s].end(), by_lock);
  }
  periods_.resize(model.threads.size());
  for (ThreadIndex t = 0; t < model.threads.size(); ++t) {
    periods_[t] = model.threads[t].race_periods;
    std::sort(periods_[t].begin(), periods_[t].end());
    sampled_by_periods_ |= !periods_[t].empty();
  }
}

std::uint64_t RaceSearch::period_of(ThreadIndex t, std::uint32_t epoch) const {
  const auto& starts = periods_[t];
  auto after = std::upper_bound(starts.begin(), starts.end(), epoch,
                                [](std::uint32_t e, const auto& start) { return e < start.first; });
  return after == starts.begin() ? kFirstPeriod : std::prev(after)->second;
}

std::pair<std::uint32_t, std::uint32_t> RaceSearch::epochs_in(ThreadIndex t, std::uint64_t period) const {
  const auto& starts = periods_[t];
  constexpr std::uint32_t kLastEpoch = ~std::uint32_t{0};
  if (period == kFirstPeriod) return {0, starts.empty() ? kLastEpoch : starts.front().first};
  auto it = std::lower_bound(starts.begin(), starts.end(), period,
                             [](const auto& start, std::uint64_t p) { return start.second < p; });
  if (it == starts.end() || it->second != period) return {0, 0};
  return {it->first, std::next(it) == starts.end() ? kLastEpoch : std::next(it)->first};
}

bool RaceSearch::exclusive(LockSetIndex x, LockSetIndex y) const {
  for (LockIndex l : sorted_sets_[x]) {
    auto found = std::lower_bound(sorted_sets_[y].begin(), sorted_sets_[y].end(), l, by_lock);
    if (found != sorted_sets_[y].end() && LockSets::lock_of(*found) == LockSets::lock_of(l) &&
        !(LockSets::is_shared(*found) && LockSets::is_shared(l)))
      return true;
  }
  return false;
}

bool RaceSearch::group_before(const Access& a, const Access& b) { return group_key(a) < group_key(b); }
bool RaceSearch::same_group(const Access& a, const Access& b) { return group_key(a) == group_key(b); }

void RaceSearch::sort(const std::vector<Access>& accesses, std::vector<std::size_t>& order) {
  order.resize(accesses.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    const Access& a = accesses[x];
    const Access& b = accesses[y];
    return std::tuple_cat(std::make_tuple(a.variable), group_key(a), std::make_tuple(a.epoch, x)) <
           std::tuple_cat(std::make_tuple(b.variable), group_key(b), std::make_tuple(b.epoch, y));
  });
}

std::size_t RaceSearch::search(const std::vector<Group>& groups, std::vector<RaceFinding>& races) const {
  std::set<std::pair<StackIndex, StackIndex>> reported_sites;
  const std::size_t races_before = races.size();
  for (std::size_t g1 = 0; g1 < groups.size(); ++g1) {
    for (std::size_t g2 = g1 + 1; g2 < groups.size(); ++g2) {
      const Access& first = groups[g1].key;
      const Access& second = groups[g2].key;
      if (first.thread == second.thread || (!first.write && !second.write)) continue;
      if ((first.bytes & second.bytes) == 0 || (first.atomic && second.atomic)) continue;
      if (exclusive(first.held, second.held)) continue;
      auto sites = std::minmax(first.stack, second.stack);
      if (reported_sites.count(sites)) continue;
      if (model_.threads[first.thread].process != model_.threads[second.thread].process) continue;
      const std::uint32_t* a_epochs = groups[g1].epochs;
      const std::uint32_t* a_end = a_epochs + groups[g1].size;
      for (std::size_t b_at = 0; b_at < groups[g2].size; ++b_at) {
        const std::uint32_t b_epoch = groups[g2].epochs[b_at];
        // The first access of the first group that b's clock does not cover (in b's period).
        std::uint32_t from = order_.covers({second.thread, b_epoch}, first.thread), to = ~std::uint32_t{0};
        if (sampled_by_periods_) {
          const std::uint64_t period = period_of(second.thread, b_epoch);
          if (period % 2 == 0) continue;  // a pause's free: nothing it is paired with was recorded
          const auto [first_epoch, end_epoch] = epochs_in(first.thread, period);
          from = std::max(from, first_epoch);
          to = end_epoch;
        }
        const std::uint32_t* a = std::lower_bound(a_epochs, a_end, from);
        if (a == a_end || *a >= to) continue;
        if (order_.ordered({second.thread, b_epoch}, {first.thread, *a})) continue;
        reported_sites.insert(sites);
        RaceFinding& race = races.emplace_back();
        race.first = groups[g1].first + static_cast<std::size_t>(a - a_epochs);
        race.second = groups[g2].first + b_at;
        break;
      }
    }
  }
  const std::size_t found = races.size() - races_before;
  if (found == 0) return 0;
  // Lockset evidence: the lock most of the variable's accesses held.
  std::map<LockIndex, std::size_t> held_at;
  std::size_t accesses = 0;
  for (const Group& g : groups) {
    accesses += g.size;
    for (LockIndex l : model_.locksets[g.key.held]) held_at[LockSets::lock_of(l)] += g.size;
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
  return found;
}

std::vector<RaceFinding> find_races(const TraceModel& model) {
  std::vector<RaceFinding> races;
  if (model.accesses.empty()) return races;
  const RaceSearch search(model);
  std::vector<std::size_t> order;
  RaceSearch::sort(model.accesses, order);
  std::vector<std::uint32_t> epochs(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) epochs[i] = model.accesses[order[i]].epoch;
  std::vector<RaceSearch::Group> groups;
  for (std::size_t next = 0; next < order.size();) {
    // One variable's groups, numbered by their place in `order`.
    const VariableIndex v = model.accesses[order[next]].variable;
    groups.clear();
    for (; next < order.size() && model.accesses[order[next]].variable == v;) {
      const Access& key = model.accesses[order[next]];
      std::size_t end = next + 1;
      while (end < order.size() && model.accesses[order[end]].variable == v &&
             RaceSearch::same_group(model.accesses[order[end]], key))
        ++end;
      groups.push_back({key, epochs.data() + next, end - next, next});
      next = end;
    }
    const std::size_t found = races.size();
    search.search(groups, races);
    for (std::size_t r = found; r < races.size(); ++r) {
      const auto [first, second] = std::minmax(order[races[r].first], order[races[r].second]);
      races[r].variable = v;
      races[r].first = first;
      races[r].second = second;
    }
  }
  if (races.empty()) return races;
  // One finding per pair of sites: the first variable's, naming the others.
  std::map<std::tuple<std::uint32_t, StackIndex, StackIndex>, std::size_t> by_sites;
  std::vector<RaceFinding> kept;
  for (RaceFinding& race : races) {
    const Access& a = model.accesses[race.first];
    const Access& b = model.accesses[race.second];
    const auto [low, high] = std::minmax(a.stack, b.stack);
    auto [it, inserted] = by_sites.try_emplace({model.threads[a.thread].process, low, high}, kept.size());
    if (inserted) kept.push_back(race);
    else kept[it->second].same_sites.push_back(race.variable);
  }
  races = std::move(kept);
  explain_unordered(model, search, races);
  return races;
}

}  // namespace lockgraph::analysis
