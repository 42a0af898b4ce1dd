#include "cycle_verdict.h"

#include <set>

#include "lockgraph/trace_format.h"

namespace lockgraph::analysis {
namespace {

enum Condition : unsigned {
  kDistinctThreads = 1,
  kNoGate = 2,
  kConcurrent = 4,
  kBlocking = 8,
  kConflicting = 16,
  kAll = 31,
};

// Per cycle and condition set: enough for thousands of evidences per edge, and a bound on a
// graph of 10,000 cycles. A cycle that hits it says so in its report.
constexpr std::size_t kStepBudget = 20000;

class WitnessSearch {
 public:
  WitnessSearch(const LockGraph& graph, HappensBefore& order, const CycleFinding& cycle)
      : graph_(graph), model_(graph.model()), order_(order) {
    for (std::size_t i = 0; i < cycle.nodes.size(); ++i) {
      std::uint32_t from = cycle.nodes[i], to = cycle.nodes[(i + 1) % cycle.nodes.size()];
      edges_.push_back(graph.edge(from, to));
    }
  }

  // A choice of evidence meeting `conditions`, or an empty vector.
  std::vector<Evidence> find(unsigned conditions) {
    conditions_ = conditions;
    chosen_.clear();
    steps_ = 0;
    return extend() ? chosen_ : std::vector<Evidence>();
  }
  bool exhausted() const { return steps_ >= kStepBudget; }

  const Chain& chain(const Evidence& e) const { return model_.chains[e.chain]; }

  // The node of a lock held by a chain, grouped like the graph.
  std::set<std::uint32_t> held_nodes(const Evidence& e) const {
    std::set<std::uint32_t> nodes;
    for (const HeldLock& h : chain(e).held) nodes.insert(graph_.node_of(h.lock));
    return nodes;
  }

 private:
  bool extend() {
    if (++steps_ >= kStepBudget) return false;
    std::size_t i = chosen_.size();
    if (i == edges_.size()) return closes();
    for (const Evidence& candidate : edges_[i]->evidence) {
      if (!fits(candidate)) continue;
      chosen_.push_back(candidate);
      if (extend()) return true;
      chosen_.pop_back();
      if (steps_ >= kStepBudget) return false;
    }
    return false;
  }

  // Conditions between the candidate and everything chosen before it.
  bool fits(const Evidence& candidate) {
    const Chain& c = chain(candidate);
    if ((conditions_ & kBlocking) && (c.flags & (trace::flag::kTry | trace::flag::kTimed)))
      return false;
    for (const Evidence& other : chosen_) {
      const Chain& o = chain(other);
      if ((conditions_ & kDistinctThreads) && o.thread == c.thread) return false;
      if ((conditions_ & kNoGate) && common_held(candidate, other)) return false;
      if ((conditions_ & kConcurrent) && (order_.ordered(o.thread, o.segment, c.thread, c.segment) ||
                                          order_.ordered(c.thread, c.segment, o.thread, o.segment)))
        return false;
    }
    if ((conditions_ & kConflicting) && !chosen_.empty() && readers_only(chosen_.back(), candidate))
      return false;
    return true;
  }

  bool closes() {
    return !(conditions_ & kConflicting) || chosen_.size() < 2 ||
           !readers_only(chosen_.back(), chosen_.front());
  }

  // `waiting` waits for the lock that `holding` holds (its edge's source): both shared means
  // neither blocks the other.
  bool readers_only(const Evidence& waiting, const Evidence& holding) const {
    bool wait_shared = chain(waiting).flags & trace::flag::kShared;
    bool hold_shared = chain(holding).held[holding.held_index].flags & trace::flag::kShared;
    return wait_shared && hold_shared;
  }

  bool common_held(const Evidence& a, const Evidence& b) const {
    std::set<std::uint32_t> held_a = held_nodes(a);
    for (const HeldLock& h : chain(b).held)
      if (held_a.count(graph_.node_of(h.lock))) return true;
    return false;
  }

  const LockGraph& graph_;
  const TraceModel& model_;
  HappensBefore& order_;
  std::vector<const LockEdge*> edges_;
  std::vector<Evidence> chosen_;
  unsigned conditions_ = 0;
  std::size_t steps_ = 0;
};

std::string lock_label(const LockGraph& graph, std::uint32_t node) {
  const Lock& lock = graph.model().locks[graph.nodes()[node].members.front()];
  if (!lock.name.empty()) return lock.name;
  return (lock.kind.empty() ? std::string("lock") : lock.kind) + "#" + std::to_string(lock.id);
}

std::string thread_list(const TraceModel& model, const std::vector<Evidence>& witness) {
  std::string out;
  std::set<ThreadIndex> seen;
  for (const Evidence& e : witness) {
    ThreadIndex t = model.chains[e.chain].thread;
    if (!seen.insert(t).second) continue;
    if (!out.empty()) out += seen.size() == witness.size() ? " and " : ", ";
    out += model.thread_label(t);
  }
  return out;
}

}  // namespace

void judge_cycle(const LockGraph& graph, HappensBefore& order, CycleFinding& cycle) {
  const TraceModel& model = graph.model();
  WitnessSearch search(graph, order, cycle);

  if (auto w = search.find(kAll); !w.empty()) {
    cycle.verdict = Verdict::kDeadlock;
    cycle.witness = w;
    cycle.reason = thread_list(model, w) +
                   " take these locks in opposite orders; they hold no common lock, nothing "
                   "orders them by start/join, and every acquisition waits: a schedule exists "
                   "in which each waits for the next";
    return;
  }
  cycle.search_bounded = search.exhausted();

  auto distinct = search.find(kDistinctThreads);
  if (distinct.empty()) {
    cycle.verdict = Verdict::kSingleThread;
    // Show the acquisitions anyway: the first evidence of each edge.
    cycle.witness = search.find(0);
    std::set<ThreadIndex> threads;
    for (const Evidence& e : cycle.witness) threads.insert(model.chains[e.chain].thread);
    cycle.reason = threads.size() == 1
                       ? "every acquisition on this cycle was made by " +
                             model.thread_label(*threads.begin()) +
                             ": one thread cannot deadlock with itself on this order"
                       : "no choice of acquisitions puts every edge in a different thread";
    return;
  }

  auto ungated = search.find(kDistinctThreads | kNoGate);
  if (ungated.empty()) {
    cycle.verdict = Verdict::kGated;
    cycle.witness = distinct;
    std::set<std::uint32_t> gate = search.held_nodes(distinct[0]);
    std::string gate_name;
    for (std::size_t i = 1; i < distinct.size(); ++i) {
      std::set<std::uint32_t> next = search.held_nodes(distinct[i]);
      for (std::uint32_t g : gate)
        if (next.count(g)) gate_name = lock_label(graph, g);
    }
    cycle.reason = "every way to close this cycle has the threads holding a common lock" +
                   (gate_name.empty() ? std::string() : " (" + gate_name + ")") +
                   " while they do it: that gate lock serializes them";
    return;
  }

  auto concurrent = search.find(kDistinctThreads | kNoGate | kConcurrent);
  if (concurrent.empty()) {
    cycle.verdict = Verdict::kOrdered;
    cycle.witness = ungated;
    const Chain& a = model.chains[ungated[0].chain];
    std::string how;
    for (std::size_t i = 1; i < ungated.size() && how.empty(); ++i) {
      const Chain& b = model.chains[ungated[i].chain];
      if (order.ordered(a.thread, a.segment, b.thread, b.segment))
        how = order.explain(a.thread, a.segment, b.thread, b.segment);
      else if (order.ordered(b.thread, b.segment, a.thread, a.segment))
        how = order.explain(b.thread, b.segment, a.thread, a.segment);
    }
    cycle.reason = "the threads that take these locks in opposite orders never run at the same "
                   "time: " + how;
    return;
  }

  auto blocking = search.find(kDistinctThreads | kNoGate | kConcurrent | kBlocking);
  if (blocking.empty()) {
    cycle.verdict = Verdict::kTryLock;
    cycle.witness = concurrent;
    std::string which;
    for (const Evidence& e : concurrent) {
      const Chain& c = model.chains[e.chain];
      if (c.flags & (trace::flag::kTry | trace::flag::kTimed))
        which = model.thread_label(c.thread) + " takes " +
                lock_label(graph, graph.node_of(c.lock)) +
                ((c.flags & trace::flag::kTry) ? " with try_lock" : " with a timed lock");
    }
    cycle.reason = "the cycle can only close through an acquisition that does not wait forever (" +
                   which + "): it gives up instead of deadlocking";
    return;
  }

  cycle.verdict = Verdict::kReaders;
  cycle.witness = blocking;
  cycle.reason = "on every way to close this cycle some lock is held and awaited only in shared "
                 "(reader) mode: readers do not block each other";
}

}  // namespace lockgraph::analysis
