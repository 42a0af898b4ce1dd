// Elementary cycles of a directed graph, shortest first: strongly connected components (Tarjan,
// 1972) restrict the search; Johnson's algorithm (1975) lists every elementary cycle exactly once
// when there are not too many; otherwise cycles are listed by length (all of 2 nodes, then 3, ...,
// iGoodlock's iterative deepening), so a bound can only ever leave out the longest ones.
// Standalone: it knows nothing of locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lockgraph::analysis {

using Adjacency = std::vector<std::vector<std::uint32_t>>;  // node -> successors

struct CycleSearchResult {
  std::vector<std::vector<std::uint32_t>> cycles;  // shortest first; each: smallest node first
  bool truncated = false;          // a bound stopped the search: longer cycles may be missing
  bool work_bound = false;         // ... and it was the work bound, not max_cycles
  std::size_t complete_length = 0; // every cycle of at most this many nodes is listed
};

// Strongly connected components, each a list of nodes; singletons without a self-loop included.
std::vector<std::vector<std::uint32_t>> strongly_connected_components(const Adjacency& graph);

// Elementary cycles (self-loops included), shortest first. At most `max_cycles`; and at most about
// `max_steps` search steps, a bound on time for graphs whose short cycles are few but whose paths
// are many. When either stops it, `truncated` is set and `complete_length` says up to which
// length the list is whole (a length is listed either whole or, at the cap, in part).
inline constexpr std::size_t kDefaultCycleSteps = 200'000'000;
CycleSearchResult find_elementary_cycles(const Adjacency& graph, std::size_t max_cycles,
                                         std::size_t max_steps = kDefaultCycleSteps);

}  // namespace lockgraph::analysis
