#include "memory_log.h"

#include "lockgraph/analysis/trace_error.h"
#include "epoch_bounds.h"
#include "near_numbers.h"
#include "race_search.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <queue>
#include <tuple>

namespace lockgraph::analysis {
namespace {

constexpr std::uint64_t kNoEnd = std::numeric_limits<std::uint64_t>::max();
// An access's life at a piece: the order of the allocation that began it, or of the free before
// it with this bit (the life after that free), or none.
constexpr std::uint64_t kAfterFree = std::uint64_t{1} << 63;
constexpr std::uint64_t kNoLife = std::numeric_limits<std::uint64_t>::max();
constexpr std::pair<std::uint64_t, std::uint64_t> kUnknownBounds{kNoEnd, kNoEnd};
// More pieces of shared memory than any real run of this machine could analyze: a trace claiming
// them is refused, not analyzed for ever.
constexpr std::uint64_t kMaxSegments = std::uint64_t{1} << 27;

// Intervals [begin, end) met in address order: which of them hold the address the sweep is at.
// `source(item)` gives the next interval, in the order they begin (false when none is left);
// `bounds(item)` its {begin, end} (an empty one is never held).
template <class Item, class Source, class Bounds>
class IntervalSweep {
 public:
  IntervalSweep(Source source, Bounds bounds) : source_(std::move(source)), bounds_(bounds) { pull(); }
  // The first address past the current one where an interval begins or ends (kNoEnd if none).
  std::uint64_t next_boundary() const {
    const std::uint64_t next = has_next_ ? bounds_(next_).first : kNoEnd;
    return ends_.empty() ? next : std::min(next, ends_.top());
  }
  // Moves to `at` (never back): held() is then the intervals holding it, in the order they began.
  void move_to(std::uint64_t at) {
    bool ended = false;
    for (; !ends_.empty() && ends_.top() <= at; ends_.pop()) ended = true;
    if (ended) {
      held_.erase(std::remove_if(held_.begin(), held_.end(), [&](const Item& i) { return bounds_(i).second <= at; }),
                  held_.end());
      ++changes_;
    }
    for (; has_next_ && bounds_(next_).first <= at; pull()) {
      const std::uint64_t end = bounds_(next_).second;
      if (end <= at) continue;
      held_.push_back(std::move(next_));
      ends_.push(end);
      ++changes_;
    }
  }
  const std::vector<Item>& held() const { return held_; }
  // The held intervals, to note what was derived from them (their bounds must not change).
  std::vector<Item>& held() { return held_; }
  // Changes whenever held() does: what was derived from it stays valid while this does not.
  std::uint64_t changes() const { return changes_; }

 private:
  void pull() { has_next_ = source_(next_); }
  Source source_;
  Bounds bounds_;
  Item next_{};
  bool has_next_ = false;
  std::priority_queue<std::uint64_t, std::vector<std::uint64_t>, std::greater<std::uint64_t>> ends_;
  std::vector<Item> held_;
  std::uint64_t changes_ = 0;
};

// The log's ranges of one extent and one kind (thread, read/write, atomic, free, stack, held
// locks), as the sweep holds them: their epochs and places in the log, not each range whole.
struct RangeGroup {
  MemoryLog::Range key;               // the first range (its epoch and order are the first's)
  std::vector<std::uint32_t> epochs;  // ascending
  // Each range's place in the log, as `epochs` (a thread's ranges are written in the order it
  // made them: near each other).
  NearNumbers orders;
  // Each range's epoch's bounds: the global sequence numbers of its start and of the next's.
  // Found only where a life is asked for (kUnknownBounds until then; none on memory only one
  // thread touched, where most ranges are, and few where a galloping search finds the lives).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> bounds;
  // Each range's life at the pieces the sweep is at, in runs: ranges [start, next run's start)
  // have `life` (kNoLife if none), of the allocation `allocation` in the covering blocks (or
  // none). Valid while the covering blocks are those of `lives_of`.
  struct LifeRun {
    std::size_t start;
    std::uint64_t life;
    std::uint32_t allocation;
  };
  std::vector<LifeRun> lives;
  std::uint64_t lives_of = kNoEnd;
};

// The first index in [first, last) at which `holds` is true (last if none), for a predicate false
// before some index and true from it on. The search gallops out from `guess`: a few steps when the
// answer is near it.
template <class Holds>
std::size_t first_true_near(std::size_t first, std::size_t last, std::size_t guess, const Holds& holds) {
  guess = std::clamp(guess, first, last);
  std::size_t low = first, high = last;  // the answer is in [low, high]
  if (guess < last && !holds(guess)) {
    low = guess + 1;
    for (std::size_t step = 1; step < last - guess; step *= 2) {
      if (holds(guess + step)) {
        high = guess + step;
        break;
      }
      low = guess + step + 1;
    }
  } else {
    high = guess;
    for (std::size_t step = 1; step <= guess - first; step *= 2) {
      if (!holds(guess - step)) {
        low = guess - step + 1;
        break;
      }
      high = guess - step;
    }
  }
  while (low < high) {
    const std::size_t middle = low + (high - low) / 2;
    if (holds(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

// Fills `g.lives` with the runs of its ranges' lives, `life_at(i)` giving {life, allocation} of
// range i. `forward`: the event a life is chosen from only moves forward with the ranges' epochs
// (their bounds ascend with them when each thread's epochs begin in sequence order): ranges
// between two of one life have it too, and a galloping search finds a run's end in few steps;
// else every range is looked at.
template <class LifeAt>
void find_life_runs(RangeGroup& g, const LifeAt& life_at, bool forward) {
  g.lives.clear();
  const std::size_t n = g.epochs.size();
  for (std::size_t i = 0; i < n;) {
    const std::pair<std::uint64_t, std::uint32_t> here = life_at(i);
    const std::uint64_t life = here.first;  // a plain variable: clang 14 cannot capture a binding
    g.lives.push_back({i, life, here.second});
    auto differs = [&](std::size_t j) { return life_at(j).first != life; };
    if (forward) {
      i = first_true_near(i + 1, n, i + 1, differs);
    } else {
      for (++i; i < n && !differs(i);) ++i;
    }
  }
}

template <class Item, class Source, class Bounds>
IntervalSweep<Item, Source, Bounds> sweep(Source source, Bounds bounds) {
  return IntervalSweep<Item, Source, Bounds>(std::move(source), bounds);
}

}  // namespace

void MemoryLog::resolve(ModelBuilder& builder) {
  TraceModel& model = builder.model();
  if (empty()) return;

  // Where each thread's epochs begin: an access's epoch lies between the global sequence numbers
  // of its own start and of the thread's next epoch's (0 and "never" where there is none). The
  // starts are this trace's syncs and the allocations, frees and period markers given to
  // epoch_started.
  const std::uint32_t process = builder.process();
  {
    SyncLog::Reader syncs = model.syncs.in_sequence_order();
    for (SyncEvent e; syncs.next(e);)
      if (!e.fenced && model.threads[e.thread].process == process) epoch_starts_.push({e.thread, e.epoch, e.sequence});
  }
  EpochBounds epoch_bounds;
  epoch_bounds.reserve(epoch_starts_.size(), model.threads.size());
  {
    auto starts = epoch_starts_.read();
    for (EpochStart s; starts.next(s);) epoch_bounds.add(s.thread, s.epoch, s.sequence);
    epoch_starts_.clear();
  }
  const bool in_sequence_order = epoch_bounds.in_sequence_order();

  // The race search asks happens-before about every epoch the ranges reach.
  epochs_reached_.resize(std::max(epochs_reached_.size(), model.threads.size()), 0);
  const RaceSearch search(model, epochs_reached_);

  // Module extents of this process, to name globals.
  struct Extent {
    std::uint64_t begin, end;
    std::uint32_t module;
  };
  std::vector<Extent> modules;
  for (const auto& [raw, index] : builder.module_indices()) {
    const Module& m = model.modules[index];
    if (m.size > 0) modules.push_back({m.base, m.base + m.size, index});
  }
  // `block`: the allocation whose life the variable is, or null.
  auto make_variable = [&](std::uint64_t at, std::uint64_t size, const Block* block) {
    Variable v;
    v.process = builder.process();
    v.id = at | (std::uint64_t{1} << 63);
    v.size = size;
    v.address_based = true;
    if (block) {
      const Block& b = *block;
      v.storage = b.thread_stack ? Storage::kStack : Storage::kHeap;
      v.block_size = b.size;
      v.offset = at - b.address;
      v.creation = b.stack;
      v.stack_owner = b.thread;
    } else {
      for (const Extent& e : modules)
        if (at >= e.begin && at < e.end) {
          v.storage = Storage::kGlobal;
          v.module = e.module;
          v.module_offset = at - model.modules[e.module].base;
          break;
        }
    }
    return v;
  };

  // One sweep over the address space, from one end of a range, a block or a benign annotation to
  // the next: between two of them the same ranges and blocks cover every byte, so such a piece is
  // one variable per life of the memory, however many bytes it spans (a buffer written by one
  // thread and read by another is one, not a thousand granules). A piece can race only if two
  // threads or more touched it, and not only by freeing it.
  // Ranges and blocks come from the log in address order, ranges of one extent and kind as one
  // group; benign annotations are few enough to sort here.
  auto range_reader = ranges_.read();
  MemoryLog::Range pending;
  bool has_pending = range_reader.next(pending);
  auto ranges = sweep<RangeGroup>(
      [&](RangeGroup& next) {
        if (!has_pending) return false;
        next.key = pending;
        next.epochs.clear();
        next.orders.clear();
        next.bounds.clear();
        next.lives.clear();
        next.lives_of = kNoEnd;
        do {
          next.epochs.push_back(pending.epoch);
          next.orders.push_back(pending.order);
          has_pending = range_reader.next(pending);
        } while (has_pending && extent_and_kind(pending) == extent_and_kind(next.key));
        constexpr std::size_t kLarge = 4096;  // beyond which the spare capacity is worth a copy
        if (next.epochs.size() > kLarge) {
          next.epochs.shrink_to_fit();
          next.orders.shrink_to_fit();
        }
        return true;
      },
      [](const RangeGroup& g) { return std::make_pair(g.key.address, g.key.address + g.key.size); });
  auto block_reader = blocks_.read();
  auto blocks = sweep<Block>([&block_reader](Block& next) { return block_reader.next(next); },
                             [](const Block& b) { return std::make_pair(b.address, b.address + b.size); });
  std::sort(benign_.begin(), benign_.end());
  auto benign = sweep<std::pair<std::uint64_t, std::uint64_t>>(
      [this, at = std::size_t{0}](std::pair<std::uint64_t, std::uint64_t>& next) mutable {
        if (at == benign_.size()) return false;
        next = benign_[at++];
        return true;
      },
      [](const std::pair<std::uint64_t, std::uint64_t>& b) { return b; });

  std::uint64_t pieces = 0;
  std::vector<Block> covering;
  std::uint64_t covering_of = kNoEnd;  // blocks.changes() when `covering` was made
  constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  // A range's life: from the latest allocation or free covering the piece before its epoch
  // ended (see memory_log.h).
  auto life_of = [&](std::pair<std::uint64_t, std::uint64_t> bounds) -> std::pair<std::uint64_t, std::uint32_t> {
    const auto [begins_at, ends_at] = bounds;
    auto it = std::lower_bound(covering.begin(), covering.end(), ends_at,
                               [](const Block& b, std::uint64_t q) { return b.sequence < q; });
    for (; it != covering.begin(); --it) {
      const Block& event = *(it - 1);
      if (!event.is_free) return {event.order, static_cast<std::uint32_t>(it - 1 - covering.begin())};
      if (event.sequence <= begins_at) return {event.order | kAfterFree, kNone};
    }
    return {kNoLife, kNone};
  };
  // Per life of the piece, the runs of ranges it has: (life, group in held, run).
  std::vector<std::tuple<std::uint64_t, std::uint32_t, std::uint32_t>> runs_by_life;
  // One life's groups for the race search; where two runs are of one kind, their epochs merged
  // (into `merged`, ordered by epoch, then place in the log).
  std::vector<RaceSearch::Group> groups;
  std::vector<std::pair<const RangeGroup*, std::pair<std::size_t, std::size_t>>> sources;  // per run
  std::vector<std::pair<std::uint32_t, std::uint64_t>> merging;
  std::deque<std::vector<std::uint32_t>> merged;
  std::vector<std::pair<std::uint64_t, Access>> life_accesses;  // (place in the log, access)
  std::vector<RaceFinding> races;
  auto access_of = [](const Range& r, std::uint32_t epoch) {
    Access a;
    a.thread = r.thread;
    a.epoch = epoch;
    a.write = r.write;
    a.atomic = r.atomic;
    a.frees = r.frees;
    a.stack = r.stack;
    a.held = r.held;
    return a;
  };
  for (std::uint64_t at = std::min({ranges.next_boundary(), blocks.next_boundary(), benign.next_boundary()});
       at != kNoEnd;) {
    ranges.move_to(at);
    blocks.move_to(at);
    benign.move_to(at);
    const std::uint64_t next = std::min({ranges.next_boundary(), blocks.next_boundary(), benign.next_boundary()});
    const std::uint64_t begin = at;
    at = next;
    std::vector<RangeGroup>& held = ranges.held();
    if (held.empty() || !benign.held().empty()) continue;
    bool two_threads = false, not_only_frees = false;
    for (const RangeGroup& g : held) {
      two_threads |= g.key.thread != held.front().key.thread;
      not_only_frees |= !g.key.frees;
    }
    if (!two_threads || !not_only_frees) continue;
    if (++pieces > kMaxSegments)
      throw TraceError(path_ + ": more than " + std::to_string(kMaxSegments) +
                       " pieces of memory are shared by threads: too many to analyze (is the trace corrupt?)");

    // The allocations and frees that ever covered the piece, in sequence order (often the
    // previous piece's: pieces end at ranges' ends as well).
    if (blocks.changes() != covering_of) {
      covering_of = blocks.changes();
      covering = blocks.held();
      std::sort(covering.begin(), covering.end(), [](const Block& x, const Block& y) {
        return x.sequence != y.sequence ? x.sequence < y.sequence : x.order < y.order;
      });
    }
    runs_by_life.clear();
    for (std::uint32_t h = 0; h < held.size(); ++h) {
      RangeGroup& g = held[h];
      if (g.lives_of != covering_of) {  // each range's life, once for these covering blocks
        g.lives_of = covering_of;
        find_life_runs(
            g,
            [&](std::size_t i) -> std::pair<std::uint64_t, std::uint32_t> {
              if (covering.empty()) return {kNoLife, kNone};
              if (g.bounds.empty()) g.bounds.assign(g.epochs.size(), kUnknownBounds);
              if (g.bounds[i] == kUnknownBounds) g.bounds[i] = epoch_bounds.of(g.key.thread, g.epochs[i]);
              return life_of(g.bounds[i]);
            },
            in_sequence_order);
      }
      for (std::uint32_t r = 0; r < g.lives.size(); ++r) runs_by_life.emplace_back(g.lives[r].life, h, r);
    }
    // Per life, its runs as the race search's groups; only a life with a race is kept, with its
    // accesses in trace order.
    auto run_key = [&](const std::tuple<std::uint64_t, std::uint32_t, std::uint32_t>& run) {
      return access_of(held[std::get<1>(run)].key, 0);
    };
    std::sort(runs_by_life.begin(), runs_by_life.end(), [&](const auto& x, const auto& y) {
      if (std::get<0>(x) != std::get<0>(y)) return std::get<0>(x) < std::get<0>(y);
      return RaceSearch::group_before(run_key(x), run_key(y));
    });
    for (std::size_t first = 0; first < runs_by_life.size();) {
      const std::uint64_t life = std::get<0>(runs_by_life[first]);
      std::size_t last = first;
      while (last < runs_by_life.size() && std::get<0>(runs_by_life[last]) == life) ++last;
      sources.clear();
      for (std::size_t i = first; i < last; ++i) {
        const RangeGroup& g = held[std::get<1>(runs_by_life[i])];
        const std::uint32_t r = std::get<2>(runs_by_life[i]);
        const std::size_t end = r + 1 < g.lives.size() ? g.lives[r + 1].start : g.epochs.size();
        sources.push_back({&g, {g.lives[r].start, end}});
      }
      groups.clear();
      merged.clear();
      std::size_t numbered = 0;
      for (std::size_t i = 0; i < sources.size();) {
        const Access key = run_key(runs_by_life[first + i]);
        std::size_t j = i + 1;
        while (j < sources.size() && RaceSearch::same_group(run_key(runs_by_life[first + j]), key)) ++j;
        const auto& [g, span] = sources[i];
        if (j == i + 1) {
          groups.push_back({key, g->epochs.data() + span.first, span.second - span.first, numbered});
        } else {  // ranges of one kind but different extents: one group, by epoch then place
          merging.clear();
          for (std::size_t k = i; k < j; ++k)
            for (std::size_t x = sources[k].second.first; x < sources[k].second.second; ++x)
              merging.emplace_back(sources[k].first->epochs[x], sources[k].first->orders[x]);
          std::sort(merging.begin(), merging.end());
          auto& epochs = merged.emplace_back();
          for (const auto& p : merging) epochs.push_back(p.first);
          groups.push_back({key, epochs.data(), epochs.size(), numbered});
        }
        numbered += groups.back().size;
        i = j;
      }
      races.clear();
      if (search.search(groups, races) > 0) {
        life_accesses.clear();
        for (const auto& [g, span] : sources)
          for (std::size_t x = span.first; x < span.second; ++x)
            life_accesses.emplace_back(g->orders[x], access_of(g->key, g->epochs[x]));
        std::sort(life_accesses.begin(), life_accesses.end(),
                  [](const auto& x, const auto& y) { return x.first < y.first; });
        const auto v = static_cast<VariableIndex>(model.variables.size());
        const std::uint32_t allocation = held[std::get<1>(runs_by_life[first])].lives[std::get<2>(runs_by_life[first])].allocation;
        model.variables.push_back(make_variable(begin, next - begin, allocation == kNone ? nullptr : &covering[allocation]));
        for (auto& [place, a] : life_accesses) {
          a.variable = v;
          model.accesses.push_back(a);
        }
      }
      first = last;
    }
  }
  // Their memory back, not only their size: the race search that follows needs its own.
  ranges_.clear();
  blocks_.clear();
  benign_.clear();
}

}  // namespace lockgraph::analysis
