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
// and only a variable with a race enters the model: the analysis holds the recorded ranges and
// one piece of memory's accesses at a time, not every access of the run.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "lockgraph/analysis/trace_model.h"
#include "model_builder.h"

namespace lockgraph::analysis {

class MemoryLog {
 public:
  struct Range {
    ThreadIndex thread = 0;
    std::uint32_t epoch = 0;
    std::uint64_t address = 0;
    std::uint64_t size = 0;
    bool write = false;
    bool atomic = false;
    bool frees = false;
    StackIndex stack = 0;
    LockSetIndex held = 0;  // into the model's locksets
  };
  struct Block {
    ThreadIndex thread = 0;
    std::uint64_t sequence = 0;
    std::uint64_t address = 0;
    std::uint64_t size = 0;
    StackIndex stack = 0;
    bool thread_stack = false;
    bool is_free = false;  // the end of a life, not the start of one
  };

  void access(const Range& range) { ranges_.push_back(range); }
  // A block begins its life; its thread's epoch `epoch` begins with it.
  void allocation(Block block, std::uint32_t epoch) {
    epoch_started(block.thread, epoch, block.sequence);
    blocks_.push_back(block);
  }
  // Thread `thread` entered `epoch` at global sequence number `sequence` (any record with both).
  void epoch_started(ThreadIndex thread, std::uint32_t epoch, std::uint64_t sequence) {
    epoch_starts_.push_back({thread, epoch, sequence});
  }
  // The block [address, address + size) was freed at global sequence number `sequence` by
  // `thread` (its write is an access too): whatever life it had ends.
  void freed(ThreadIndex thread, std::uint64_t address, std::uint64_t size, std::uint64_t sequence) {
    blocks_.push_back({thread, sequence, address, size, 0, false, true});
  }
  void benign(std::uint64_t address, std::uint64_t size) { benign_.push_back({address, address + size}); }
  bool empty() const { return ranges_.empty(); }

  // Adds the variables that race, with all their accesses, to the model (the builder's process,
  // whose syncs must all be read) and forgets the log. Throws TraceError (naming the trace) if the
  // shared memory is too large to analyze.
  void resolve(ModelBuilder& builder);

  explicit MemoryLog(std::string path) : path_(std::move(path)) {}

 private:
  struct EpochStart {
    ThreadIndex thread;
    std::uint32_t epoch;
    std::uint64_t sequence;
  };
  std::string path_;
  // In pieces, not one array: a vector growing to millions holds its old and new arrays at once.
  std::deque<Range> ranges_;
  std::deque<Block> blocks_;
  std::deque<EpochStart> epoch_starts_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> benign_;  // [begin, end)
};

}  // namespace lockgraph::analysis
