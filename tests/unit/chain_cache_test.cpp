// The chain cache against a trivially correct reference (std::unordered_map), on random keys,
// through several growths.
#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

#include "chain_cache.h"

namespace lockgraph::rt {
namespace {

TEST(ChainCache, AgreesWithReferenceMapThroughGrowth) {
  ChainCache cache;
  std::unordered_map<std::uint64_t, std::uint64_t> reference;
  std::mt19937_64 random(7);
  for (int i = 0; i < 20000; ++i) {
    std::uint64_t key = hash_mix(0, random() % 5000);
    ChainEntry* entry = cache.find(key);
    auto it = reference.find(key);
    ASSERT_EQ(entry != nullptr, it != reference.end());
    if (!entry) {
      entry = cache.insert(key);
      entry->chain_id = static_cast<std::uint32_t>(reference.size() + 1);
      reference[key] = entry->chain_id;
    }
    entry->count.store(entry->count.load() + 1);
    ASSERT_EQ(entry->chain_id, reference[key]);
  }
  std::size_t visited = 0;
  std::uint64_t total = 0;
  cache.for_each([&](ChainEntry& e, std::uint64_t& reported) {
    ++visited;
    total += e.count.load();
    EXPECT_EQ(reported, 0u);
    reported = e.count.load();  // the flush's bookkeeping survives growth (checked below)
  });
  EXPECT_EQ(visited, reference.size());
  EXPECT_EQ(total, 20000u);
  // Growing the table keeps each chain's reported part with it.
  for (int i = 0; i < 5000; ++i) cache.insert(hash_mix(1, static_cast<std::uint64_t>(i) + 100000));
  std::uint64_t reported_total = 0;
  cache.for_each([&](ChainEntry& e, std::uint64_t& reported) {
    if (e.chain_id != 0) {
      EXPECT_EQ(reported, e.count.load());
    }
    reported_total += reported;
  });
  EXPECT_EQ(reported_total, 20000u);
}

TEST(ChainCache, HashMixNeverReturnsZero) {
  for (std::uint64_t i = 0; i < 100000; ++i) EXPECT_NE(hash_mix(i, i * 31), 0u);
}

}  // namespace
}  // namespace lockgraph::rt
