// The cycle finder against a brute-force reference on thousands of random small graphs.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "lockgraph/analysis/cycle_finder.h"

namespace lockgraph::analysis {
namespace {

// Every elementary cycle, by DFS from each start over nodes greater than the start. Rotated so
// the smallest node comes first, as the finder reports them.
std::set<std::vector<std::uint32_t>> brute_force_cycles(const Adjacency& g) {
  std::set<std::vector<std::uint32_t>> cycles;
  const std::uint32_t n = static_cast<std::uint32_t>(g.size());
  std::vector<std::uint32_t> path;
  std::vector<bool> on_path(n, false);
  auto dfs = [&](auto&& self, std::uint32_t start, std::uint32_t v) -> void {
    for (std::uint32_t w : g[v]) {
      if (w == start) cycles.insert(path);
      else if (w > start && !on_path[w]) {
        on_path[w] = true;
        path.push_back(w);
        self(self, start, w);
        path.pop_back();
        on_path[w] = false;
      }
    }
  };
  for (std::uint32_t s = 0; s < n; ++s) {
    path = {s};
    on_path[s] = true;
    dfs(dfs, s, s);
    on_path[s] = false;
  }
  return cycles;
}

TEST(CycleFinder, MatchesBruteForceOnRandomGraphs) {
  std::mt19937 random(12345);
  for (int trial = 0; trial < 3000; ++trial) {
    std::uint32_t n = 1 + random() % 7;
    Adjacency g(n);
    int density = 1 + static_cast<int>(random() % 4);
    for (std::uint32_t a = 0; a < n; ++a)
      for (std::uint32_t b = 0; b < n; ++b)
        if (static_cast<int>(random() % 8) < density) g[a].push_back(b);
    auto expected = brute_force_cycles(g);
    auto found = find_elementary_cycles(g, 1000000);
    std::set<std::vector<std::uint32_t>> got(found.cycles.begin(), found.cycles.end());
    ASSERT_EQ(got.size(), found.cycles.size()) << "a cycle was reported twice";
    ASSERT_EQ(got, expected) << "trial " << trial;
    ASSERT_FALSE(found.truncated);
  }
}

TEST(CycleFinder, SaysWhenTheBoundCutTheEnumeration) {
  Adjacency complete(6);
  for (std::uint32_t a = 0; a < 6; ++a)
    for (std::uint32_t b = 0; b < 6; ++b)
      if (a != b) complete[a].push_back(b);
  auto found = find_elementary_cycles(complete, 10);
  EXPECT_EQ(found.cycles.size(), 10u);
  EXPECT_TRUE(found.truncated);
}

TEST(CycleFinder, StronglyConnectedComponentsOfAChainAndALoop) {
  Adjacency g = {{1}, {2}, {1}, {}};
  auto components = strongly_connected_components(g);
  std::set<std::vector<std::uint32_t>> got(components.begin(), components.end());
  EXPECT_EQ(got, (std::set<std::vector<std::uint32_t>>{{0}, {1, 2}, {3}}));
}

TEST(CycleFinder, LongCycleDoesNotOverflowTheStack) {
  const std::uint32_t n = 50000;
  Adjacency ring(n);
  for (std::uint32_t i = 0; i < n; ++i) ring[i].push_back((i + 1) % n);
  auto found = find_elementary_cycles(ring, 10);
  ASSERT_EQ(found.cycles.size(), 1u);
  EXPECT_EQ(found.cycles[0].size(), n);
}

}  // namespace
}  // namespace lockgraph::analysis
