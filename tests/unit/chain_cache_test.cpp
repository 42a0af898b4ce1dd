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
      cache.info(entry).chain_id = static_cast<std::uint32_t>(reference.size() + 1);
      reference[key] = cache.info(entry).chain_id;
    }
    cache.count_one(entry);
    ASSERT_EQ(cache.info(entry).chain_id, reference[key]);
  }
  std::size_t visited = 0;
  std::uint64_t total = 0;
  cache.for_each([&](ChainEntry& e, ChainInfo& info) {
    ++visited;
    total += cache.total(&e);
    EXPECT_EQ(info.reported, 0u);
    info.reported = cache.total(&e);  // the flush's bookkeeping survives growth (checked below)
  });
  EXPECT_EQ(visited, reference.size());
  EXPECT_EQ(total, 20000u);
  // Growing the table keeps each chain's reported part with it.
  for (int i = 0; i < 5000; ++i) cache.insert(hash_mix(1, static_cast<std::uint64_t>(i) + 100000));
  std::uint64_t reported_total = 0;
  cache.for_each([&](ChainEntry& e, ChainInfo& info) {
    if (info.chain_id != 0) {
      EXPECT_EQ(info.reported, cache.total(&e));
    }
    reported_total += info.reported;
  });
  EXPECT_EQ(reported_total, 20000u);
}

TEST(ChainCache, CountCarriesPastThirtyTwoBits) {
  ChainCache cache;
  ChainEntry* entry = cache.insert(hash_mix(2, 3));
  entry->count.store(~std::uint32_t{0} - 1);
  cache.count_one(entry);
  cache.count_one(entry);  // wraps
  cache.count_one(entry);
  EXPECT_EQ(cache.total(entry), (std::uint64_t{1} << 32) + 1);
  for (int i = 0; i < 3000; ++i) cache.insert(hash_mix(4, static_cast<std::uint64_t>(i)));  // grows
  ChainEntry* moved = cache.find(hash_mix(2, 3));
  ASSERT_NE(moved, nullptr);
  EXPECT_EQ(cache.total(moved), (std::uint64_t{1} << 32) + 1);
}

TEST(ChainCache, HashMixNeverReturnsZero) {
  for (std::uint64_t i = 0; i < 100000; ++i) EXPECT_NE(hash_mix(i, i * 31), 0u);
}

}  // namespace
}  // namespace lockgraph::rt
