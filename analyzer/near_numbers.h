// A long list of 64-bit numbers each near the ones before it (sequence numbers, places in a log),
// in about 4.5 bytes a number: each is a 32-bit distance, either way, from the first of its block
// of 16; if one is further, every number is stored whole from then on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace lockgraph::analysis {

class NearNumbers {
 public:
  static constexpr std::size_t kBlock = 16;

  std::size_t size() const { return size_; }
  std::uint64_t operator[](std::size_t i) const {
    return wide_ ? whole_[i] : bases_[i / kBlock] + static_cast<std::int64_t>(distances_[i]);
  }
  // Room for `n` numbers made at once (growing by doubling held up to three times their size
  // while it copied).
  void reserve(std::size_t n) {
    if (wide_) {
      whole_.reserve(n);
      return;
    }
    distances_.reserve(n);
    bases_.reserve(n / kBlock + 1);
  }
  // The next number begins a block: numbers of different kinds (threads) are not measured
  // against each other. The rest of the block is left unused.
  void begin_block() { size_ = (size_ + kBlock - 1) / kBlock * kBlock; }

  void push_back(std::uint64_t value) {
    const std::size_t at = size_++;
    if (!wide_) {
      if (at % kBlock == 0) bases_.resize(at / kBlock + 1, value);
      const auto distance = static_cast<std::int64_t>(value - bases_[at / kBlock]);
      if (distance >= std::numeric_limits<std::int32_t>::min() && distance <= std::numeric_limits<std::int32_t>::max()) {
        distances_.resize(at + 1, 0);
        distances_[at] = static_cast<std::int32_t>(distance);
        return;
      }
      whole_.reserve(distances_.capacity());
      for (std::size_t i = 0; i < at; ++i) whole_.push_back(i < distances_.size() ? (*this)[i] : 0);
      wide_ = true;
      std::vector<std::uint64_t>().swap(bases_);
      std::vector<std::int32_t>().swap(distances_);
    }
    whole_.resize(at + 1, 0);
    whole_[at] = value;
  }
  // Empty again, keeping the room made.
  void clear() {
    size_ = 0;
    wide_ = false;
    bases_.clear();
    distances_.clear();
    whole_.clear();
  }
  void shrink_to_fit() {
    bases_.shrink_to_fit();
    distances_.shrink_to_fit();
    whole_.shrink_to_fit();
  }

 private:
  std::size_t size_ = 0;
  bool wide_ = false;
  std::vector<std::uint64_t> bases_;      // per block: its first number
  std::vector<std::int32_t> distances_;   // per number: from its block's first
  std::vector<std::uint64_t> whole_;      // every number, once one was too far
};

}  // namespace lockgraph::analysis
