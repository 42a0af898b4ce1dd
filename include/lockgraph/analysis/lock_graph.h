// The lock-order graph: node = lock (or a group of locks), edge A -> B = some thread acquired B
// while holding A. Each edge keeps its evidence: the chains (thread, held set, stacks, flags)
// that produced it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string>
#include <vector>

#include "lockgraph/analysis/cycle_finder.h"
#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

// How locks become nodes: each instance, by creation site (the lockdep "class"), or by the user's
// name (unnamed locks stay instances).
enum class GroupBy { kInstance, kSite, kName };

// One reason for an edge: chain `chain` acquired the edge's target while holding
// chain.held[held_index], the edge's source.
struct Evidence {
  std::size_t chain = 0;
  std::size_t held_index = 0;
};

struct LockNode {
  std::vector<LockIndex> members;  // the locks grouped into this node
};

struct LockEdge {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  std::vector<Evidence> evidence;
};

class LockGraph {
 public:
  // What `--group-by site` groups a lock by: a key for its creation stack. The CLI gives the
  // symbolizer's site (the first frame of the program outside lock wrapper classes); unset, the
  // innermost recorded frame.
  using SiteKey = std::function<std::string(StackIndex)>;

  // Builds the graph of `model`'s chains. The model must outlive the graph.
  LockGraph(const TraceModel& model, GroupBy group_by, const SiteKey& site_key = {});

  const TraceModel& model() const { return *model_; }
  const std::vector<LockNode>& nodes() const { return nodes_; }
  const std::vector<LockEdge>& edges() const { return edges_; }
  std::uint32_t node_of(LockIndex lock) const { return node_of_[lock]; }
  // The edge from -> to, or null.
  const LockEdge* edge(std::uint32_t from, std::uint32_t to) const;
  // Node successors, for the cycle finder.
  Adjacency adjacency() const;

 private:
  const TraceModel* model_;
  std::vector<LockNode> nodes_;
  std::vector<LockEdge> edges_;
  std::vector<std::uint32_t> node_of_;
  std::vector<std::vector<std::pair<std::uint32_t, std::size_t>>> out_;  // node -> (to, edge)
};

}  // namespace lockgraph::analysis
