// The memory accesses of a program built with the race flags, as read from one trace, and the
// pass over them that finds their races.
//
// The runtime records an access as an address range (a run of first accesses per sync epoch) and
// heap blocks as allocations and frees. The pass goes through the run in time order, the order of
// the global sequence numbers that syncs, allocations, frees and sampling markers carry: each of
// them begins an epoch of its thread and so ends the ones before. A range is checked when the pass
// reaches an event of its thread with a later epoch: if a precedes b, a's epoch ends before b's
// does, so the order in which ranges are checked agrees with happens-before. A range is checked
// against what the pieces of memory it covers (live_memory.h) hold of other threads' accesses,
// then adds itself.
//
// A range is registered on its pieces when the pass reaches its epoch's start, as known when the
// range was read: a thread's own records come in program order, but a release another thread
// acquired may be written by that thread, into its own buffer, and reach the file later or
// earlier than the accesses after it. So every thread's starts are kept in epoch order, from the
// latest its ranges have reached on; a range whose start has not come yet registers at the start
// before it, early, which only makes it wait longer (its check still waits for a later epoch).
//
// A piece is one variable per life of the memory: an access belongs to the latest allocation or
// free covering it that came before the end of the access's epoch: after an allocation, that
// block's life; after a free that came before the access's epoch began, a life of its own (memory
// the allocator reused without telling: glibc's own allocations); after a free that may have come
// later than the access, the life that free ended. So a range keeps, from its registration, the
// life of each piece at its epoch's start, and is checked in the latest allocation's life if one
// came since, else in that one. A free is a write of the whole block; two frees never race.
//
// Ranges are held in memory up to a budget and past it written, sorted by their epoch's start,
// to a temporary file (sorted_spill.h), as are allocations and frees by sequence number. What the
// pass holds is the live memory's pieces and the ranges of the epochs open where it is: not the
// run's accesses.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "lockgraph/analysis/trace_model.h"
#include "model_builder.h"
#include "sorted_spill.h"

namespace lockgraph::analysis {

class MemoryLog {
 public:
  struct Range {
    std::uint64_t address = 0;
    std::uint64_t size = 0;
    std::uint64_t order = 0;      // its place among the log's ranges (set by access())
    std::uint64_t begins_at = 0;  // the sequence number of its epoch's start (set by access())
    ThreadIndex thread = 0;
    std::uint32_t epoch = 0;
    StackIndex stack = 0;
    LockSetIndex held = 0;  // into the model's locksets
    bool write = false;
    bool atomic = false;
    bool frees = false;
  };
  // Something that begins an epoch of its thread and is no sync event: an allocation, a free, or
  // the thread's marker of a new sampling period (which has no memory).
  struct Block {
    enum Kind : std::uint8_t { kAllocation, kFree, kPeriod };
    std::uint64_t sequence = 0;
    std::uint64_t address = 0;
    std::uint64_t size = 0;
    std::uint64_t order = 0;  // its place among the log's blocks (set here)
    ThreadIndex thread = 0;
    std::uint32_t epoch = 0;  // the epoch of its thread it begins (set here)
    StackIndex stack = 0;
    bool thread_stack = false;
    Kind kind = kAllocation;
  };

  void access(Range range) {
    range.order = ranges_.size();
    range.begins_at = epoch_begins_at(range.thread, range.epoch);
    if (range.thread >= epochs_reached_.size()) epochs_reached_.resize(range.thread + 1, 0);
    epochs_reached_[range.thread] = std::max(epochs_reached_[range.thread], range.epoch + 1);
    ranges_.push(range);
  }
  // A block begins its life; its thread's epoch `epoch` begins with it.
  void allocation(Block block, std::uint32_t epoch) {
    block.kind = Block::kAllocation;
    push(block, epoch);
  }
  // Thread `thread` entered `epoch` at global sequence number `sequence` by one of this trace's
  // sync events (the model's: the pass takes them from there).
  void sync_began(ThreadIndex thread, std::uint32_t epoch, std::uint64_t sequence) {
    if (thread >= starts_.size()) starts_.resize(thread + 1);
    std::deque<EpochStart>& starts = starts_[thread];
    auto at = starts.end();
    while (at != starts.begin() && std::prev(at)->epoch > epoch) --at;  // mostly none: in order
    starts.insert(at, {epoch, sequence});
  }
  // Thread `thread` marked a new sampling period, which begins its epoch `epoch`.
  void period_began(ThreadIndex thread, std::uint32_t epoch, std::uint64_t sequence) {
    Block marker;
    marker.thread = thread;
    marker.sequence = sequence;
    marker.kind = Block::kPeriod;
    push(marker, epoch);
  }
  // `range` (the write of a free, in the epoch before it) freed its block at global sequence
  // number `sequence`, which begins the thread's next epoch: whatever life the block had ends.
  void freed(Range range, std::uint64_t sequence) {
    Block end;
    end.sequence = sequence;
    end.address = range.address;
    end.size = range.size;
    end.thread = range.thread;
    end.kind = Block::kFree;
    push(end, range.epoch + 1);
    range.write = range.frees = true;
    access(range);
  }
  void benign(std::uint64_t address, std::uint64_t size) { benign_.push_back({address, address + size}); }
  bool empty() const { return ranges_.size() == 0; }

  // Finds the races of the log (the builder's process, whose syncs must all be read): each
  // variable with a race enters the model with the accesses the races name, the races go to
  // model.memory_races. Then forgets the log. Throws TraceError (naming the trace) if the shared
  // memory is too large to analyze, std::runtime_error if the temporary file fails.
  void resolve(ModelBuilder& builder);

  // Holds up to `in_memory` ranges, and as many blocks, in memory; more go, sorted, to a
  // temporary file (sorted_spill.h) and are merged back during the pass.
  // `first_sync`: the model's syncs from this index on are this trace's.
  MemoryLog(std::string path, std::size_t in_memory, std::size_t first_sync)
      : path_(std::move(path)), ranges_(in_memory), blocks_(in_memory), first_sync_(first_sync) {}

 private:
  struct EpochStart {
    std::uint32_t epoch = 0;
    std::uint64_t sequence = 0;
  };
  void push(Block block, std::uint32_t epoch) {
    block.epoch = epoch;
    sync_began(block.thread, epoch, block.sequence);
    block.order = blocks_.size();
    blocks_.push(block);
  }
  // Where thread t's epoch `epoch` began, as far as its starts have come: its latest start at or
  // before that epoch, 0 if none. The starts before that one are forgotten: the thread's ranges
  // come in epoch order, so no later one looks them up.
  std::uint64_t epoch_begins_at(ThreadIndex t, std::uint32_t epoch) {
    if (t >= starts_.size()) return 0;
    std::deque<EpochStart>& starts = starts_[t];
    auto after = std::upper_bound(starts.begin(), starts.end(), epoch,
                                  [](std::uint32_t e, const EpochStart& s) { return e < s.epoch; });
    if (after == starts.begin()) return 0;
    starts.erase(starts.begin(), std::prev(after));
    return starts.front().sequence;
  }
  struct ByStart {  // as the pass registers ranges: by their epoch's start, then in trace order
    bool operator()(const Range& a, const Range& b) const {
      return a.begins_at != b.begins_at ? a.begins_at < b.begins_at : a.order < b.order;
    }
  };
  struct BySequence {
    bool operator()(const Block& a, const Block& b) const {
      return a.sequence != b.sequence ? a.sequence < b.sequence : a.order < b.order;
    }
  };
  std::string path_;
  SortedSpill<Range, ByStart> ranges_;
  SortedSpill<Block, BySequence> blocks_;
  std::vector<std::uint32_t> epochs_reached_;  // per thread: its ranges' epochs are below it
  std::vector<std::deque<EpochStart>> starts_;  // per thread, by epoch: from its ranges' latest on
  std::vector<std::pair<std::uint64_t, std::uint64_t>> benign_;  // [begin, end)
  std::size_t first_sync_;
};

}  // namespace lockgraph::analysis
