// Elementary cycles of a directed graph: strongly connected components (Tarjan, 1972) restrict
// the search, then Johnson's algorithm (1975) lists every elementary cycle exactly once, starting
// at its smallest node. Standalone: it knows nothing of locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lockgraph::analysis {

using Adjacency = std::vector<std::vector<std::uint32_t>>;  // node -> successors

struct CycleSearchResult {
  std::vector<std::vector<std::uint32_t>> cycles;  // each: nodes in order, smallest node first
  bool truncated = false;                          // stopped at max_cycles
};

// Strongly connected components, each a list of nodes; singletons without a self-loop included.
std::vector<std::vector<std::uint32_t>> strongly_connected_components(const Adjacency& graph);

// Every elementary cycle (self-loops included) up to `max_cycles`; `truncated` says if more exist.
CycleSearchResult find_elementary_cycles(const Adjacency& graph, std::size_t max_cycles);

}  // namespace lockgraph::analysis
