// A long list of 64-bit numbers each near the ones before it (sequence numbers, places in a log),
// in about 2.75 bytes a number: each is a 16-bit distance, either way, from the first of its block
// of 16; a block with one further holds 32-bit distances (4 more bytes a number); if one is
// further still, every number is stored whole from then on.
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
    if (wide_) return whole_[i];
    const std::size_t b = i / kBlock;
    const std::uint32_t far = far_[b];
    return bases_[b] + static_cast<std::int64_t>(far == kNear ? std::int32_t{near_[i]} : far_distances_[far + i % kBlock]);
  }
  // Room for `n` numbers made at once (growing by doubling held up to three times their size
  // while it copied).
  void reserve(std::size_t n) {
    if (wide_) {
      whole_.reserve(n);
      return;
    }
    near_.reserve(n);
    bases_.reserve(n / kBlock + 1);
    far_.reserve(n / kBlock + 1);
  }
  // The next number begins a block: numbers of different kinds (threads) are not measured
  // against each other. The rest of the block is left unused.
  void begin_block() { size_ = (size_ + kBlock - 1) / kBlock * kBlock; }

  void push_back(std::uint64_t value) {
    const std::size_t at = size_++;
    if (!wide_) {
      const std::size_t b = at / kBlock;
      if (at % kBlock == 0) {
        bases_.push_back(value);
        far_.push_back(kNear);
      }
      const auto distance = static_cast<std::int64_t>(value - bases_[b]);
      near_.resize(at + 1, 0);
      if (far_[b] == kNear) {
        if (fits<std::int16_t>(distance)) {
          near_[at] = static_cast<std::int16_t>(distance);
          return;
        }
        // The block's distances so far, and its next ones, in 32 bits.
        far_[b] = static_cast<std::uint32_t>(far_distances_.size());
        far_distances_.resize(far_distances_.size() + kBlock, 0);
        for (std::size_t i = b * kBlock; i < at; ++i) far_distances_[far_[b] + i % kBlock] = near_[i];
      }
      if (fits<std::int32_t>(distance)) {
        far_distances_[far_[b] + at % kBlock] = static_cast<std::int32_t>(distance);
        return;
      }
      std::vector<std::uint64_t> whole(at, 0);
      for (std::size_t i = 0; i < at; ++i) whole[i] = (*this)[i];
      whole_.swap(whole);
      clear_distances();
      wide_ = true;
    }
    whole_.resize(at + 1, 0);
    whole_[at] = value;
  }
  // Empty again, keeping the room made.
  void clear() {
    size_ = 0;
    wide_ = false;
    clear_distances();
    whole_.clear();
  }
  void shrink_to_fit() {
    bases_.shrink_to_fit();
    far_.shrink_to_fit();
    near_.shrink_to_fit();
    far_distances_.shrink_to_fit();
    whole_.shrink_to_fit();
  }

 private:
  static constexpr std::uint32_t kNear = std::numeric_limits<std::uint32_t>::max();
  template <class Narrow>
  static bool fits(std::int64_t distance) {
    return distance >= std::numeric_limits<Narrow>::min() && distance <= std::numeric_limits<Narrow>::max();
  }
  void clear_distances() {
    bases_.clear();
    far_.clear();
    near_.clear();
    far_distances_.clear();
  }

  std::size_t size_ = 0;
  bool wide_ = false;
  std::vector<std::uint64_t> bases_;          // per block: its first number
  std::vector<std::uint32_t> far_;            // per block: kNear, or where its 32-bit distances are
  std::vector<std::int16_t> near_;            // per number: from its block's first (if kNear)
  std::vector<std::int32_t> far_distances_;   // kBlock per block with a distance beyond 16 bits
  std::vector<std::uint64_t> whole_;          // every number, once one was beyond 32 bits
};

}  // namespace lockgraph::analysis
