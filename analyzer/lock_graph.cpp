#include "lockgraph/analysis/lock_graph.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace lockgraph::analysis {
namespace {

// The key a lock is grouped by: locks with equal keys share a node.
using GroupKey = std::tuple<int, std::string, std::uint64_t, std::uint64_t>;

GroupKey group_key(const TraceModel& model, LockIndex index, GroupBy group_by, const LockGraph::SiteKey& site_key) {
  const Lock& lock = model.locks[index];
  if (group_by == GroupBy::kName && !lock.name.empty()) return {1, lock.name, 0, 0};
  if (group_by == GroupBy::kSite && lock.creation != 0 && site_key) {
    std::string site = site_key(lock.creation);
    if (!site.empty()) return {2, std::move(site), 0, 0};
  }
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

LockGraph::LockGraph(const TraceModel& model, GroupBy group_by, const SiteKey& site_key) : model_(&model) {
  // Nodes are numbered in key order (process and lock id, site or name), not in the order the
  // file happens to mention them: threads flush their buffers in any order, and reports must not
  // change with it.
  std::map<GroupKey, std::vector<LockIndex>> members_by_key;
  for (LockIndex l = 0; l < model.locks.size(); ++l)
    members_by_key[group_key(model, l, group_by, site_key)].push_back(l);
  node_of_.resize(model.locks.size());
  for (auto& [key, members] : members_by_key) {
    for (LockIndex l : members) node_of_[l] = static_cast<std::uint32_t>(nodes_.size());
    nodes_.push_back({std::move(members)});
  }
  out_.resize(nodes_.size());
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t> edge_by_pair;
  for (std::size_t c = 0; c < model.chains.size(); ++c) {
    const Chain& chain = model.chains[c];
    std::uint32_t to = node_of_[chain.lock];
    for (std::size_t h = 0; h < chain.held.size(); ++h) {
      std::uint32_t from = node_of_[chain.held[h].lock];
      // The same lock again is re-entry, not an order. Two locks of one group nested in each
      // other are: a loop on the group's node (lockdep's "possible recursive locking").
      if (chain.held[h].lock == chain.lock) continue;
      auto [it, inserted] = edge_by_pair.try_emplace({from, to}, edges_.size());
      if (inserted) {
        edges_.push_back({from, to, {}});
        out_[from].push_back({to, it->second});
      }
      edges_[it->second].evidence.push_back({c, h});
    }
  }
  // Evidence in thread order, for the same reason.
  auto thread_order = [&model](const Evidence& e) {
    const Chain& c = model.chains[e.chain];
    const Thread& t = model.threads[c.thread];
    return std::make_tuple(t.process, t.tid, c.segment, model.locks[c.lock].id);
  };
  for (LockEdge& edge : edges_)
    std::stable_sort(edge.evidence.begin(), edge.evidence.end(),
                     [&](const Evidence& a, const Evidence& b) { return thread_order(a) < thread_order(b); });
  // Edges (and so DOT output) in node order too.
  std::vector<std::size_t> order(edges_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::make_pair(edges_[a].from, edges_[a].to) < std::make_pair(edges_[b].from, edges_[b].to);
  });
  std::vector<LockEdge> sorted;
  for (std::size_t i : order) sorted.push_back(std::move(edges_[i]));
  edges_ = std::move(sorted);
  for (auto& out : out_) out.clear();
  for (std::size_t i = 0; i < edges_.size(); ++i) out_[edges_[i].from].push_back({edges_[i].to, i});
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
