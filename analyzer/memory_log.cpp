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
// More memory shared by threads than any real run of this machine could analyze (1 GiB of
// granules): a trace claiming it is refused, not analyzed for ever.
constexpr std::uint64_t kMaxSharedGranules = std::uint64_t{1} << 27;

struct PairHash {
  std::size_t operator()(const std::pair<std::uint64_t, std::uint32_t>& p) const {
    return std::hash<std::uint64_t>()(p.first * 0x9e3779b97f4a7c15ULL ^ p.second);
  }
};

}  // namespace

void MemoryLog::resolve(ModelBuilder& builder) {
  TraceModel& model = builder.model();
  if (ranges_.empty()) return;

  // Where each thread's epochs begin, to find where an access's epoch ends.
  std::sort(epoch_starts_.begin(), epoch_starts_.end(), [](const EpochStart& a, const EpochStart& b) {
    return a.thread != b.thread ? a.thread < b.thread : a.epoch < b.epoch;
  });
  auto epoch_end = [&](ThreadIndex thread, std::uint32_t epoch) {
    auto it = std::upper_bound(epoch_starts_.begin(), epoch_starts_.end(), EpochStart{thread, epoch, 0},
                               [](const EpochStart& a, const EpochStart& b) {
                                 return a.thread != b.thread ? a.thread < b.thread : a.epoch < b.epoch;
                               });
    return it != epoch_starts_.end() && it->thread == thread ? it->sequence : kNoEnd;
  };
  auto epoch_begin = [&](ThreadIndex thread, std::uint32_t epoch) -> std::uint64_t {
    auto it = std::upper_bound(epoch_starts_.begin(), epoch_starts_.end(), EpochStart{thread, epoch, 0},
                               [](const EpochStart& a, const EpochStart& b) {
                                 return a.thread != b.thread ? a.thread < b.thread : a.epoch < b.epoch;
                               });
    if (it == epoch_starts_.begin()) return 0;
    --it;
    return it->thread == thread ? it->sequence : 0;
  };

  // When each block was freed (the first free of its address after its allocation).
  std::sort(frees_.begin(), frees_.end());
  auto freed_at = [&](const Block& b) {
    auto it = std::upper_bound(frees_.begin(), frees_.end(), std::make_pair(b.address, b.sequence));
    return it != frees_.end() && it->first == b.address ? it->second : kNoEnd;
  };
  std::vector<std::uint64_t> block_end(blocks_.size());
  for (std::size_t b = 0; b < blocks_.size(); ++b) block_end[b] = freed_at(blocks_[b]);

  // The granules that can race: touched by two threads or more, and by some access that is not a
  // free. A sweep over the ranges' ends, so a large copy or free one thread alone made costs its
  // two ends, not a granule each.
  std::vector<std::uint64_t> granules;
  {
    struct End {
      std::uint64_t granule;  // first granule in, or first granule past the range
      bool opens;
      ThreadIndex thread;
      bool frees;
    };
    std::vector<End> ends;
    for (const Range& r : ranges_) {
      if (r.size == 0) continue;
      ends.push_back({r.address >> 3, true, r.thread, r.frees});
      ends.push_back({((r.address + r.size - 1) >> 3) + 1, false, r.thread, r.frees});
    }
    std::sort(ends.begin(), ends.end(), [](const End& a, const End& b) { return a.granule < b.granule; });
    std::unordered_map<ThreadIndex, std::uint32_t> open_by_thread;
    std::size_t not_free = 0;
    for (std::size_t i = 0; i < ends.size();) {
      const std::uint64_t at = ends[i].granule;
      for (; i < ends.size() && ends[i].granule == at; ++i) {
        const End& e = ends[i];
        if (e.opens) {
          ++open_by_thread[e.thread];
        } else if (--open_by_thread[e.thread] == 0) {
          open_by_thread.erase(e.thread);
        }
        if (!e.frees) e.opens ? ++not_free : --not_free;
      }
      if (open_by_thread.size() < 2 || not_free == 0 || i == ends.size()) continue;
      const std::uint64_t until = ends[i].granule;
      if (granules.size() + (until - at) > kMaxSharedGranules)
        throw TraceError(path_ + ": more than " + std::to_string(kMaxSharedGranules) +
                         " granules of 8 bytes are touched by two threads or more: too much shared memory to "
                         "analyze (is the trace corrupt?)");
      for (std::uint64_t g = at; g < until; ++g) granules.push_back(g);
    }
  }

  // For each granule, the blocks that ever covered it, in sequence order: a sweep over blocks by
  // start address, keeping those not yet ended (a block's reuses are few, so the set stays small).
  std::vector<std::uint32_t> by_start(blocks_.size());
  for (std::uint32_t b = 0; b < by_start.size(); ++b) by_start[b] = b;
  std::sort(by_start.begin(), by_start.end(),
            [&](std::uint32_t a, std::uint32_t b) { return blocks_[a].address < blocks_[b].address; });
  std::vector<std::vector<std::uint32_t>> covering(granules.size());
  {
    std::vector<std::uint32_t> active;
    std::size_t next = 0;
    for (std::size_t i = 0; i < granules.size(); ++i) {
      const std::uint64_t at = granules[i] << 3;
      while (next < by_start.size() && blocks_[by_start[next]].address < at + 8) active.push_back(by_start[next++]);
      active.erase(std::remove_if(active.begin(), active.end(),
                                  [&](std::uint32_t b) { return blocks_[b].address + blocks_[b].size <= at; }),
                   active.end());
      covering[i] = active;
      std::sort(covering[i].begin(), covering[i].end(),
                [&](std::uint32_t a, std::uint32_t b) { return blocks_[a].sequence < blocks_[b].sequence; });
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
  auto variable = [&](std::size_t granule_index, std::uint32_t block) {
    const std::uint64_t granule = granules[granule_index];
    auto [it, inserted] = variables.try_emplace({granule, block}, static_cast<VariableIndex>(model.variables.size()));
    if (!inserted) return it->second;
    Variable& v = model.variables.emplace_back();
    v.process = builder.process();
    v.id = (granule << 3) | (std::uint64_t{1} << 63);
    v.address_based = true;
    const std::uint64_t at = granule << 3;
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

  for (Range& r : ranges_) {
    if (r.size == 0) continue;
    const std::uint64_t end = r.address + r.size, ends_at = epoch_end(r.thread, r.epoch);
    auto first = std::lower_bound(granules.begin(), granules.end(), r.address >> 3);
    for (auto g = first; g != granules.end() && (*g << 3) < end; ++g) {
      const std::uint64_t at = *g << 3;
      if (benign(at)) continue;
      const std::uint64_t lo = std::max(r.address, at), hi = std::min(end, at + 8);
      const std::size_t index = static_cast<std::size_t>(g - granules.begin());
      // The latest block covering the granule that began before this access's epoch ended.
      const auto& blocks = covering[index];
      auto after = std::lower_bound(blocks.begin(), blocks.end(), ends_at, [&](std::uint32_t b, std::uint64_t q) {
        return blocks_[b].sequence < q;
      });
      std::uint32_t block = after == blocks.begin() ? kNoBlock : *(after - 1);
      // Freed before this epoch began: reused memory whose allocation was not seen.
      if (block != kNoBlock && block_end[block] <= epoch_begin(r.thread, r.epoch)) block |= kAfterFree;
      Access a;
      a.thread = r.thread;
      a.epoch = r.epoch;
      a.variable = variable(index, block);
      a.write = r.write;
      a.atomic = r.atomic;
      a.frees = r.frees;
      a.bytes = static_cast<std::uint8_t>(((1u << (hi - lo)) - 1) << (lo - at));
      a.stack = r.stack;
      a.held = r.held;
      a.position = r.position;
      model.accesses.push_back(std::move(a));
    }
  }
  ranges_.clear();
  blocks_.clear();
  epoch_starts_.clear();
  frees_.clear();
  benign_.clear();
}

}  // namespace lockgraph::analysis
