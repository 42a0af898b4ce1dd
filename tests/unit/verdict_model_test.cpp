// The verdict model against brute force: thousands of random small runs (2-5 locks, 2-6 threads,
// starts and joins, held sets with modes, try/timed/shared acquisitions, holds kept across
// segments). For every cycle the analyzer reports, every tuple of one acquisition per edge is
// tried, and the verdict it implies is compared with the analyzer's, and its witness checked.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "lockgraph/analysis/findings.h"
#include "lockgraph/trace_format.h"

namespace lockgraph::analysis {
namespace {

namespace flag = trace::flag;

// A random run, simulated in real time so its starts and joins are consistent. With
// `shared_names`, locks share names, so grouping by name merges some (and nests a group in itself).
TraceModel random_run(std::mt19937& random, bool shared_names) {
  TraceModel model;
  model.processes.emplace_back();
  const std::uint32_t locks = 2 + random() % 4, threads = 2 + random() % 5;
  for (std::uint32_t l = 0; l < locks; ++l) {
    Lock lock;
    lock.id = l + 1;
    lock.name = std::string(1, static_cast<char>('A' + (shared_names ? l % 2 : l)));
    lock.defined = true;
    model.locks.push_back(lock);
  }
  enum State { kUnstarted, kRunning, kEnded };
  std::vector<State> state(threads, kUnstarted);
  std::vector<std::uint32_t> segment(threads, 0);
  for (std::uint32_t t = 0; t < threads; ++t) {
    Thread th;
    th.tid = t + 1;
    th.started_known = true;
    model.threads.push_back(th);
  }
  state[0] = kRunning;
  const int steps = 4 + static_cast<int>(random() % 14);
  for (int step = 0; step < steps; ++step) {
    std::vector<std::uint32_t> running;
    for (std::uint32_t t = 0; t < threads; ++t)
      if (state[t] == kRunning) running.push_back(t);
    std::uint32_t t = running[random() % running.size()];
    int action = static_cast<int>(random() % 10);
    if (action < 2) {  // start an unstarted thread
      for (std::uint32_t c = 0; c < threads; ++c)
        if (state[c] == kUnstarted) {
          model.threads[c].parent_tid = t + 1;
          model.threads[c].parent_segment = segment[t]++;
          state[c] = kRunning;
          break;
        }
    } else if (action < 4) {  // join a running thread other than itself
      std::vector<std::uint32_t> others;
      for (std::uint32_t c : running)
        if (c != t && c != 0) others.push_back(c);
      if (others.empty()) continue;
      std::uint32_t c = others[random() % others.size()];
      state[c] = kEnded;
      model.threads[c].ended = true;
      model.threads[c].end_segment = segment[c];
      ++segment[t];
      model.threads[t].joins.push_back({segment[t], c + 1});
    } else {  // an acquisition while holding some other locks
      Chain chain;
      chain.thread = t;
      chain.segment = segment[t];
      chain.lock = random() % locks;
      std::uint32_t kind = random() % 8;
      chain.flags = kind == 0 ? flag::kTry : kind == 1 ? flag::kTimed : kind < 4 ? flag::kShared : 0;
      std::vector<LockIndex> others;
      for (LockIndex l = 0; l < locks; ++l)
        if (l != chain.lock) others.push_back(l);
      std::shuffle(others.begin(), others.end(), random);
      std::uint32_t held = 1 + random() % std::min<std::uint32_t>(3, static_cast<std::uint32_t>(others.size()));
      for (std::uint32_t h = 0; h < held; ++h) {
        HeldLock hold;
        hold.lock = others[h];
        hold.flags = random() % 3 == 0 ? flag::kShared : 0;
        hold.segment = chain.segment - (chain.segment > 0 && random() % 4 == 0 ? 1 : 0);
        chain.held.push_back(hold);
      }
      chain.count = 1;
      model.chains.push_back(chain);
    }
  }
  for (std::uint32_t t = 0; t < threads; ++t) {
    model.threads[t].end_segment = std::max(model.threads[t].end_segment, segment[t]);
    if (state[t] == kUnstarted) model.threads[t].parent_tid = 0;
  }
  return model;
}

// Happens-before by brute force: transitive closure over (thread, segment) points.
class ClosureOrder {
 public:
  explicit ClosureOrder(const TraceModel& model) {
    for (const Thread& t : model.threads) {
      offset_.push_back(total_);
      total_ += t.end_segment + 1;
    }
    reach_.assign(total_, std::vector<bool>(total_, false));
    for (std::uint32_t t = 0; t < model.threads.size(); ++t)
      for (std::uint32_t a = 0; a <= model.threads[t].end_segment; ++a)
        for (std::uint32_t b = a; b <= model.threads[t].end_segment; ++b) reach_[id(t, a)][id(t, b)] = true;
    for (std::uint32_t t = 0; t < model.threads.size(); ++t) {
      const Thread& th = model.threads[t];
      if (th.parent_tid != 0) reach_[id(th.parent_tid - 1, th.parent_segment)][id(t, 0)] = true;
      for (const auto& join : th.joins) {
        std::uint32_t c = static_cast<std::uint32_t>(join.joined_tid - 1);
        reach_[id(c, model.threads[c].end_segment)][id(t, join.segment)] = true;
      }
    }
    for (std::uint32_t k = 0; k < total_; ++k)
      for (std::uint32_t i = 0; i < total_; ++i)
        if (reach_[i][k])
          for (std::uint32_t j = 0; j < total_; ++j)
            if (reach_[k][j]) reach_[i][j] = true;
  }
  bool ordered(std::uint32_t ta, std::uint32_t sa, std::uint32_t tb, std::uint32_t sb) const {
    return reach_[id(ta, sa)][id(tb, sb)];
  }

 private:
  std::uint32_t id(std::uint32_t t, std::uint32_t s) const { return offset_[t] + s; }
  std::vector<std::uint32_t> offset_;
  std::uint32_t total_ = 0;
  std::vector<std::vector<bool>> reach_;
};

struct TupleFacts {
  bool distinct = true, no_gate = true, concurrent = true, blocking = true, conflicting = true;
};

// The conditions of one tuple (one evidence per edge), straight from their definitions.
TupleFacts facts_of(const TraceModel& model, const ClosureOrder& order, const std::vector<Evidence>& tuple) {
  TupleFacts f;
  const std::size_t n = tuple.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Chain& x = model.chains[tuple[i].chain];
    if (x.flags & (flag::kTry | flag::kTimed)) f.blocking = false;
    const Chain& next = model.chains[tuple[(i + 1) % n].chain];
    if ((x.flags & flag::kShared) && (next.held[tuple[(i + 1) % n].held_index].flags & flag::kShared))
      f.conflicting = false;
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      const Chain& y = model.chains[tuple[j].chain];
      if (x.thread == y.thread) f.distinct = false;
      for (const HeldLock& a : x.held)
        for (const HeldLock& b : y.held)
          if (a.lock == b.lock && !((a.flags & flag::kShared) && (b.flags & flag::kShared))) f.no_gate = false;
      std::uint32_t y_hold = y.held[tuple[j].held_index].segment;
      if (order.ordered(x.thread, x.segment, y.thread, y_hold)) f.concurrent = false;
    }
  }
  return f;
}

Verdict brute_force_verdict(const TraceModel& model, const LockGraph& graph, const ClosureOrder& order,
                            std::vector<std::uint32_t> nodes) {
  if (nodes.size() == 1) nodes.push_back(nodes.front());  // a group nested in itself: two holders
  const std::size_t n = nodes.size();
  std::vector<const LockEdge*> edges;
  for (std::size_t i = 0; i < n; ++i) edges.push_back(graph.edge(nodes[i], nodes[(i + 1) % n]));
  bool deadlock = false, inversion = false, inversion_distinct = false, ungated = false, ungated_blocking = false;
  std::vector<std::size_t> pick(n, 0);
  for (;;) {
    std::vector<Evidence> tuple;
    for (std::size_t i = 0; i < n; ++i) tuple.push_back(edges[i]->evidence[pick[i]]);
    TupleFacts f = facts_of(model, order, tuple);
    bool code = f.no_gate && f.blocking && f.conflicting;
    deadlock |= code && f.distinct && f.concurrent;
    inversion |= code;
    inversion_distinct |= code && f.distinct;
    ungated |= f.no_gate;
    ungated_blocking |= f.no_gate && f.blocking;
    std::size_t i = 0;
    while (i < n && ++pick[i] == edges[i]->evidence.size()) pick[i++] = 0;
    if (i == n) break;
  }
  if (deadlock) return Verdict::kDeadlock;
  if (inversion) return inversion_distinct ? Verdict::kOrdered : Verdict::kSingleThread;
  if (!ungated) return Verdict::kGated;
  if (!ungated_blocking) return Verdict::kTryLock;
  return Verdict::kReaders;
}

TEST(VerdictModel, MatchesBruteForceOnRandomRuns) {
  std::mt19937 random(20261130);
  std::size_t judged = 0;
  std::map<Verdict, std::size_t> seen;
  std::size_t self_nesting = 0;
  for (int trial = 0; trial < 4000; ++trial) {
    bool by_name = trial % 3 == 0;
    auto model = std::make_shared<TraceModel>(random_run(random, by_name));
    AnalysisOptions options;
    options.group_by = by_name ? GroupBy::kName : GroupBy::kInstance;
    Findings findings = analyze(model, options);
    ClosureOrder order(*model);
    auto all = find_elementary_cycles(findings.graph->adjacency(), 1000000);
    ASSERT_EQ(findings.cycles.size(), all.cycles.size()) << "every elementary cycle is judged";
    ASSERT_FALSE(findings.incomplete());
    for (const CycleFinding& cycle : findings.cycles) {
      Verdict expected = brute_force_verdict(*model, *findings.graph, order, cycle.nodes);
      ASSERT_EQ(verdict_name(cycle.verdict), std::string(verdict_name(expected)))
          << "trial " << trial << ", cycle of " << cycle.nodes.size() << " locks: " << cycle.reason;
      ASSERT_EQ(cycle.witness.size(), std::max<std::size_t>(2, cycle.nodes.size()));
      TupleFacts w = facts_of(*model, order, cycle.witness);
      if (cycle.verdict == Verdict::kDeadlock) {
        EXPECT_TRUE(w.distinct && w.no_gate && w.concurrent && w.blocking && w.conflicting);
      }
      if (cycle.verdict == Verdict::kOrdered) {
        EXPECT_TRUE(w.distinct && w.no_gate && w.blocking && w.conflicting);
        EXPECT_EQ(cycle.reason.find("at the same time: ;"), std::string::npos) << "no explanation: " << cycle.reason;
      }
      if (cycle.verdict == Verdict::kSingleThread) {
        EXPECT_TRUE(w.no_gate && w.blocking && w.conflicting);
      }
      ++seen[cycle.verdict];
      self_nesting += cycle.nodes.size() == 1;
      ++judged;
    }
  }
  // The generator must reach every verdict, or the comparison proves less than it claims.
  for (Verdict v : {Verdict::kDeadlock, Verdict::kSingleThread, Verdict::kOrdered, Verdict::kGated,
                    Verdict::kTryLock, Verdict::kReaders})
    EXPECT_GT(seen[v], 0u) << verdict_name(v);
  EXPECT_GT(judged, 2000u);
  EXPECT_GT(self_nesting, 0u);
}

}  // namespace
}  // namespace lockgraph::analysis
