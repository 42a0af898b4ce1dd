#include "memory_log.h"

#include "lockgraph/analysis/trace_error.h"
#include "race_search.h"

#include <algorithm>
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
      held_.push_back(next_);
      ends_.push(end);
      ++changes_;
    }
  }
  const std::vector<Item>& held() const { return held_; }
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

template <class Item, class Source, class Bounds>
IntervalSweep<Item, Source, Bounds> sweep(Source source, Bounds bounds) {
  return IntervalSweep<Item, Source, Bounds>(std::move(source), bounds);
}

}  // namespace

void MemoryLog::resolve(ModelBuilder& builder) {
  TraceModel& model = builder.model();
  if (empty()) return;
  ranges_.finish();
  blocks_.finish();

  // Where each thread's epochs begin: an access's epoch lies between the global sequence numbers
  // of its own start and of the thread's next epoch's (0 and "never" where there is none).
  auto by_thread_and_epoch = [](const EpochStart& a, const EpochStart& b) {
    return a.thread != b.thread ? a.thread < b.thread : a.epoch < b.epoch;
  };
  std::sort(epoch_starts_.begin(), epoch_starts_.end(), by_thread_and_epoch);
  auto epoch_bounds = [&](ThreadIndex thread, std::uint32_t epoch) -> std::pair<std::uint64_t, std::uint64_t> {
    auto next = std::upper_bound(epoch_starts_.begin(), epoch_starts_.end(), EpochStart{thread, epoch, 0},
                                 by_thread_and_epoch);
    const std::uint64_t end = next != epoch_starts_.end() && next->thread == thread ? next->sequence : kNoEnd;
    const std::uint64_t begin = next != epoch_starts_.begin() && (next - 1)->thread == thread ? (next - 1)->sequence : 0;
    return {begin, end};
  };

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
  // Ranges and blocks come from the log in address order, each range with its epoch's bounds
  // looked up once however many pieces it spans; benign annotations are few enough to sort here.
  struct HeldRange {
    Range range;
    std::uint64_t begins_at, ends_at;  // its epoch's, as epoch_bounds gives them
  };
  auto ranges = sweep<HeldRange>(
      [&](HeldRange& next) {
        if (!ranges_.next(next.range)) return false;
        std::tie(next.begins_at, next.ends_at) = epoch_bounds(next.range.thread, next.range.epoch);
        return true;
      },
      [](const HeldRange& h) { return std::make_pair(h.range.address, h.range.address + h.range.size); });
  auto blocks = sweep<Block>([this](Block& next) { return blocks_.next(next); },
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
  std::uint64_t covering_of = ~std::uint64_t{0};  // blocks.changes() when `covering` was made
  // (life, the range's order, its index in held, the life's allocation in covering or kNone)
  constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint32_t, std::uint32_t>> accesses_by_life;
  std::vector<Access> accesses;
  std::vector<std::size_t> order;
  std::vector<RaceFinding> races;
  for (std::uint64_t at = std::min({ranges.next_boundary(), blocks.next_boundary(), benign.next_boundary()});
       at != kNoEnd;) {
    ranges.move_to(at);
    blocks.move_to(at);
    benign.move_to(at);
    const std::uint64_t next = std::min({ranges.next_boundary(), blocks.next_boundary(), benign.next_boundary()});
    const std::uint64_t begin = at;
    at = next;
    const std::vector<HeldRange>& held = ranges.held();
    if (held.size() < 2 || !benign.held().empty()) continue;
    bool two_threads = false, not_only_frees = false;
    for (const HeldRange& h : held) {
      two_threads |= h.range.thread != held.front().range.thread;
      not_only_frees |= !h.range.frees;
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
    // Each access's life: from the latest allocation or free covering the piece before this
    // access's epoch ended (see memory_log.h).
    accesses_by_life.clear();
    for (std::uint32_t h = 0; h < held.size(); ++h) {
      auto it = std::lower_bound(covering.begin(), covering.end(), held[h].ends_at,
                                 [](const Block& b, std::uint64_t q) { return b.sequence < q; });
      std::uint64_t life = kNoLife;
      std::uint32_t allocation = kNone;
      for (; it != covering.begin(); --it) {
        const Block& event = *(it - 1);
        if (!event.is_free) {
          life = event.order;
          allocation = static_cast<std::uint32_t>(it - 1 - covering.begin());
          break;
        }
        if (event.sequence <= held[h].begins_at) {
          life = event.order | kAfterFree;
          break;
        }
      }
      accesses_by_life.emplace_back(life, held[h].range.order, h, allocation);
    }
    // Per life, its accesses in trace order, searched for races; only a life with one is kept.
    std::sort(accesses_by_life.begin(), accesses_by_life.end());
    for (std::size_t first = 0; first < accesses_by_life.size();) {
      std::size_t last = first;
      const std::uint64_t life = std::get<0>(accesses_by_life[first]);
      while (last < accesses_by_life.size() && std::get<0>(accesses_by_life[last]) == life) ++last;
      accesses.clear();
      for (std::size_t i = first; i < last; ++i) {
        const Range& r = held[std::get<2>(accesses_by_life[i])].range;
        Access& a = accesses.emplace_back();
        a.thread = r.thread;
        a.epoch = r.epoch;
        a.write = r.write;
        a.atomic = r.atomic;
        a.frees = r.frees;
        a.stack = r.stack;
        a.held = r.held;
      }
      RaceSearch::sort(accesses, order);
      races.clear();
      if (search.search(accesses, order.data(), order.data() + order.size(), races) > 0) {
        const auto v = static_cast<VariableIndex>(model.variables.size());
        const std::uint32_t allocation = std::get<3>(accesses_by_life[first]);
        model.variables.push_back(make_variable(begin, next - begin, allocation == kNone ? nullptr : &covering[allocation]));
        for (Access& a : accesses) {
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
  std::deque<EpochStart>().swap(epoch_starts_);
  benign_.clear();
}

}  // namespace lockgraph::analysis
