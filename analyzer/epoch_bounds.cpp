#include "epoch_bounds.h"

#include <algorithm>

namespace lockgraph::analysis {

void EpochBounds::reserve(std::size_t starts, std::size_t threads) {
  const std::size_t padded = starts + threads * (kBlock - 1);
  offsets_.reserve(padded);
  block_bases_.reserve(padded / kBlock + 1);
  threads_.reserve(threads);
}

void EpochBounds::add(std::uint32_t thread, std::uint32_t epoch, std::uint64_t sequence) {
  if (thread >= threads_.size()) threads_.resize(std::size_t{thread} + 1);
  Thread& t = threads_[thread];
  if (static_cast<std::int64_t>(thread) != last_thread_) {
    // A thread's starts begin a block of their own: distances stay within one thread's.
    last_thread_ = thread;
    size_ = (size_ + kBlock - 1) / kBlock * kBlock;
    t.first = size_;
    t.first_run = runs_.size();
  } else if (sequence < this->sequence(size_ - 1)) {
    in_sequence_order_ = false;
  }
  if (t.count == 0 || epoch != t.last_epoch + 1) {
    runs_.push_back({t.count, epoch});
    ++t.runs;
  }
  t.last_epoch = epoch;

  const std::size_t start = size_++;
  if (!wide_) {
    if (start % kBlock == 0) {
      block_bases_.resize(start / kBlock + 1, 0);
      block_bases_[start / kBlock] = sequence;
    }
    offsets_.resize(start + 1, 0);
    const std::uint64_t base = block_bases_[start / kBlock];
    const std::int64_t distance = static_cast<std::int64_t>(sequence - base);
    if (distance >= std::numeric_limits<std::int32_t>::min() && distance <= std::numeric_limits<std::int32_t>::max()) {
      offsets_[start] = static_cast<std::int32_t>(distance);
    } else {  // too far for 32 bits: every sequence number whole from now on
      wide_sequences_.resize(start + 1, 0);
      for (std::size_t i = 0; i < start; ++i) wide_sequences_[i] = this->sequence(i);
      wide_ = true;
      std::vector<std::uint64_t>().swap(block_bases_);
      std::vector<std::int32_t>().swap(offsets_);
    }
  }
  if (wide_) {
    wide_sequences_.resize(start + 1, 0);
    wide_sequences_[start] = sequence;
  }
  ++t.count;
}

std::pair<std::uint64_t, std::uint64_t> EpochBounds::of(std::uint32_t thread, std::uint32_t epoch) const {
  if (thread >= threads_.size()) return {0, kNoEnd};
  const Thread& t = threads_[thread];
  // The first of the thread's starts with a later epoch: in the last run that begins at or before
  // the epoch, past it, or else the next run's first.
  const auto runs = runs_.begin() + static_cast<std::ptrdiff_t>(t.first_run);
  const auto after = std::upper_bound(runs, runs + static_cast<std::ptrdiff_t>(t.runs), epoch,
                                      [](std::uint32_t e, const Run& r) { return e < r.first_epoch; });
  std::size_t next = 0;
  if (after != runs) {
    const Run& run = *(after - 1);
    const std::size_t run_end = after == runs + static_cast<std::ptrdiff_t>(t.runs) ? t.count : after->start;
    next = std::min(run.start + (std::size_t{epoch} - run.first_epoch) + 1, run_end);
  }
  return {next > 0 ? sequence(t.first + next - 1) : 0, next < t.count ? sequence(t.first + next) : kNoEnd};
}

}  // namespace lockgraph::analysis
