#include "memory_log.h"

#include "lockgraph/analysis/trace_error.h"

#include <algorithm>
#include <limits>
#include <queue>
#include <unordered_map>

namespace lockgraph::analysis {
namespace {

constexpr std::uint64_t kNoEnd = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint32_t kNoBlock = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t kAfterFree = 0x80000000u;  // with a block: the life after its free
// More pieces of shared memory than any real run of this machine could analyze: a trace claiming
// them is refused, not analyzed for ever.
constexpr std::uint64_t kMaxSegments = std::uint64_t{1} << 27;

struct PairHash {
  std::size_t operator()(const std::pair<std::uint64_t, std::uint32_t>& p) const {
    return std::hash<std::uint64_t>()(p.first * 0x9e3779b97f4a7c15ULL ^ p.second);
  }
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


  // The bytes that can race: touched by two threads or more, and by some access that is not a
  // free. A sweep over the ranges' ends, so a large copy or free one thread alone made costs its
  // two ends, not a byte or granule each.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> shared;  // [begin, end), in order
  {
    struct End {
      std::uint64_t at;  // first byte in, or first byte past the range
      bool opens;
      ThreadIndex thread;
      bool frees;
    };
    std::vector<End> ends;
    for (const Range& r : ranges_) {
      if (r.size == 0) continue;
      ends.push_back({r.address, true, r.thread, r.frees});
      ends.push_back({r.address + r.size, false, r.thread, r.frees});
    }
    std::sort(ends.begin(), ends.end(), [](const End& x, const End& y) { return x.at < y.at; });
    std::unordered_map<ThreadIndex, std::uint32_t> open_by_thread;
    std::size_t not_free = 0;
    for (std::size_t i = 0; i < ends.size();) {
      const std::uint64_t at = ends[i].at;
      for (; i < ends.size() && ends[i].at == at; ++i) {
        const End& e = ends[i];
        if (e.opens) {
          ++open_by_thread[e.thread];
        } else if (--open_by_thread[e.thread] == 0) {
          open_by_thread.erase(e.thread);
        }
        if (!e.frees) e.opens ? ++not_free : --not_free;
      }
      if (open_by_thread.size() < 2 || not_free == 0 || i == ends.size()) continue;
      if (!shared.empty() && shared.back().second == at) shared.back().second = ends[i].at;
      else shared.push_back({at, ends[i].at});
    }
  }

  // The shared bytes cut into segments at every end of a range, a block or a benign annotation
  // inside them: the accesses covering a segment cover all of it, and so do its blocks, so one
  // segment (in one life of the memory) is one variable, however many bytes it spans (a buffer
  // written by one thread and read by another is one, not a thousand granules).
  std::vector<std::uint64_t> cuts;
  auto cut = [&](std::uint64_t at) {
    auto it = std::upper_bound(shared.begin(), shared.end(), std::make_pair(at, kNoEnd));
    if (it != shared.begin() && at > (it - 1)->first && at < (it - 1)->second) cuts.push_back(at);
  };
  for (const Range& r : ranges_) {
    cut(r.address);
    cut(r.address + r.size);
  }
  for (const Block& b : blocks_) {
    cut(b.address);
    cut(b.address + b.size);
  }
  for (const auto& [begin, end] : benign_) {
    cut(begin);
    cut(end);
  }
  for (const auto& [begin, end] : shared) {
    cuts.push_back(begin);
    cuts.push_back(end);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<std::pair<std::uint64_t, std::uint64_t>> segments;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    auto it = std::upper_bound(shared.begin(), shared.end(), std::make_pair(cuts[i], kNoEnd));
    if (it != shared.begin() && cuts[i] < (it - 1)->second) segments.push_back({cuts[i], cuts[i + 1]});
  }
  if (segments.size() > kMaxSegments)
    throw TraceError(path_ + ": more than " + std::to_string(kMaxSegments) +
                     " pieces of memory are shared by threads: too many to analyze (is the trace corrupt?)");

  // For each segment, the allocations and frees that ever covered it, in sequence order: a sweep
  // over them by start address, keeping those not yet passed (a block's reuses are few, so the set
  // stays small).
  std::vector<std::uint32_t> by_start(blocks_.size());
  for (std::uint32_t b = 0; b < by_start.size(); ++b) by_start[b] = b;
  std::sort(by_start.begin(), by_start.end(),
            [&](std::uint32_t x, std::uint32_t y) { return blocks_[x].address < blocks_[y].address; });
  std::vector<std::vector<std::uint32_t>> covering(segments.size());
  {
    std::vector<std::uint32_t> active;
    std::size_t next = 0;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const std::uint64_t at = segments[i].first;
      while (next < by_start.size() && blocks_[by_start[next]].address <= at) active.push_back(by_start[next++]);
      active.erase(std::remove_if(active.begin(), active.end(),
                                  [&](std::uint32_t b) { return blocks_[b].address + blocks_[b].size <= at; }),
                   active.end());
      covering[i] = active;
      std::sort(covering[i].begin(), covering[i].end(),
                [&](std::uint32_t x, std::uint32_t y) { return blocks_[x].sequence < blocks_[y].sequence; });
    }
  }

  std::sort(benign_.begin(), benign_.end());
  auto benign = [&](std::uint64_t at) {
    auto it = std::upper_bound(benign_.begin(), benign_.end(), std::make_pair(at, kNoEnd));
    for (auto b = benign_.begin(); b != it; ++b)
      if (at < b->second) return true;
    return false;
  };

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

  std::unordered_map<std::pair<std::uint64_t, std::uint32_t>, VariableIndex, PairHash> variables;
  auto variable = [&](std::size_t segment, std::uint32_t block) {
    const std::uint64_t at = segments[segment].first;
    auto [it, inserted] = variables.try_emplace({at, block}, static_cast<VariableIndex>(model.variables.size()));
    if (!inserted) return it->second;
    Variable& v = model.variables.emplace_back();
    v.process = builder.process();
    v.id = at | (std::uint64_t{1} << 63);
    v.size = segments[segment].second - at;
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
    return it->second;
  };

  // The segments a range covers, from its first.
  auto first_segment = [&](const Range& r) {
    auto first = std::upper_bound(segments.begin(), segments.end(), std::make_pair(r.address, kNoEnd));
    if (first != segments.begin() && (first - 1)->second > r.address) --first;
    return first;
  };
  // Counted first, so that the accesses are made in place: growing the vector instead holds its
  // old and new arrays at once.
  std::size_t count = 0;
  for (const Range& r : ranges_)
    for (auto g = first_segment(r); r.size != 0 && g != segments.end() && g->first < r.address + r.size; ++g)
      count += !benign(g->first);
  model.accesses.reserve(model.accesses.size() + count);

  for (Range& r : ranges_) {
    if (r.size == 0) continue;
    const std::uint64_t end = r.address + r.size;
    const auto [begins_at, ends_at] = epoch_bounds(r.thread, r.epoch);
    for (auto g = first_segment(r); g != segments.end() && g->first < end; ++g) {
      if (benign(g->first)) continue;
      const std::size_t index = static_cast<std::size_t>(g - segments.begin());
      // The life: from the latest allocation or free covering the segment before this access's
      // epoch ended (see memory_log.h).
      const auto& events = covering[index];
      auto it = std::lower_bound(events.begin(), events.end(), ends_at, [&](std::uint32_t b, std::uint64_t q) {
        return blocks_[b].sequence < q;
      });
      std::uint32_t block = kNoBlock;
      for (; it != events.begin(); --it) {
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
      Access a;
      a.thread = r.thread;
      a.epoch = r.epoch;
      a.variable = variable(index, block);
      a.write = r.write;
      a.atomic = r.atomic;
      a.frees = r.frees;
      a.stack = r.stack;
      a.held = r.held;
      a.position = r.position;
      model.accesses.push_back(std::move(a));
    }
  }
  // Their memory back, not only their size: the race search that follows needs its own.
  std::vector<Range>().swap(ranges_);
  std::vector<Block>().swap(blocks_);
  std::vector<EpochStart>().swap(epoch_starts_);
  benign_.clear();
}

}  // namespace lockgraph::analysis
