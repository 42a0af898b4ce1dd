#include "memory_log.h"

#include "lockgraph/analysis/trace_error.h"
#include "live_memory.h"
#include "race_search.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <memory>

namespace lockgraph::analysis {
namespace {

constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();
// The life after a free: the free's place among the blocks with this bit (an allocation's life is
// its place alone).
constexpr std::uint64_t kAfterFree = std::uint64_t{1} << 63;
// More pieces of live memory than any real run of this machine could analyze: a trace claiming
// them is refused, not analyzed for ever.
constexpr std::uint64_t kMaxPieces = std::uint64_t{1} << 27;

// A range registered and not yet checked; the lives of the pieces it covered when its epoch began
// are its thread's next `lives` entries of `Pass::began_in`.
struct Pending {
  MemoryLog::Range range;
  std::size_t lives = 0;
};

Access access_of(const MemoryLog::Range& r) {
  Access a;
  a.thread = r.thread;
  a.epoch = r.epoch;
  a.write = r.write;
  a.atomic = r.atomic;
  a.frees = r.frees;
  a.stack = r.stack;
  a.held = r.held;
  return a;
}

bool same_group(const LiveMemory::Group& g, const Access& a, std::uint64_t period) {
  const Access& b = g.latest;
  return g.period == period && b.thread == a.thread && b.write == a.write && b.atomic == a.atomic &&
         b.frees == a.frees && b.stack == a.stack && b.held == a.held;
}

}  // namespace

void MemoryLog::resolve(ModelBuilder& builder) {
  TraceModel& model = builder.model();
  if (empty()) return;
  ranges_.finish();
  blocks_.finish();

  // Happens-before asks about every epoch the ranges reach.
  epochs_reached_.resize(std::max(epochs_reached_.size(), model.threads.size()), 0);
  const RaceSearch search(model, epochs_reached_);

  // This trace's syncs that begin epochs (a fenced release begins none), in sequence order.
  const std::deque<SyncEvent>& syncs = model.syncs;
  const std::size_t first_sync = std::min(first_sync_, syncs.size());
  if (syncs.size() > std::numeric_limits<std::uint32_t>::max())
    throw TraceError(path_ + ": more than 2^32 sync events: too many to analyze (is the trace corrupt?)");
  std::vector<std::uint32_t> sync_order;
  for (std::size_t s = first_sync; s < syncs.size(); ++s)
    if (!syncs[s].fenced) sync_order.push_back(static_cast<std::uint32_t>(s));
  auto by_sequence = [&](std::uint32_t x, std::uint32_t y) {
    return syncs[x].sequence != syncs[y].sequence ? syncs[x].sequence < syncs[y].sequence : x < y;
  };
  if (!std::is_sorted(sync_order.begin(), sync_order.end(), by_sequence))
    std::sort(sync_order.begin(), sync_order.end(), by_sequence);

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
  auto make_variable = [&](std::uint64_t at, std::uint64_t size, const LiveMemory::BlockInfo* block) {
    Variable v;
    v.process = builder.process();
    v.id = at | (std::uint64_t{1} << 63);
    v.size = size;
    v.address_based = true;
    v.races_found = true;
    if (block) {
      v.storage = block->thread_stack ? Storage::kStack : Storage::kHeap;
      v.block_size = block->size;
      v.offset = at - block->address;
      v.creation = block->stack;
      v.stack_owner = block->thread;
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

  // Benign annotations, merged: the ranges' parts inside them are not checked.
  std::sort(benign_.begin(), benign_.end());
  std::vector<std::pair<std::uint64_t, std::uint64_t>> benign;
  for (const auto& b : benign_) {
    if (!benign.empty() && b.first <= benign.back().second) benign.back().second = std::max(benign.back().second, b.second);
    else benign.push_back(b);
  }

  LiveMemory memory;
  std::vector<std::deque<Pending>> pending(model.threads.size());
  // Per thread, for its pending ranges in order: (where a piece begins, its life when the range's
  // epoch began).
  std::vector<std::deque<std::pair<std::uint64_t, std::uint64_t>>> began_in(model.threads.size());

  // Per variable made here: how many of its life's accesses there were and held each lock (the
  // lockset evidence), counted once per range.
  struct Counts {
    std::uint64_t accesses = 0;
    std::map<LockIndex, std::uint64_t> held_at;
    std::uint64_t last_order = kNever;
  };
  const auto first_variable = static_cast<VariableIndex>(model.variables.size());
  const std::size_t first_race = model.memory_races.size();
  std::vector<Counts> counts;
  auto count = [&](VariableIndex v, const Access& a, std::uint64_t n) {
    Counts& c = counts[v - first_variable];
    c.accesses += n;
    for (LockIndex l : model.locksets[a.held]) c.held_at[LockSets::lock_of(l)] += n;
  };

  // A range reaches its epoch's start: it waits on the pieces it covers, noting their lives.
  auto register_range = [&](const Range& range) {
    const std::uint64_t end = range.address + range.size;
    auto wait_on = [&](std::uint64_t begin, std::uint64_t part_end) {
      if (begin >= part_end) return;
      Pending item{range, 0};
      item.range.address = begin;
      item.range.size = part_end - begin;
      memory.for_each(begin, part_end, true, [&](std::uint64_t at, LiveMemory::Piece& p) {
        ++p.pending;
        ++p.current().waiting;
        began_in[range.thread].emplace_back(at, p.current().id);
        ++item.lives;
      });
      pending[range.thread].push_back(item);
    };
    // Its parts outside the benign annotations.
    std::uint64_t at = range.address;
    auto b = std::upper_bound(benign.begin(), benign.end(), std::make_pair(at, kNever));
    if (b != benign.begin() && std::prev(b)->second > at) --b;
    for (; b != benign.end() && b->first < end; ++b) {
      wait_on(at, std::min(b->first, end));
      at = std::max(at, b->second);
    }
    wait_on(at, end);
    if (memory.size() > kMaxPieces)
      throw TraceError(path_ + ": more than " + std::to_string(kMaxPieces) +
                       " pieces of memory are live at once: too many to analyze (is the trace corrupt?)");
  };

  // An access b is checked against the groups of the life it belongs to, then joins them.
  auto check_in = [&](LiveMemory::Life& life, std::uint64_t begin, const LiveMemory::Piece& piece, const Access& b,
                      std::uint64_t period, std::uint64_t order) {
    const bool paired = !search.sampled_by_periods() || period % 2 == 1;
    for (std::size_t g = 0; paired && g < life.groups.size(); ++g) {
      const Access a = life.groups[g].latest;
      if (search.sampled_by_periods() && life.groups[g].period != period) continue;
      if (!search.conflict(a, b)) continue;
      const std::pair<StackIndex, StackIndex> sites = std::minmax(a.stack, b.stack);
      if (std::find(life.reported.begin(), life.reported.end(), sites) != life.reported.end()) continue;
      if (search.covers(b, a.thread) > a.epoch) continue;  // a's epoch precedes b's
      life.reported.push_back(sites);
      if (life.variable == LiveMemory::kNoVariable) {
        life.variable = static_cast<VariableIndex>(model.variables.size());
        model.variables.push_back(make_variable(begin, piece.end - begin, life.block.get()));
        counts.emplace_back();
        for (const LiveMemory::Group& earlier : life.groups) count(life.variable, earlier.latest, earlier.count);
      }
      RaceFinding race;
      race.variable = life.variable;
      race.first = model.accesses.size();
      race.second = race.first + 1;
      model.accesses.push_back(a);
      model.accesses.push_back(b);
      model.accesses[race.first].variable = model.accesses[race.second].variable = life.variable;
      model.memory_races.push_back(race);
    }
    if (life.variable != LiveMemory::kNoVariable) {
      Counts& c = counts[life.variable - first_variable];
      if (c.last_order != order) {
        c.last_order = order;
        count(life.variable, b, 1);
      }
    }
    for (LiveMemory::Group& g : life.groups)
      if (same_group(g, b, period)) {
        g.latest.epoch = std::max(g.latest.epoch, b.epoch);
        ++g.count;
        return;
      }
    life.groups.push_back({b, period, 1});
  };

  // Thread t's epoch `next` begins: each range it has pending from an earlier epoch is checked, in
  // the life it belongs to: the latest allocation's if one came since its epoch began, else the
  // life its epoch began in.
  auto end_epochs_before = [&](ThreadIndex t, std::uint64_t next) {
    for (; !pending[t].empty() && pending[t].front().range.epoch < next; pending[t].pop_front()) {
      const Pending& item = pending[t].front();
      const Range& r = item.range;
      const Access b = access_of(r);
      const std::uint64_t period = search.sampled_by_periods() ? search.period_of(r.thread, r.epoch) : 1;
      auto life_at_start = began_in[t].begin();
      const auto lives_end = life_at_start + static_cast<std::ptrdiff_t>(item.lives);
      memory.for_each(r.address, r.address + r.size, false, [&](std::uint64_t at, LiveMemory::Piece& p) {
        while (life_at_start + 1 < lives_end && (life_at_start + 1)->first <= at) ++life_at_start;
        const std::uint64_t began = life_at_start < lives_end ? life_at_start->second : LiveMemory::kNoLife;
        if (LiveMemory::Life* l = p.life(began); l && l->waiting > 0) --l->waiting;
        if (p.pending > 0) --p.pending;
        LiveMemory::Life* life = p.life(p.last_allocation > r.begins_at ? p.allocation_life : began);
        check_in(life ? *life : p.current(), at, p, b, period, r.order);
      });
      began_in[t].erase(began_in[t].begin(), lives_end);
    }
  };

  auto apply = [&](const Block& block) {
    if (block.kind == Block::kAllocation) {
      auto info = std::make_shared<const LiveMemory::BlockInfo>(
          LiveMemory::BlockInfo{block.address, block.size, block.thread, block.stack, block.thread_stack});
      memory.for_each(block.address, block.address + block.size, true, [&](std::uint64_t, LiveMemory::Piece& p) {
        LiveMemory::Life& life = p.lives.emplace_back();
        life.id = block.order;
        life.block = info;
        p.last_allocation = block.sequence;
        p.allocation_life = block.order;
      });
    } else if (block.kind == Block::kFree) {
      memory.for_each(block.address, block.address + block.size, false, [&](std::uint64_t, LiveMemory::Piece& p) {
        p.lives.emplace_back().id = block.order | kAfterFree;
      });
    }
  };

  // The pass: events (syncs, allocations, frees, period markers) in sequence order, each ending
  // its thread's epoch; ranges registered as the pass reaches their epoch's start (after the event
  // that began it).
  Range range;
  bool has_range = ranges_.next(range);
  Block block;
  bool has_block = blocks_.next(block);
  for (std::size_t next_sync = 0;;) {
    const std::uint64_t sync_at = next_sync < sync_order.size() ? syncs[sync_order[next_sync]].sequence : kNever;
    const std::uint64_t block_at = has_block ? block.sequence : kNever;
    if (has_range && range.begins_at < std::min(sync_at, block_at)) {
      register_range(range);
      has_range = ranges_.next(range);
    } else if (sync_at != kNever && sync_at <= block_at) {
      const SyncEvent& sync = syncs[sync_order[next_sync++]];
      end_epochs_before(sync.thread, sync.epoch);
    } else if (has_block) {
      end_epochs_before(block.thread, block.epoch);
      apply(block);
      has_block = blocks_.next(block);
    } else {
      break;
    }
  }
  for (ThreadIndex t = 0; t < pending.size(); ++t) end_epochs_before(t, kNever);

  // The lockset evidence: the lock most of the variable's accesses held.
  for (std::size_t r = first_race; r < model.memory_races.size(); ++r) {
    RaceFinding& race = model.memory_races[r];
    const Counts& c = counts[race.variable - first_variable];
    race.accesses = c.accesses;
    auto guard = std::max_element(c.held_at.begin(), c.held_at.end(),
                                  [](const auto& x, const auto& y) { return x.second < y.second; });
    if (guard == c.held_at.end()) continue;
    race.has_guard = true;
    race.guard = guard->first;
    race.guarded_accesses = guard->second;
  }
  // Their memory back, not only their size: the analysis that follows needs its own.
  ranges_.clear();
  blocks_.clear();
  benign_.clear();
}

}  // namespace lockgraph::analysis
