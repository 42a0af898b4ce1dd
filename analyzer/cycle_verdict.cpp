#include "cycle_verdict.h"

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>

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

// What the verdict conditions can see of one piece of evidence. Evidence with equal facts is
// interchangeable, so each edge's evidence is searched as its distinct facts.
struct Fact {
  ThreadIndex thread = 0;
  std::uint32_t hold_segment = 0;  // the hold of the edge's source began in this segment
  std::uint32_t segment = 0;       // the target was requested in this segment
  bool waits = true;               // a blocking acquisition (not try, not timed)
  bool acquire_shared = false;     // the target was requested in shared mode
  bool hold_shared = false;        // the source is held in shared mode
  std::vector<std::pair<LockIndex, bool>> held;  // every lock held, with its shared mode, sorted
  Evidence example;

  auto key() const {
    return std::tie(thread, hold_segment, segment, waits, acquire_shared, hold_shared, held);
  }
};

Fact fact_of(const TraceModel& model, const Evidence& e) {
  const Chain& c = model.chains[e.chain];
  const HeldLock& source = c.held[e.held_index];
  Fact f;
  f.thread = c.thread;
  f.hold_segment = std::min(source.segment, c.segment);
  f.segment = c.segment;
  f.waits = !(c.flags & (trace::flag::kTry | trace::flag::kTimed));
  f.acquire_shared = c.flags & trace::flag::kShared;
  f.hold_shared = source.flags & trace::flag::kShared;
  for (const HeldLock& h : c.held) f.held.push_back({h.lock, (h.flags & trace::flag::kShared) != 0});
  std::sort(f.held.begin(), f.held.end());
  // A lock held twice (shared, then again) counts as held exclusively if either hold is.
  std::vector<std::pair<LockIndex, bool>> merged;
  for (const auto& [lock, shared] : f.held) {
    if (!merged.empty() && merged.back().first == lock) merged.back().second &= shared;
    else merged.push_back({lock, shared});
  }
  f.held = std::move(merged);
  f.example = e;
  return f;
}

enum class Outcome { kFound, kNone, kBounded };

class WitnessSearch {
 public:
  WitnessSearch(const LockGraph& graph, const HappensBefore& order,
                const std::vector<std::uint32_t>& nodes, std::size_t max_steps)
      : model_(graph.model()), order_(order), max_steps_(max_steps) {
    const std::size_t n = nodes.size();
    facts_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const LockEdge* edge = graph.edge(nodes[i], nodes[(i + 1) % n]);
      std::vector<Fact>& facts = facts_[i];
      for (const Evidence& e : edge->evidence) facts.push_back(fact_of(model_, e));
      // Keep the first evidence of each distinct fact (evidence is in thread order).
      std::stable_sort(facts.begin(), facts.end(), [](const Fact& a, const Fact& b) { return a.key() < b.key(); });
      facts.erase(std::unique(facts.begin(), facts.end(),
                              [](const Fact& a, const Fact& b) { return a.key() == b.key(); }),
                  facts.end());
      std::stable_sort(facts.begin(), facts.end(), [&](const Fact& a, const Fact& b) {
        return a.example.chain < b.example.chain;
      });
    }
  }

  // Searches for one fact per edge meeting `conditions`.
  Outcome find(unsigned conditions) {
    if ((conditions & kConcurrent) && no_two_concurrent()) return Outcome::kNone;
    conditions_ = conditions;
    steps_ = 0;
    witness_.clear();
    witness_facts_.clear();
    const std::size_t n = facts_.size();
    domain_.assign(n, {});
    size_.assign(n, 0);
    chosen_.assign(n, kUnassigned);
    trail_.clear();
    for (std::size_t i = 0; i < n; ++i) {
      for (std::uint32_t f = 0; f < facts_[i].size(); ++f)
        if (!(conditions & kBlocking) || facts_[i][f].waits) domain_[i].push_back(f);
      size_[i] = domain_[i].size();
      if (size_[i] == 0) return Outcome::kNone;
    }
    struct Level {
      std::size_t edge;
      std::size_t next = 0;
      std::size_t trail_mark;
    };
    std::vector<Level> levels{{most_constrained(), 0, 0}};
    while (!levels.empty()) {
      Level& level = levels.back();
      undo_to(level.trail_mark);
      chosen_[level.edge] = kUnassigned;
      if (level.next == size_[level.edge]) {
        levels.pop_back();
        continue;
      }
      const std::uint32_t fact = domain_[level.edge][level.next++];
      chosen_[level.edge] = fact;
      bool consistent = true;
      for (std::size_t j = 0; j < n && consistent; ++j) {
        if (chosen_[j] != kUnassigned) continue;
        if (!narrow(j, level.edge, fact)) consistent = false;
      }
      if (steps_ > max_steps_) return Outcome::kBounded;
      if (!consistent) continue;
      std::size_t next_edge = most_constrained();
      if (next_edge == n) {
        for (std::size_t i = 0; i < n; ++i) {
          witness_facts_.push_back(&facts_[i][chosen_[i]]);
          witness_.push_back(witness_facts_.back()->example);
        }
        return Outcome::kFound;
      }
      levels.push_back({next_edge, 0, trail_.size()});
    }
    return Outcome::kNone;
  }

  const std::vector<Evidence>& witness() const { return witness_; }

  // Whether two facts on different edges pass `conditions` together (i, j: their edges).
  bool compatible(std::size_t i, const Fact& x, std::size_t j, const Fact& y, unsigned conditions) const {
    if ((conditions & kDistinctThreads) && x.thread == y.thread) return false;
    if ((conditions & kNoGate) && gate_between(x, y).has_value()) return false;
    if ((conditions & kConcurrent) && !concurrent(x, y)) return false;
    if (conditions & kConflicting) {
      const std::size_t n = facts_.size();
      // Edge i's acquisition waits for the lock edge i+1 holds: both shared means no wait.
      if ((i + 1) % n == j && x.acquire_shared && y.hold_shared) return false;
      if ((j + 1) % n == i && y.acquire_shared && x.hold_shared) return false;
    }
    return true;
  }

  // A lock both hold, at least one exclusively: it serializes them.
  static std::optional<LockIndex> gate_between(const Fact& x, const Fact& y) {
    auto a = x.held.begin(), b = y.held.begin();
    while (a != x.held.end() && b != y.held.end()) {
      if (a->first < b->first) ++a;
      else if (b->first < a->first) ++b;
      else {
        if (!(a->second && b->second)) return a->first;
        ++a, ++b;
      }
    }
    return std::nullopt;
  }

  // Both holds can overlap: neither request precedes the other's hold by start/join, and the
  // threads are of one process (locks are not shared across processes).
  bool concurrent(const Fact& x, const Fact& y) const {
    if (model_.threads[x.thread].process != model_.threads[y.thread].process) return false;
    return !order_.ordered({x.thread, x.segment}, {y.thread, y.hold_segment}) &&
           !order_.ordered({y.thread, y.segment}, {x.thread, x.hold_segment});
  }

  // The fact behind edge `edge` of the last witness found.
  const Fact& fact_of_witness(std::size_t edge) const { return *witness_facts_[edge]; }


  std::size_t evidence_count() const {
    std::size_t n = 0;
    for (const auto& f : facts_) n += f.size();
    return n;
  }

 private:
  static constexpr std::uint32_t kUnassigned = 0xffffffffu;

  // True if every fact's request precedes the next fact's hold, in topological order: then all
  // are pairwise ordered and no witness can be concurrent. Settles in n log n what the search
  // would take n^2 steps to exhaust: the threads of a pool started and joined one by one.
  bool no_two_concurrent() {
    if (chain_known_) return chain_;
    chain_known_ = true;
    std::vector<const Fact*> all;
    for (const auto& facts : facts_)
      for (const Fact& f : facts) all.push_back(&f);
    auto hold = [](const Fact* f) { return TimelinePoint{f->thread, f->hold_segment}; };
    std::sort(all.begin(), all.end(), [&](const Fact* a, const Fact* b) {
      return order_.rank(hold(a)) < order_.rank(hold(b));
    });
    chain_ = true;
    for (std::size_t i = 1; i < all.size() && chain_; ++i)
      chain_ = order_.ordered({all[i - 1]->thread, all[i - 1]->segment}, hold(all[i]));
    return chain_;
  }

  // The unassigned edge with the fewest candidates left (n when all are assigned).
  std::size_t most_constrained() const {
    std::size_t best = facts_.size();
    for (std::size_t i = 0; i < facts_.size(); ++i)
      if (chosen_[i] == kUnassigned && (best == facts_.size() || size_[i] < size_[best])) best = i;
    return best;
  }

  // Drops from edge j's domain what cannot go with `fact` on edge i; false if nothing is left.
  bool narrow(std::size_t j, std::size_t i, std::uint32_t fact) {
    const Fact& x = facts_[i][fact];
    std::size_t before = size_[j];
    for (std::size_t k = 0; k < size_[j];) {
      ++steps_;
      if (compatible(i, x, j, facts_[j][domain_[j][k]], conditions_)) {
        ++k;
      } else {
        std::swap(domain_[j][k], domain_[j][size_[j] - 1]);
        --size_[j];
      }
    }
    if (size_[j] != before) trail_.push_back({j, before});
    return size_[j] > 0;
  }

  void undo_to(std::size_t mark) {
    while (trail_.size() > mark) {
      size_[trail_.back().first] = trail_.back().second;
      trail_.pop_back();
    }
  }

  const TraceModel& model_;
  const HappensBefore& order_;
  std::size_t max_steps_;
  std::vector<std::vector<Fact>> facts_;
  unsigned conditions_ = 0;
  std::size_t steps_ = 0;
  std::vector<std::vector<std::uint32_t>> domain_;  // per edge: candidates, the first size_ alive
  std::vector<std::size_t> size_;
  std::vector<std::uint32_t> chosen_;
  std::vector<std::pair<std::size_t, std::size_t>> trail_;  // (edge, its size before a narrowing)
  std::vector<Evidence> witness_;
  std::vector<const Fact*> witness_facts_;  // the facts witness_ came from
  bool chain_known_ = false, chain_ = false;
};

std::string lock_label(const TraceModel& model, LockIndex lock) {
  const Lock& l = model.locks[lock];
  if (!l.name.empty()) return l.name;
  return (l.kind.empty() ? std::string("lock") : l.kind) + "#" + std::to_string(l.id);
}

std::string thread_list(const TraceModel& model, const std::vector<Evidence>& witness) {
  std::vector<ThreadIndex> threads;
  for (const Evidence& e : witness) {
    ThreadIndex t = model.chains[e.chain].thread;
    if (std::find(threads.begin(), threads.end(), t) == threads.end()) threads.push_back(t);
  }
  std::string out;
  for (std::size_t i = 0; i < threads.size(); ++i) {
    if (i > 0) out += i + 1 == threads.size() ? " and " : ", ";
    out += model.thread_label(threads[i]);
  }
  return out;
}

constexpr const char* kWouldDeadlock =
    "nothing gates these orders and every acquisition waits, so two threads running these code "
    "paths at the same time would deadlock";

}  // namespace

namespace {

void judge(const LockGraph& graph, const HappensBefore& order, CycleFinding& cycle,
           std::size_t max_steps) {
  const TraceModel& model = graph.model();
  // A group nested in itself (two locks of one class, --group-by site or name) deadlocks when two
  // threads nest two of its locks in opposite orders: searched as the loop taken twice.
  const bool self_nesting = cycle.nodes.size() == 1;
  std::vector<std::uint32_t> nodes = cycle.nodes;
  if (self_nesting) nodes.push_back(nodes.front());
  WitnessSearch search(graph, order, nodes, max_steps);
  bool bounded = false;
  // Runs one search; a bounded one leaves the verdict undecided.
  auto found = [&](unsigned conditions) {
    Outcome outcome = search.find(conditions);
    bounded |= outcome == Outcome::kBounded;
    return outcome == Outcome::kFound;
  };
  auto undecided = [&] {
    cycle.verdict = Verdict::kUnknown;
    cycle.witness.clear();
    if (found(0)) cycle.witness = search.witness();
    cycle.reason = "deciding this cycle took more than " + std::to_string(max_steps) +
                   " search steps over its " + std::to_string(search.evidence_count()) +
                   " distinct recorded acquisitions, so lockgraph cannot say whether a deadlocking "
                   "schedule exists; it is reported so that a person looks at it";
  };

  if (found(kAll)) {
    cycle.verdict = Verdict::kDeadlock;
    cycle.witness = search.witness();
    cycle.reason = thread_list(model, cycle.witness) +
                   " take these locks in opposite orders; they hold no common lock, nothing "
                   "orders them by start/join, and every acquisition waits: a schedule exists "
                   "in which each waits for the next";
    return;
  }
  if (bounded) return undecided();

  // A code-level inversion: only the threads of this run keep it from deadlocking.
  if (found(kNoGate | kBlocking | kConflicting)) {
    std::vector<Evidence> any_threads = search.witness();
    if (found(kDistinctThreads | kNoGate | kBlocking | kConflicting)) {
      cycle.verdict = Verdict::kOrdered;
      cycle.witness = search.witness();
      std::string how;
      for (std::size_t i = 0; i < cycle.witness.size() && how.empty(); ++i)
        for (std::size_t j = 0; j < cycle.witness.size() && how.empty(); ++j) {
          if (i == j) continue;
          const Fact& x = search.fact_of_witness(i);
          const Fact& y = search.fact_of_witness(j);
          if (model.threads[x.thread].process != model.threads[y.thread].process)
            how = "they ran in different processes (" + model.thread_label(x.thread) + " and " +
                  model.thread_label(y.thread) + ")";
          else if (order.ordered({x.thread, x.segment}, {y.thread, y.hold_segment}))
            how = explain_start_join(model, x.thread, x.segment, y.thread, y.hold_segment);
        }
      cycle.reason = "in this run the threads that take these locks in opposite orders never held "
                     "them at the same time: " + how + "; " + kWouldDeadlock;
      return;
    }
    if (bounded) return undecided();
    cycle.verdict = Verdict::kSingleThread;
    cycle.witness = any_threads;
    std::set<ThreadIndex> threads;
    for (const Evidence& e : cycle.witness) threads.insert(model.chains[e.chain].thread);
    cycle.reason = (threads.size() == 1
                        ? "in this run only " + model.thread_label(*threads.begin()) +
                              " took these locks in both orders, and one thread cannot deadlock "
                              "with itself"
                        : std::string("in this run no choice of acquisitions puts every edge in a "
                                      "different thread")) +
                   "; " + kWouldDeadlock;
    return;
  }
  if (bounded) return undecided();

  if (!found(kNoGate)) {
    if (bounded) return undecided();
    cycle.verdict = Verdict::kGated;
    found(0);
    cycle.witness = search.witness();
    std::string gate;
    for (std::size_t i = 0; i < cycle.witness.size() && gate.empty(); ++i)
      for (std::size_t j = i + 1; j < cycle.witness.size() && gate.empty(); ++j)
        if (auto g = WitnessSearch::gate_between(search.fact_of_witness(i), search.fact_of_witness(j)))
          gate = lock_label(model, *g);
    cycle.reason = "every way to close this cycle has the threads holding a common lock" +
                   (gate.empty() ? std::string() : " (" + gate + ")") +
                   " while they do it, exclusively on at least one side: that gate lock "
                   "serializes them";
    return;
  }
  std::vector<Evidence> ungated = search.witness();
  if (!found(kNoGate | kBlocking)) {
    if (bounded) return undecided();
    cycle.verdict = Verdict::kTryLock;
    cycle.witness = ungated;
    std::string which;
    for (const Evidence& e : ungated) {
      const Chain& c = model.chains[e.chain];
      if (c.flags & (trace::flag::kTry | trace::flag::kTimed))
        which = model.thread_label(c.thread) + " takes " + lock_label(model, c.lock) +
                ((c.flags & trace::flag::kTry) ? " with try_lock" : " with a timed lock");
    }
    cycle.reason = "the cycle can only close through an acquisition that does not wait forever (" +
                   which + "): it gives up instead of deadlocking";
    return;
  }
  cycle.verdict = Verdict::kReaders;
  cycle.witness = search.witness();
  cycle.reason = "on every way to close this cycle some lock is held and awaited only in shared "
                 "(reader) mode: readers do not block each other";
}

}  // namespace

void judge_cycle(const LockGraph& graph, const HappensBefore& order, CycleFinding& cycle,
                 std::size_t max_steps) {
  judge(graph, order, cycle, max_steps);
  if (cycle.nodes.size() == 1)
    cycle.reason += " (two locks of one group are nested in each other, lockdep's \"possible "
                    "recursive locking\": safe only if every thread nests them in one fixed order, "
                    "by address or id, which the group cannot show)";
}

}  // namespace lockgraph::analysis
