// The memory accesses of a program built with the race flags, as read from one trace, and how they
// become the model's variables and accesses.
//
// The runtime records an access as an address range (a run of first accesses per sync epoch) and
// heap blocks as allocations and frees. Here the address space is swept from one end of a range,
// a block or a benign annotation to the next: every access covers such a piece whole or not at all
// (two threads writing different bytes of one word touch different pieces and do not race), and
// each piece is one variable per life of the memory: an access belongs to the latest allocation
// or free covering it that came before the end of the access's epoch (allocations and frees end
// their thread's epoch and carry a global sequence number): after an allocation, that block's
// life; after a free that came before the access's epoch began, a life of its own (memory the
// allocator reused without telling: glibc's own allocations); after a free that may have come
// later than the access, the life that free ended. A free is a write of the whole block; it only
// matters where someone else accessed the block.
//
// Each variable's accesses are searched for races as soon as the sweep has them (race_search.h),
// and only a variable with a race enters the model. The recorded ranges are held in memory up to
// a budget and past it written, sorted by address, to a temporary file (sorted_spill.h); the
// sweep merges them back and holds only the ranges covering the address it is at (heap
// allocations and frees likewise), those of one extent and one kind as one group with the
// ranges' epochs and places in the log (about 7 bytes a range; 16 more for the epochs' bounds where
// two threads share the memory: only there are lives told apart), so the analysis holds the
// epochs' starts, compactly (epoch_bounds.h), and the history of the most accessed address, not
// every access of the run.
#pragma once

#include <algorithm>
#include <cstdint>
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
    std::uint64_t order = 0;  // its place among the log's ranges (set by access())
    ThreadIndex thread = 0;
    std::uint32_t epoch = 0;
    StackIndex stack = 0;
    LockSetIndex held = 0;  // into the model's locksets
    bool write = false;
    bool atomic = false;
    bool frees = false;
  };
  struct Block {
    std::uint64_t sequence = 0;
    std::uint64_t address = 0;
    std::uint64_t size = 0;
    std::uint64_t order = 0;  // its place among the log's allocations and frees (set here)
    ThreadIndex thread = 0;
    StackIndex stack = 0;
    bool thread_stack = false;
    bool is_free = false;  // the end of a life, not the start of one
  };

  void access(Range range) {
    range.order = ranges_.size();
    if (range.thread >= epochs_reached_.size()) epochs_reached_.resize(range.thread + 1, 0);
    epochs_reached_[range.thread] = std::max(epochs_reached_[range.thread], range.epoch + 1);
    ranges_.push(range);
  }
  // A block begins its life; its thread's epoch `epoch` begins with it.
  void allocation(Block block, std::uint32_t epoch) {
    epoch_started(block.thread, epoch, block.sequence);
    block.order = blocks_.size();
    blocks_.push(block);
  }
  // Thread `thread` entered `epoch` at global sequence number `sequence`, by a record that is not
  // among the model's syncs (an allocation, a free, a period marker): the process's syncs in the
  // model (not fenced ones: they begin no epoch) begin the thread's other epochs.
  void epoch_started(ThreadIndex thread, std::uint32_t epoch, std::uint64_t sequence) {
    epoch_starts_.push({thread, epoch, sequence});
  }
  // The block [address, address + size) was freed at global sequence number `sequence` by
  // `thread` (its write is an access too): whatever life it had ends.
  void freed(ThreadIndex thread, std::uint64_t address, std::uint64_t size, std::uint64_t sequence) {
    Block end;
    end.sequence = sequence;
    end.address = address;
    end.size = size;
    end.order = blocks_.size();
    end.thread = thread;
    end.is_free = true;
    blocks_.push(end);
  }
  void benign(std::uint64_t address, std::uint64_t size) { benign_.push_back({address, address + size}); }
  bool empty() const { return ranges_.size() == 0; }

  // Adds the variables that race, with all their accesses, to the model (the builder's process,
  // whose syncs must all be read) and forgets the log. Throws TraceError (naming the trace) if the
  // shared memory is too large to analyze, std::runtime_error if the temporary file fails.
  void resolve(ModelBuilder& builder);

  // Holds up to `in_memory` ranges, and as many allocations and frees and epoch starts, in
  // memory; more go, sorted, to a temporary file (sorted_spill.h) and are merged back: ranges and
  // blocks by address during the sweep, which holds only those that cover the address it is at;
  // epoch starts by thread and epoch into EpochBounds (epoch_bounds.h), about 3 bytes each.
  MemoryLog(std::string path, std::size_t in_memory)
      : path_(std::move(path)), ranges_(in_memory), blocks_(in_memory), epoch_starts_(in_memory) {}

 private:
  struct EpochStart {
    ThreadIndex thread;
    std::uint32_t epoch;
    std::uint64_t sequence;
  };
  struct ByThreadAndEpoch {
    bool operator()(const EpochStart& a, const EpochStart& b) const {
      return a.thread != b.thread ? a.thread < b.thread : a.epoch < b.epoch;
    }
  };
  struct ByAddress {  // as the sweep meets blocks: by address, then in trace order
    bool operator()(const Block& a, const Block& b) const {
      return a.address != b.address ? a.address < b.address : a.order < b.order;
    }
  };
  // Ranges of one extent and one kind: the sweep holds them as one group.
  static auto extent_and_kind(const Range& r) {
    return std::make_tuple(r.address, r.size, r.thread, r.write, r.atomic, r.frees, r.stack, r.held);
  }
  // As the sweep meets ranges: by extent and kind (address first), then by epoch, then in trace
  // order.
  struct ByExtentAndKind {
    bool operator()(const Range& a, const Range& b) const {
      return std::tuple_cat(extent_and_kind(a), std::make_tuple(a.epoch, a.order)) <
             std::tuple_cat(extent_and_kind(b), std::make_tuple(b.epoch, b.order));
    }
  };
  std::string path_;
  SortedSpill<Range, ByExtentAndKind> ranges_;
  SortedSpill<Block, ByAddress> blocks_;
  std::vector<std::uint32_t> epochs_reached_;  // per thread: its ranges' epochs are below it
  SortedSpill<EpochStart, ByThreadAndEpoch> epoch_starts_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> benign_;  // [begin, end)
};

}  // namespace lockgraph::analysis
