// Cycle enumeration: Tarjan's strongly connected components, then Johnson's algorithm.
//
// R. Tarjan, "Depth-first search and linear graph algorithms", SIAM J. Comput. 1(2), 1972.
// D. B. Johnson, "Finding all the elementary circuits of a directed graph", SIAM J. Comput. 4(1),
// 1975. In three steps:
//   1. Split the graph into strongly connected components; a cycle never leaves one.
//   2. For each start node s (in increasing order), search paths from s inside the component of
//      nodes >= s, blocking nodes that cannot currently reach s, and unblocking them (through the
//      B lists) as soon as a path through them could close a new cycle.
//   3. Each cycle is reported once, as found from its smallest node.
// Johnson lists cycles in no useful order, so it only serves while it can list them all (under
// max_cycles, and a share of the work bound); the list is then sorted by length. Past that,
// cycles are enumerated length by length (1, 2, 3, ... nodes): from each start s, a depth-bounded
// search over nodes > s of s's component, pruned by each node's distance back to s, so every path
// it extends can still close at the length sought. A cap then cuts only the longest cycles.
// Every search uses explicit stacks, so a component of 10,000 locks cannot overflow the call stack.
#include "lockgraph/analysis/cycle_finder.h"

#include <algorithm>
#include <limits>

namespace lockgraph::analysis {

std::vector<std::vector<std::uint32_t>> strongly_connected_components(const Adjacency& graph) {
  const std::uint32_t n = static_cast<std::uint32_t>(graph.size());
  constexpr std::uint32_t kUnvisited = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> index(n, kUnvisited), low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<std::uint32_t> stack;
  std::vector<std::vector<std::uint32_t>> components;
  std::uint32_t next_index = 0;

  struct Frame {
    std::uint32_t node;
    std::size_t next_edge;
  };
  for (std::uint32_t root = 0; root < n; ++root) {
    if (index[root] != kUnvisited) continue;
    std::vector<Frame> work{{root, 0}};
    index[root] = low[root] = next_index++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!work.empty()) {
      Frame& f = work.back();
      if (f.next_edge < graph[f.node].size()) {
        std::uint32_t w = graph[f.node][f.next_edge++];
        if (index[w] == kUnvisited) {
          index[w] = low[w] = next_index++;
          stack.push_back(w);
          on_stack[w] = true;
          work.push_back({w, 0});
        } else if (on_stack[w]) {
          low[f.node] = std::min(low[f.node], index[w]);
        }
        continue;
      }
      std::uint32_t v = f.node;
      work.pop_back();
      if (!work.empty()) low[work.back().node] = std::min(low[work.back().node], low[v]);
      if (low[v] == index[v]) {
        std::vector<std::uint32_t> component;
        std::uint32_t w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          component.push_back(w);
        } while (w != v);
        std::sort(component.begin(), component.end());
        components.push_back(std::move(component));
      }
    }
  }
  return components;
}

namespace {

class Johnson {
 public:
  Johnson(const Adjacency& graph, std::size_t max_cycles, std::size_t max_steps,
          CycleSearchResult& out)
      : graph_(graph), max_(max_cycles), max_steps_(max_steps), out_(out), blocked_(graph.size(), false),
        blocked_by_(graph.size()), in_scope_(graph.size(), false) {}

  // Cycles through `start` within `scope` (a component's nodes >= start). Returns false when the
  // cycle budget ran out.
  bool circuits_from(std::uint32_t start, const std::vector<std::uint32_t>& scope) {
    for (std::uint32_t v : scope) {
      in_scope_[v] = true;
      blocked_[v] = false;
      blocked_by_[v].clear();
    }
    struct Frame {
      std::uint32_t node;
      std::size_t next_edge;
      bool found;
    };
    std::vector<Frame> work{{start, 0, false}};
    std::vector<std::uint32_t> path{start};
    blocked_[start] = true;
    bool budget_left = true;
    while (!work.empty() && budget_left) {
      if (++steps_ > max_steps_) {
        budget_left = false;
        break;
      }
      Frame& f = work.back();
      const auto& successors = graph_[f.node];
      if (f.next_edge < successors.size()) {
        std::uint32_t w = successors[f.next_edge++];
        if (!in_scope_[w]) continue;
        if (w == start) {
          out_.cycles.push_back(path);
          f.found = true;
          if (out_.cycles.size() >= max_) budget_left = false;
        } else if (!blocked_[w]) {
          work.push_back({w, 0, false});
          path.push_back(w);
          blocked_[w] = true;
        }
        continue;
      }
      std::uint32_t v = f.node;
      bool found = f.found;
      if (found) {
        unblock(v);
      } else {
        for (std::uint32_t w : successors)
          if (in_scope_[w]) {
            auto& list = blocked_by_[w];
            if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
          }
      }
      work.pop_back();
      path.pop_back();
      if (!work.empty() && found) work.back().found = true;
    }
    for (std::uint32_t v : scope) in_scope_[v] = false;
    if (!budget_left) {
      // Were there more? Any unexplored edge could close another cycle: say so rather than guess.
      out_.truncated = true;
    }
    return budget_left;
  }

 private:
  void unblock(std::uint32_t u) {
    std::vector<std::uint32_t> work{u};
    while (!work.empty()) {
      std::uint32_t v = work.back();
      work.pop_back();
      if (!blocked_[v]) continue;
      blocked_[v] = false;
      for (std::uint32_t w : blocked_by_[v]) work.push_back(w);
      blocked_by_[v].clear();
    }
  }

  const Adjacency& graph_;
  std::size_t max_;
  std::size_t max_steps_;
  std::size_t steps_ = 0;
  CycleSearchResult& out_;
  std::vector<bool> blocked_;
  std::vector<std::vector<std::uint32_t>> blocked_by_;
  std::vector<bool> in_scope_;
};

}  // namespace

namespace {

// Every cycle by Johnson's algorithm, unless it finds more than `max_cycles` or works more than
// `max_steps`: then `truncated` is set and the list is partial, in no useful order.
CycleSearchResult johnson_cycles(const Adjacency& graph, std::size_t max_cycles, std::size_t max_steps) {
  CycleSearchResult result;
  Johnson johnson(graph, max_cycles + 1, max_steps, result);
  // Johnson's outer loop, run inside each component: the least node s of the component's
  // remaining part starts the search, then s is removed and the rest is split again, so nodes
  // that can no longer be on a cycle are never searched (a ring of n nodes costs O(n), not O(n^2)).
  std::vector<std::vector<std::uint32_t>> pending = strongly_connected_components(graph);
  std::vector<bool> member(graph.size(), false);
  std::vector<std::uint32_t> local(graph.size(), 0);  // node -> index in the split subgraph
  while (!pending.empty()) {
    std::vector<std::uint32_t> component = std::move(pending.back());
    pending.pop_back();
    std::uint32_t start = component.front();  // components are sorted
    bool self_loop = std::find(graph[start].begin(), graph[start].end(), start) != graph[start].end();
    if (component.size() == 1 && !self_loop) continue;
    if (!johnson.circuits_from(start, component)) return result;
    // Split what remains without `start` into its components.
    for (std::uint32_t v : component) member[v] = true;
    member[start] = false;
    std::vector<std::uint32_t> rest(component.begin() + 1, component.end());
    Adjacency sub(rest.size());
    for (std::uint32_t i = 0; i < rest.size(); ++i) local[rest[i]] = i;
    for (std::uint32_t i = 0; i < rest.size(); ++i)
      for (std::uint32_t w : graph[rest[i]])
        if (member[w]) sub[i].push_back(local[w]);
    for (std::uint32_t v : component) member[v] = false;
    for (auto& part : strongly_connected_components(sub)) {
      for (auto& v : part) v = rest[v];
      std::sort(part.begin(), part.end());
      pending.push_back(std::move(part));
    }
  }
  return result;
}

// Cycles of exactly `length` nodes, smallest node first, appended to `out` until it holds
// `max_cycles`. Returns false if the cap or the work bound stopped it.
class LengthSearch {
 public:
  LengthSearch(const Adjacency& graph, const std::vector<std::vector<std::uint32_t>>& components,
               std::size_t max_cycles, std::size_t max_steps)
      : graph_(graph), components_(components), max_cycles_(max_cycles), max_steps_(max_steps),
        reverse_(graph.size()), component_of_(graph.size(), kNone), distance_(graph.size(), kNone),
        on_path_(graph.size(), false) {
    for (std::uint32_t c = 0; c < components.size(); ++c)
      for (std::uint32_t v : components[c]) component_of_[v] = c;
    for (std::uint32_t v = 0; v < graph.size(); ++v)
      for (std::uint32_t w : graph[v])
        if (component_of_[v] == component_of_[w]) reverse_[w].push_back(v);
  }

  bool cycles_of(std::size_t length, std::vector<std::vector<std::uint32_t>>& out) {
    for (const auto& component : components_) {
      if (component.size() < length) continue;
      for (std::uint32_t start : component) {
        if (!from(start, length, out)) return false;
      }
    }
    return true;
  }

  bool out_of_work() const { return steps_ > max_steps_; }

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;

  // Distances back to `start` over nodes > start of its component, up to `limit`.
  void distances_to(std::uint32_t start, std::size_t limit) {
    for (std::uint32_t v : touched_) distance_[v] = kNone;
    touched_.clear();
    distance_[start] = 0;
    touched_.push_back(start);
    for (std::size_t i = 0; i < touched_.size(); ++i) {
      std::uint32_t v = touched_[i];
      if (distance_[v] >= limit) continue;
      for (std::uint32_t u : reverse_[v]) {
        ++steps_;
        if (u <= start || distance_[u] != kNone) continue;
        distance_[u] = distance_[v] + 1;
        touched_.push_back(u);
      }
    }
  }

  bool from(std::uint32_t start, std::size_t length, std::vector<std::vector<std::uint32_t>>& out) {
    distances_to(start, length);
    struct Frame {
      std::uint32_t node;
      std::size_t next_edge;
    };
    std::vector<Frame> work{{start, 0}};
    std::vector<std::uint32_t> path{start};
    while (!work.empty()) {
      if (++steps_ > max_steps_) return false;
      Frame& f = work.back();
      const auto& successors = graph_[f.node];
      if (f.next_edge == successors.size()) {
        on_path_[f.node] = false;
        work.pop_back();
        path.pop_back();
        continue;
      }
      std::uint32_t w = successors[f.next_edge++];
      if (w == start) {
        if (path.size() == length) {
          out.push_back(path);
          if (out.size() >= max_cycles_) {
            for (std::uint32_t v : path) on_path_[v] = false;
            return false;
          }
        }
        continue;
      }
      // w must still be able to close the cycle at exactly `length` nodes.
      if (w < start || on_path_[w] || distance_[w] == kNone || path.size() + distance_[w] > length)
        continue;
      on_path_[w] = true;
      path.push_back(w);
      work.push_back({w, 0});
    }
    return true;
  }

  const Adjacency& graph_;
  const std::vector<std::vector<std::uint32_t>>& components_;
  std::size_t max_cycles_, max_steps_, steps_ = 0;
  Adjacency reverse_;
  std::vector<std::uint32_t> component_of_, distance_, touched_;
  std::vector<bool> on_path_;
};

}  // namespace

CycleSearchResult find_elementary_cycles(const Adjacency& graph, std::size_t max_cycles,
                                         std::size_t max_steps) {
  CycleSearchResult result;
  // Few enough cycles: Johnson lists them all; sort them by length.
  if (max_cycles > 0) {
    CycleSearchResult all = johnson_cycles(graph, max_cycles, max_steps / 4);
    if (!all.truncated && all.cycles.size() <= max_cycles) {
      std::stable_sort(all.cycles.begin(), all.cycles.end(),
                       [](const auto& a, const auto& b) { return a.size() < b.size(); });
      all.complete_length = graph.size();
      return all;
    }
  }
  // Too many: by length, so the cap falls on the longest.
  std::vector<std::vector<std::uint32_t>> components;
  std::size_t largest = 0;
  for (auto& component : strongly_connected_components(graph)) {
    std::uint32_t v = component.front();
    bool self_loop = std::find(graph[v].begin(), graph[v].end(), v) != graph[v].end();
    if (component.size() == 1 && !self_loop) continue;
    largest = std::max(largest, component.size());
    components.push_back(std::move(component));
  }
  if (max_cycles == 0) {
    result.truncated = !components.empty();
    result.complete_length = result.truncated ? 0 : graph.size();
    return result;
  }
  LengthSearch search(graph, components, max_cycles, max_steps);
  for (std::size_t length = 1; length <= largest; ++length) {
    if (!search.cycles_of(length, result.cycles)) {
      result.truncated = true;
      result.work_bound = search.out_of_work();
      return result;
    }
    result.complete_length = length;
  }
  result.complete_length = graph.size();
  return result;
}

}  // namespace lockgraph::analysis
