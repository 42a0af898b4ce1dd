// Numbers held as distances (analyzer/near_numbers.h) against a plain vector on random inputs:
// close together, going back, blocks begun between, and now and then one too far for 16 bits or
// for 32.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "near_numbers.h"

namespace lockgraph::analysis {
namespace {

TEST(NearNumbers, HoldWhatWasPushed) {
  std::mt19937_64 rng(20261204);
  int wide = 0, sixteen = 0;
  for (int round = 0; round < 1000; ++round) {
    NearNumbers numbers;
    if (round % 2) numbers.reserve(rng() % 300);
    std::vector<std::uint64_t> expected;
    std::vector<std::size_t> at;  // where each pushed number is
    std::uint64_t value = rng();
    bool far = false;
    for (std::size_t i = 0, n = rng() % 300; i < n; ++i) {
      if (rng() % 30 == 0) numbers.begin_block();
      if (round % 3 == 0 && rng() % 50 == 0) {  // beyond 32 bits
        value += std::uint64_t{1} << (31 + rng() % 20);
        far = true;
      } else if (rng() % 40 == 0) {  // beyond 16 bits
        value += (std::uint64_t{1} << (15 + rng() % 14)) * (rng() % 2 ? 1 : -1);
        sixteen += !far;
      } else {
        value += rng() % 2000 - 1000;
      }
      at.push_back(numbers.size());
      numbers.push_back(value);
      expected.push_back(value);
      for (std::size_t j = 0; j < expected.size(); ++j) ASSERT_EQ(numbers[at[j]], expected[j]) << "round " << round;
    }
    wide += far;
    numbers.clear();  // empty again, and it works as new
    numbers.push_back(7);
    ASSERT_EQ(numbers.size(), 1u);
    ASSERT_EQ(numbers[0], 7u);
  }
  EXPECT_GT(wide, 100);
  EXPECT_GT(sixteen, 1000);
}

}  // namespace
}  // namespace lockgraph::analysis
