// The happens-before engine against a transitive-closure reference on thousands of random runs,
// and on the run shapes that broke the previous engine (deep segment chains, thousands of
// started-and-joined threads).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "lockgraph/analysis/happens_before.h"
#include "support/sync_list.h"

namespace lockgraph::analysis {
namespace {

using Edges = std::vector<std::pair<TimelinePoint, TimelinePoint>>;

// reach[x][y]: point x precedes point y, by program order and edges, transitively.
std::vector<std::vector<bool>> closure(const std::vector<std::uint32_t>& points, const Edges& edges) {
  std::vector<std::uint32_t> offset{0};
  for (std::uint32_t p : points) offset.push_back(offset.back() + p);
  const std::uint32_t n = offset.back();
  std::vector<std::vector<bool>> reach(n, std::vector<bool>(n, false));
  for (std::uint32_t t = 0; t < points.size(); ++t)
    for (std::uint32_t i = 0; i < points[t]; ++i)
      for (std::uint32_t j = i; j < points[t]; ++j) reach[offset[t] + i][offset[t] + j] = true;
  for (const auto& [from, to] : edges) reach[offset[from.timeline] + from.index][offset[to.timeline] + to.index] = true;
  for (std::uint32_t k = 0; k < n; ++k)
    for (std::uint32_t i = 0; i < n; ++i)
      if (reach[i][k])
        for (std::uint32_t j = 0; j < n; ++j)
          if (reach[k][j]) reach[i][j] = true;
  return reach;
}

TEST(HappensBefore, MatchesTransitiveClosureOnRandomRuns) {
  std::mt19937 random(2026);
  for (int trial = 0; trial < 2000; ++trial) {
    std::uint32_t timelines = 1 + random() % 6;
    std::vector<std::uint32_t> points(timelines);
    for (auto& p : points) p = 1 + random() % 6;
    // A random global order of all points that keeps each timeline's order: edges only go
    // forward in it, so the run is a DAG.
    std::vector<std::uint32_t> slots;
    for (std::uint32_t t = 0; t < timelines; ++t)
      for (std::uint32_t i = 0; i < points[t]; ++i) slots.push_back(t);
    std::shuffle(slots.begin(), slots.end(), random);
    std::vector<TimelinePoint> in_order;
    std::vector<std::uint32_t> next(timelines, 0);
    for (std::uint32_t t : slots) in_order.push_back({t, next[t]++});
    Edges edges;
    std::uint32_t edge_count = random() % (2 * in_order.size() + 1);
    for (std::uint32_t e = 0; e < edge_count; ++e) {
      std::size_t a = random() % in_order.size(), b = random() % in_order.size();
      if (a == b) continue;
      edges.push_back({in_order[std::min(a, b)], in_order[std::max(a, b)]});
    }
    // Some runs keep only the first timelines queryable (the others act as sync objects).
    std::uint32_t queried = trial % 2 ? timelines : 1 + random() % timelines;
    HappensBefore order(points, edges, queried);
    auto reach = closure(points, edges);
    std::uint32_t x = 0;
    for (std::uint32_t ta = 0; ta < timelines; ++ta)
      for (std::uint32_t ia = 0; ia < points[ta]; ++ia, ++x) {
        if (ta >= queried) continue;
        std::uint32_t y = 0;
        for (std::uint32_t tb = 0; tb < timelines; ++tb)
          for (std::uint32_t ib = 0; ib < points[tb]; ++ib, ++y)
            ASSERT_EQ(order.ordered({ta, ia}, {tb, ib}), static_cast<bool>(reach[x][y]))
                << "trial " << trial << ": (" << ta << "," << ia << ") -> (" << tb << "," << ib << ")";
      }
  }
}

TEST(HappensBefore, LongChainsMatchTheClosureToo) {
  // Chains longer than kMaxDepth, so whole clocks are written out along the way.
  std::mt19937 random(7);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<std::uint32_t> points = {100, 90, 80};
    Edges edges;
    for (int e = 0; e < 60; ++e) {
      std::uint32_t a = random() % 3, b = random() % 3;
      if (a == b) continue;
      // Forward in a global order: index i on any timeline comes before index i+1 on another.
      std::uint32_t i = random() % 79;
      edges.push_back({{a, i}, {b, i + 1}});
    }
    HappensBefore order(points, edges);
    auto reach = closure(points, edges);
    std::vector<std::uint32_t> offset = {0, 100, 190};
    for (std::uint32_t ta = 0; ta < 3; ++ta)
      for (std::uint32_t ia = 0; ia < points[ta]; ia += 3)
        for (std::uint32_t tb = 0; tb < 3; ++tb)
          for (std::uint32_t ib = 0; ib < points[tb]; ib += 2)
            ASSERT_EQ(order.ordered({ta, ia}, {tb, ib}),
                      static_cast<bool>(reach[offset[ta] + ia][offset[tb] + ib]));
  }
}

TEST(HappensBefore, ACycleOfEdgesStillAnswers) {
  // Malformed input: A's point 1 before B's 0 and B's 1 before A's 0 closes a loop.
  HappensBefore order({2, 2}, {{{0, 1}, {1, 0}}, {{1, 1}, {0, 0}}});
  EXPECT_TRUE(order.ordered({0, 0}, {0, 1}));
  EXPECT_TRUE(order.ordered({0, 1}, {1, 0}) || order.ordered({1, 1}, {0, 0}));
}

// A random run of sync events on `threads` threads and a few objects, in sequence order. Well
// formed: each event's epoch is its thread's next (or, now and then, an acquire in the epoch it is
// in: a second edge into one point). Otherwise epochs are random and contradict the sequence.
TraceModel random_syncs(std::mt19937& random, std::uint32_t threads, bool well_formed) {
  TraceModel model;
  model.processes.emplace_back();
  model.threads.resize(threads);
  model.syncs = SyncLog(1 + random() % 8);  // mostly on file, in several runs
  std::vector<SyncEvent> syncs;
  std::vector<std::uint32_t> epoch(threads, 0);
  const std::uint32_t events = random() % 24;
  for (std::uint32_t i = 0; i < events; ++i) {
    SyncEvent e;
    e.thread = random() % threads;
    e.release = random() % 2;
    e.object = random() % 3;
    e.sequence = i + 1;
    if (!well_formed) e.epoch = random() % 6;
    else if (!e.release && random() % 4 == 0) e.epoch = epoch[e.thread];
    else e.epoch = ++epoch[e.thread];
    syncs.push_back(e);
  }
  std::shuffle(syncs.begin(), syncs.end(), random);  // the trace's order is not sequence order
  for (const SyncEvent& e : syncs) model.syncs.push_back(e);
  return model;
}

// The edges the syncs mean (happens_before.h, from_syncs), derived here on their own: thread
// timelines first, then one per object in the order objects first appear.
std::pair<std::vector<std::uint32_t>, Edges> sync_model(const TraceModel& model) {
  std::vector<SyncEvent> syncs = testing::sync_list(model.syncs);
  std::vector<std::uint32_t> points(model.threads.size(), 1);
  for (const SyncEvent& e : syncs) points[e.thread] = std::max(points[e.thread], e.epoch + 1);
  std::vector<std::uint64_t> objects;
  Edges edges;
  for (const SyncEvent& e : syncs) {
    auto it = std::find(objects.begin(), objects.end(), e.object);
    if (it == objects.end()) {
      objects.push_back(e.object);
      points.push_back(0);
      it = objects.end() - 1;
    }
    const auto object = static_cast<std::uint32_t>(model.threads.size() + (it - objects.begin()));
    if (e.release) {
      if (e.epoch > 0) edges.push_back({{e.thread, e.epoch - 1}, {object, points[object]}});
      ++points[object];
    } else if (points[object] > 0) {
      edges.push_back({{object, points[object] - 1}, {e.thread, e.epoch}});
    }
  }
  return {points, edges};
}

TEST(HappensBefore, SyncsInSequenceOrderMatchTheClosure) {
  std::mt19937 random(99);
  int corrupt = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const std::uint32_t threads = 1 + random() % 4;
    const bool well_formed = trial % 3 != 0;
    TraceModel model = random_syncs(random, threads, well_formed);
    HappensBefore order = HappensBefore::from_syncs(model);
    auto [points, edges] = sync_model(model);
    // Well formed: what the definition says. Corrupt (a cycle may drop edges): what the engine
    // makes of the same edges given as a list.
    const auto reach = closure(points, edges);
    HappensBefore listed(points, edges, threads);
    corrupt += well_formed ? 0 : 1;
    std::vector<std::uint32_t> offset{0};
    for (std::uint32_t p : points) offset.push_back(offset.back() + p);
    for (std::uint32_t ta = 0; ta < threads; ++ta)
      for (std::uint32_t ia = 0; ia < points[ta]; ++ia)
        for (std::uint32_t tb = 0; tb < threads; ++tb)
          for (std::uint32_t ib = 0; ib < points[tb]; ++ib) {
            const bool expected = well_formed ? static_cast<bool>(reach[offset[ta] + ia][offset[tb] + ib])
                                              : listed.ordered({ta, ia}, {tb, ib});
            ASSERT_EQ(order.ordered({ta, ia}, {tb, ib}), expected)
                << "trial " << trial << ": (" << ta << "," << ia << ") -> (" << tb << "," << ib << ")";
            // Ranks (of the engine built from the list; the streamed one has none) follow the order.
            if (well_formed && expected && (ta != tb || ia != ib)) {
              ASSERT_LT(listed.rank({ta, ia}), listed.rank({tb, ib})) << "trial " << trial;
            }
          }
  }
  EXPECT_GT(corrupt, 500);
}

// A main thread that starts and joins `children` threads one after another, each child taking
// one lock pair: from the model, as the analyzer builds it.
TraceModel start_and_join(std::uint32_t children) {
  TraceModel model;
  model.processes.emplace_back();
  Thread main;
  main.tid = 1;
  for (std::uint32_t c = 0; c < children; ++c) main.joins.push_back({2 * c + 2, 2 + c});
  main.end_segment = 2 * children;
  model.threads.push_back(main);
  for (std::uint32_t c = 0; c < children; ++c) {
    Thread child;
    child.tid = 2 + c;
    child.parent_tid = 1;
    child.parent_segment = 2 * c;
    model.threads.push_back(child);
  }
  return model;
}

TEST(HappensBefore, ThousandsOfStartedAndJoinedThreadsStaySmall) {
  const std::uint32_t children = 8000;
  HappensBefore order = HappensBefore::from_start_join(start_and_join(children));
  // Child c ends before child c+1 starts; nothing runs beside main's own segments.
  EXPECT_TRUE(order.ordered({1, 0}, {2, 0}));
  EXPECT_TRUE(order.ordered({1, 0}, {children, 0}));
  EXPECT_FALSE(order.ordered({children, 0}, {1, 0}));
  EXPECT_TRUE(order.ordered({0, 0}, {children, 0}));
  EXPECT_TRUE(order.ordered({children, 0}, {0, 2 * children}));
  EXPECT_FALSE(order.ordered({0, 2 * children}, {children, 0}));
  // Dense clocks would hold 8,001 x 16,001 entries; this keeps one per join.
  EXPECT_LE(order.stored_entries(), children);
}

TEST(HappensBefore, HundredsOfThousandsOfSegmentsNeedNoDeepStack) {
  const std::uint32_t children = 150000;  // 300,000 segments on the main thread
  HappensBefore order = HappensBefore::from_start_join(start_and_join(children));
  EXPECT_EQ(order.points(0), 2 * children + 1);
  EXPECT_TRUE(order.ordered({1, 0}, {children, 0}));
  EXPECT_FALSE(order.ordered({children, 0}, {1, 0}));
}

}  // namespace
}  // namespace lockgraph::analysis
