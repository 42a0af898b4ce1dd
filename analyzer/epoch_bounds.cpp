#include "epoch_bounds.h"

#include <algorithm>

namespace lockgraph::analysis {

void EpochBounds::add(std::uint32_t thread, std::uint32_t epoch, std::uint64_t sequence) {
  if (thread >= threads_.size()) threads_.resize(std::size_t{thread} + 1);
  Thread& t = threads_[thread];
  if (static_cast<std::int64_t>(thread) != last_thread_) {
    // A thread's starts begin a block of their own: distances stay within one thread's.
    last_thread_ = thread;
    size_ = (size_ + kBlock - 1) / kBlock * kBlock;
    t.first = size_;
    t.first_epoch = epoch;
  } else if (sequence < this->sequence(size_ - 1)) {
    in_sequence_order_ = false;
  }
  if (t.consecutive && epoch != t.first_epoch + t.count) {  // from here on, each epoch listed
    t.consecutive = false;
    t.listed = epochs_.size();
    for (std::size_t i = 0; i < t.count; ++i) epochs_.push_back(t.first_epoch + static_cast<std::uint32_t>(i));
  }
  if (!t.consecutive) epochs_.push_back(epoch);

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
  // The first of the thread's starts with a later epoch.
  std::size_t next;
  if (t.consecutive) {
    next = epoch < t.first_epoch ? 0 : std::min<std::size_t>(std::size_t{epoch} - t.first_epoch + 1, t.count);
  } else {
    const auto first = epochs_.begin() + static_cast<std::ptrdiff_t>(t.listed);
    next = static_cast<std::size_t>(std::upper_bound(first, first + static_cast<std::ptrdiff_t>(t.count), epoch) - first);
  }
  return {next > 0 ? sequence(t.first + next - 1) : 0, next < t.count ? sequence(t.first + next) : kNoEnd};
}

}  // namespace lockgraph::analysis
