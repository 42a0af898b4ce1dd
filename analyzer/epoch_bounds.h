// Where each thread's epochs begin, as global sequence numbers: the bounds in time of any access
// the memory log dates by its epoch. A trace has an epoch start for every sync event, allocation
// and free (tens of millions), so they are held in about 3 bytes each: a thread's epochs are
// mostly numbered one after the other, so only where a run of consecutive ones begins is an epoch
// stored, and the sequence numbers are NearNumbers (near_numbers.h), each thread's its own blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "near_numbers.h"

namespace lockgraph::analysis {

class EpochBounds {
 public:
  static constexpr std::uint64_t kNoEnd = std::numeric_limits<std::uint64_t>::max();

  // Room for `starts` starts of `threads` threads, made at once (growing by doubling held up to
  // three times their size at the moment of a copy).
  void reserve(std::size_t starts, std::size_t threads);

  // Thread `thread`'s epoch `epoch` began at sequence number `sequence`. Starts are added by
  // thread, then epoch, ascending (an epoch may begin more than once: the last start counts as
  // its beginning, the first as the previous epoch's end).
  void add(std::uint32_t thread, std::uint32_t epoch, std::uint64_t sequence);

  // The sequence numbers between which `thread`'s epoch `epoch` lies: of its latest start at or
  // before the epoch (0 if none) and of its first start after it (kNoEnd if none).
  std::pair<std::uint64_t, std::uint64_t> of(std::uint32_t thread, std::uint32_t epoch) const;

  // Whether each thread's epochs begin in sequence order, as in any trace its runtime wrote.
  bool in_sequence_order() const { return in_sequence_order_; }

 private:
  // Starts [start, next run's start) of a thread have epochs first_epoch, first_epoch + 1, ...
  struct Run {
    std::size_t start;  // the thread's start index
    std::uint32_t first_epoch;
  };
  struct Thread {
    std::size_t first = 0;  // its starts are [first, first + count) of sequences_
    std::size_t count = 0;
    std::size_t first_run = 0, runs = 0;  // its runs in runs_
    std::uint32_t last_epoch = 0;
  };

  std::vector<Thread> threads_;
  NearNumbers sequences_;
  std::vector<Run> runs_;
  std::int64_t last_thread_ = -1;
  bool in_sequence_order_ = true;
};

}  // namespace lockgraph::analysis
