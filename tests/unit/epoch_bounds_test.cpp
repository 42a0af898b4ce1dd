// Where epochs begin (analyzer/epoch_bounds.h), held compactly, against the plain list of starts
// on random inputs: numbered one after the other or with gaps and repeats, sequence numbers close
// together, going back, or too far apart for 32 bits.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <tuple>
#include <vector>

#include "epoch_bounds.h"

namespace lockgraph::analysis {
namespace {

struct Start {
  std::uint32_t thread, epoch;
  std::uint64_t sequence;
};

// The definition: the latest start of the thread at or before the epoch, and its first after.
std::pair<std::uint64_t, std::uint64_t> expected_bounds(const std::vector<Start>& starts, std::uint32_t thread,
                                                        std::uint32_t epoch) {
  std::uint64_t begin = 0, end = EpochBounds::kNoEnd;
  for (const Start& s : starts) {
    if (s.thread != thread) continue;
    if (s.epoch <= epoch) begin = s.sequence;
    else if (end == EpochBounds::kNoEnd) end = s.sequence;
  }
  return {begin, end};
}

TEST(EpochBounds, MatchTheListOfStarts) {
  std::mt19937_64 rng(20261204);
  int wide = 0, gaps = 0, back = 0;
  for (int round = 0; round < 2000; ++round) {
    const std::uint32_t threads = 1 + rng() % 5;
    const int shape = round % 4;  // 0: consecutive; 1: gaps and repeats; 2: far apart; 3: going back
    std::vector<Start> starts;
    std::uint64_t sequence = rng() % 1000;
    for (std::uint32_t t = 0; t < threads; ++t) {
      if (rng() % 4 == 0) continue;  // a thread with no starts
      std::uint32_t epoch = static_cast<std::uint32_t>(rng() % 3);
      for (std::size_t i = 0, n = rng() % 60; i < n; ++i) {
        starts.push_back({t, epoch, sequence});
        epoch += shape == 1 ? static_cast<std::uint32_t>(rng() % 3) : 1;
        if (shape == 2 && rng() % 20 == 0) sequence += std::uint64_t{1} << (31 + rng() % 8);
        else if (shape == 3 && rng() % 5 == 0) sequence -= std::min<std::uint64_t>(sequence, rng() % 50);
        else sequence += 1 + rng() % 100;
      }
    }
    EpochBounds bounds;
    for (const Start& s : starts) bounds.add(s.thread, s.epoch, s.sequence);
    bool ordered = true;
    for (std::size_t i = 1; i < starts.size(); ++i)
      ordered &= starts[i].thread != starts[i - 1].thread || starts[i].sequence >= starts[i - 1].sequence;
    ASSERT_EQ(bounds.in_sequence_order(), ordered) << "round " << round;
    for (std::uint32_t t = 0; t <= threads; ++t)
      for (std::uint32_t e = 0; e < 130; ++e)
        ASSERT_EQ(bounds.of(t, e), expected_bounds(starts, t, e)) << "round " << round << ", thread " << t << ", epoch " << e;
    gaps += shape == 1;
    back += !ordered;
    for (std::size_t i = 1; i < starts.size(); ++i)
      if (starts[i].sequence - starts[i - 1].sequence > (std::uint64_t{1} << 31)) {
        ++wide;
        break;
      }
  }
  EXPECT_GT(wide, 100);  // every form was exercised
  EXPECT_GT(back, 100);
  EXPECT_GT(gaps, 100);
}

}  // namespace
}  // namespace lockgraph::analysis
