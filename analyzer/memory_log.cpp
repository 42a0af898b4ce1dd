#include "memory_log.h"

#include "lockgraph/analysis/trace_error.h"
#include "race_search.h"

#include <algorithm>
#include <limits>
#include <queue>

namespace lockgraph::analysis {
namespace {

constexpr std::uint64_t kNoEnd = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint32_t kNoBlock = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t kAfterFree = 0x80000000u;  // with a block: the life after its free
// More pieces of shared memory than any real run of this machine could analyze: a trace claiming
// them is refused, not analyzed for ever.
constexpr std::uint64_t kMaxSegments = std::uint64_t{1} << 27;

// Intervals [begin, end) met in address order: which of them hold the address the sweep is at.
// `bounds(i)` gives interval i's {begin, end} (an empty one is never held).
template <class Bounds>
class IntervalSweep {
 public:
  IntervalSweep(std::size_t count, Bounds bounds) : bounds_(bounds), by_begin_(count) {
    for (std::uint32_t i = 0; i < by_begin_.size(); ++i) by_begin_[i] = i;
    std::stable_sort(by_begin_.begin(), by_begin_.end(),
                     [&](std::uint32_t x, std::uint32_t y) { return begin(x) < begin(y); });
  }
  // The first address past the current one where an interval begins or ends (kNoEnd if none).
  std::uint64_t next_boundary() const {
    std::uint64_t next = next_ < by_begin_.size() ? begin(by_begin_[next_]) : kNoEnd;
    return open_.empty() ? next : std::min(next, open_.top().first);
  }
  // Moves to `at` (never back): held() is then the intervals holding it, in the order they began.
  void move_to(std::uint64_t at) {
    bool ended = false;
    for (; !open_.empty() && open_.top().first <= at; open_.pop()) ended = true;
    if (ended)
      held_.erase(std::remove_if(held_.begin(), held_.end(), [&](std::uint32_t i) { return end(i) <= at; }),
                  held_.end());
    for (; next_ < by_begin_.size() && begin(by_begin_[next_]) <= at; ++next_) {
      const std::uint32_t i = by_begin_[next_];
      if (end(i) <= at) continue;
      held_.push_back(i);
      open_.push({end(i), i});
    }
  }
  const std::vector<std::uint32_t>& held() const { return held_; }

 private:
  using End = std::pair<std::uint64_t, std::uint32_t>;
  std::uint64_t begin(std::uint32_t i) const { return bounds_(i).first; }
  std::uint64_t end(std::uint32_t i) const { return bounds_(i).second; }
  Bounds bounds_;
  std::vector<std::uint32_t> by_begin_;
  std::size_t next_ = 0;
  std::priority_queue<End, std::vector<End>, std::greater<End>> open_;
  std::vector<std::uint32_t> held_;
};

}  // namespace

void MemoryLog::resolve(ModelBuilder& builder) {
  TraceModel& model = builder.model();
  if (ranges_.empty()) return;

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
  std::vector<std::uint32_t> epochs_reached(model.threads.size(), 0);
  for (const Range& r : ranges_) epochs_reached[r.thread] = std::max(epochs_reached[r.thread], r.epoch + 1);
  const RaceSearch search(model, epochs_reached);

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
  auto make_variable = [&](std::uint64_t at, std::uint64_t size, std::uint32_t block) {
    Variable v;
    v.process = builder.process();
    v.id = at | (std::uint64_t{1} << 63);
    v.size = size;
    v.address_based = true;
    if (block != kNoBlock && !(block & kAfterFree)) {
      const Block& b = blocks_[block];
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
  auto sweep_of = [](const auto& items, auto bounds_of) {
    auto bounds = [&items, bounds_of](std::uint32_t i) { return bounds_of(items[i]); };
    return IntervalSweep<decltype(bounds)>(items.size(), bounds);
  };
  auto ranges = sweep_of(ranges_, [](const Range& r) { return std::make_pair(r.address, r.address + r.size); });
  auto blocks = sweep_of(blocks_, [](const Block& b) { return std::make_pair(b.address, b.address + b.size); });
  auto benign = sweep_of(benign_, [](const auto& b) { return b; });

  std::uint64_t pieces = 0;
  std::vector<std::uint32_t> covering;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> accesses_by_life;  // (life, range)
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
    const std::vector<std::uint32_t>& held = ranges.held();
    if (held.size() < 2 || !benign.held().empty()) continue;
    bool two_threads = false, not_only_frees = false;
    for (std::uint32_t r : held) {
      two_threads |= ranges_[r].thread != ranges_[held.front()].thread;
      not_only_frees |= !ranges_[r].frees;
    }
    if (!two_threads || !not_only_frees) continue;
    if (++pieces > kMaxSegments)
      throw TraceError(path_ + ": more than " + std::to_string(kMaxSegments) +
                       " pieces of memory are shared by threads: too many to analyze (is the trace corrupt?)");

    // The allocations and frees that ever covered the piece, in sequence order.
    covering = blocks.held();
    std::sort(covering.begin(), covering.end(),
              [&](std::uint32_t x, std::uint32_t y) { return blocks_[x].sequence < blocks_[y].sequence; });
    // Each access's life: from the latest allocation or free covering the piece before this
    // access's epoch ended (see memory_log.h).
    accesses_by_life.clear();
    for (std::uint32_t r : held) {
      const auto [begins_at, ends_at] = epoch_bounds(ranges_[r].thread, ranges_[r].epoch);
      auto it = std::lower_bound(covering.begin(), covering.end(), ends_at, [&](std::uint32_t b, std::uint64_t q) {
        return blocks_[b].sequence < q;
      });
      std::uint32_t block = kNoBlock;
      for (; it != covering.begin(); --it) {
        const std::uint32_t event = *(it - 1);
        if (!blocks_[event].is_free) {
          block = event;
          break;
        }
        if (blocks_[event].sequence <= begins_at) {
          block = event | kAfterFree;
          break;
        }
      }
      accesses_by_life.push_back({block, r});
    }
    // Per life, its accesses in trace order, searched for races; only a life with one is kept.
    std::sort(accesses_by_life.begin(), accesses_by_life.end());
    for (std::size_t first = 0; first < accesses_by_life.size();) {
      std::size_t last = first;
      while (last < accesses_by_life.size() && accesses_by_life[last].first == accesses_by_life[first].first) ++last;
      accesses.clear();
      for (std::size_t i = first; i < last; ++i) {
        const Range& r = ranges_[accesses_by_life[i].second];
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
        model.variables.push_back(make_variable(begin, next - begin, accesses_by_life[first].first));
        for (Access& a : accesses) {
          a.variable = v;
          model.accesses.push_back(a);
        }
      }
      first = last;
    }
  }
  // Their memory back, not only their size: the race search that follows needs its own.
  std::deque<Range>().swap(ranges_);
  std::deque<Block>().swap(blocks_);
  std::deque<EpochStart>().swap(epoch_starts_);
  benign_.clear();
}

}  // namespace lockgraph::analysis
