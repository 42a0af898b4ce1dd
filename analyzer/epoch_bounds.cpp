#include "epoch_bounds.h"

#include <algorithm>

namespace lockgraph::analysis {

void EpochBounds::reserve(std::size_t starts, std::size_t threads) {
  sequences_.reserve(starts + threads * (NearNumbers::kBlock - 1));
  threads_.reserve(threads);
}

void EpochBounds::add(std::uint32_t thread, std::uint32_t epoch, std::uint64_t sequence) {
  if (thread >= threads_.size()) threads_.resize(std::size_t{thread} + 1);
  Thread& t = threads_[thread];
  if (static_cast<std::int64_t>(thread) != last_thread_) {
    // A thread's starts begin a block of their own: distances stay within one thread's.
    last_thread_ = thread;
    sequences_.begin_block();
    t.first = sequences_.size();
    t.first_run = runs_.size();
  } else if (sequence < sequences_[sequences_.size() - 1]) {
    in_sequence_order_ = false;
  }
  if (t.count == 0 || epoch != t.last_epoch + 1) {
    runs_.push_back({t.count, epoch});
    ++t.runs;
  }
  t.last_epoch = epoch;

  sequences_.push_back(sequence);
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
  return {next > 0 ? sequences_[t.first + next - 1] : 0, next < t.count ? sequences_[t.first + next] : kNoEnd};
}

}  // namespace lockgraph::analysis
