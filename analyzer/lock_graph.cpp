#include "lockgraph/analysis/lock_graph.h"

#include <map>
#include <tuple>

namespace lockgraph::analysis {
namespace {

// The key a lock is grouped by: locks with equal keys share a node.
using GroupKey = std::tuple<int, std::string, std::uint64_t, std::uint64_t>;

GroupKey group_key(const TraceModel& model, LockIndex index, GroupBy group_by) {
  const Lock& lock = model.locks[index];
  if (group_by == GroupBy::kName && !lock.name.empty()) return {1, lock.name, 0, 0};
  if (group_by == GroupBy::kSite && lock.creation != 0) {
    const Stack& stack = model.stacks[lock.creation];
    if (!stack.frames.empty()) {
      const Frame& top = stack.frames.front();
      const std::string& module = model.modules[top.module].path;
      return {2, module + top.file, top.offset, top.line};
    }
  }
  return {0, std::string(), lock.process, lock.id};
}

}  // namespace

LockGraph::LockGraph(const TraceModel& model, GroupBy group_by) : model_(&model) {
  std::map<GroupKey, std::uint32_t> node_by_key;
  node_of_.resize(model.locks.size());
  for (LockIndex l = 0; l < model.locks.size(); ++l) {
    auto [it, inserted] =
        node_by_key.try_emplace(group_key(model, l, group_by), static_cast<std::uint32_t>(nodes_.size()));
    if (inserted) nodes_.emplace_back();
    nodes_[it->second].members.push_back(l);
    node_of_[l] = it->second;
  }
  out_.resize(nodes_.size());
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t> edge_by_pair;
  for (std::size_t c = 0; c < model.chains.size(); ++c) {
    const Chain& chain = model.chains[c];
    std::uint32_t to = node_of_[chain.lock];
    for (std::size_t h = 0; h < chain.held.size(); ++h) {
      std::uint32_t from = node_of_[chain.held[h].lock];
      if (from == to) continue;  // same lock or same group: not an order between two
      auto [it, inserted] = edge_by_pair.try_emplace({from, to}, edges_.size());
      if (inserted) {
        edges_.push_back({from, to, {}});
        out_[from].push_back({to, it->second});
      }
      edges_[it->second].evidence.push_back({c, h});
    }
  }
}

const LockEdge* LockGraph::edge(std::uint32_t from, std::uint32_t to) const {
  for (const auto& [target, index] : out_[from])
    if (target == to) return &edges_[index];
  return nullptr;
}

Adjacency LockGraph::adjacency() const {
  Adjacency adjacency(nodes_.size());
  for (std::uint32_t n = 0; n < nodes_.size(); ++n)
    for (const auto& [target, index] : out_[n]) adjacency[n].push_back(target);
  return adjacency;
}

}  // namespace lockgraph::analysis
