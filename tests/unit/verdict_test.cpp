// One synthetic trace per verdict class: the verdict and the reason it gives.
#include <gtest/gtest.h>

#include "lockgraph/analysis/finding_view.h"
#include "lockgraph/analysis/findings.h"
#include "lockgraph/analysis/symbolizer.h"
#include "cycle_verdict.h"
#include "lockgraph/analysis/happens_before.h"
#include "lockgraph/analysis/trace_loader.h"
#include "support/synthetic_trace.h"
#include "support/temp_dir.h"

namespace lockgraph::analysis {
namespace {

using lockgraph::testing::SyntheticTrace;
using lockgraph::testing::TempDir;

constexpr int kTry = 1, kShared = 2;

Findings analyze_text(const std::string& text, GroupBy group_by = GroupBy::kInstance) {
  TempDir dir;
  auto model = std::make_shared<TraceModel>(load_traces({dir.write("t.lgtrace", text)}));
  AnalysisOptions options;
  options.group_by = group_by;
  return analyze(model, options);
}

SyntheticTrace two_workers() {
  SyntheticTrace t;
  t.lock(1, "A").lock(2, "B").thread(1, 0, 0, "main").thread(2, 1, 0, "w1").thread(3, 1, 1, "w2");
  return t;
}

// Two instances named alike (two objects of one class) read apart in a report: `M (#1) --> M (#2)`.
TEST(FindingView, LocksThatShareANameAreToldApartByTheirIds) {
  SyntheticTrace t;
  t.lock(1, "M").lock(2, "M").lock(3, "other").thread(1, 0, 0, "main").thread(2, 1, 0, "w1").thread(3, 1, 1, "w2");
  t.chain(2, 1, {}).chain(2, 2, {{1, 0}}).chain(3, 2, {}).chain(3, 1, {{2, 0}}).end();
  Findings f = analyze_text(t.text());
  ASSERT_EQ(f.cycles.size(), 1u);
  Symbolizer symbolizer(*f.model);
  CycleView view = view_cycle(f, f.cycles[0], symbolizer, false);
  EXPECT_EQ(view.chain, "M (#1) --> M (#2) --> M (#1)");
  EXPECT_EQ(f.shared_names.count("other"), 0u) << "a name of one lock stays as it is";
}

TEST(Verdict, OppositeOrdersInConcurrentThreadsDeadlock) {
  auto t = two_workers();
  t.chain(2, 1, {}).chain(2, 2, {{1, 0}}).chain(3, 2, {}).chain(3, 1, {{2, 0}}).end();
  Findings f = analyze_text(t.text());
  ASSERT_EQ(f.cycles.size(), 1u);
  EXPECT_EQ(f.cycles[0].verdict, Verdict::kDeadlock);
  EXPECT_NE(f.cycles[0].reason.find("thread 2 (w1) and thread 3 (w2)"), std::string::npos);
  EXPECT_EQ(f.cycles[0].witness.size(), 2u);
}

TEST(Verdict, OneThreadAloneIsSingleThread) {
  auto t = two_workers();
  t.chain(2, 2, {{1, 0}}).chain(2, 1, {{2, 0}}).end();
  Findings f = analyze_text(t.text());
  ASSERT_EQ(f.cycles.size(), 1u);
  EXPECT_EQ(f.cycles[0].verdict, Verdict::kSingleThread);
  EXPECT_NE(f.cycles[0].reason.find("thread 2 (w1)"), std::string::npos);
}

TEST(Verdict, CommonGateLockIsGatedAndNamed) {
  auto t = two_workers();
  t.lock(3, "gate");
  t.chain(2, 2, {{3, 0}, {1, 0}}).chain(3, 1, {{3, 0}, {2, 0}}).end();
  Findings f = analyze_text(t.text());
  ASSERT_EQ(f.cycles.size(), 1u);
  EXPECT_EQ(f.cycles[0].verdict, Verdict::kGated);
  EXPECT_NE(f.cycles[0].reason.find("(gate)"), std::string::npos);
}

TEST(Verdict, JoinBeforeStartIsOrderedAndExplained) {
  SyntheticTrace t;
  t.lock(1, "A").lock(2, "B").thread(1, 0, 0, "main").thread(2, 1, 0, "w1");
  t.chain(2, 2, {{1, 0}}).join(1, 2, 2).thread(3, 1, 2, "w2").chain(3, 1, {{2, 0}}).end();
  Findings f = analyze_text(t.text());
  ASSERT_EQ(f.cycles.size(), 1u);
  EXPECT_EQ(f.cycles[0].verdict, Verdict::kOrdered);
  EXPECT_NE(f.cycles[0].reason.find("thread 2 (w1) was joined by thread 1 (main) before it started thread 3 (w2)"),
            std::string::npos)
      << f.cycles[0].reason;
}

TEST(Verdict, TryLockClosingTheCycleIsTryLock) {
  auto t = two_workers();
  t.chain(2, 2, {{1, 0}}).chain(3, 1, {{2, 0}}, kTry).end();
  Findings f = analyze_text(t.text());
  ASSERT_EQ(f.cycles.size(), 1u);
  EXPECT_EQ(f.cycles[0].verdict, Verdict::kTryLock);
  EXPECT_NE(f.cycles[0].reason.find("try_lock"), std::string::npos);
}

TEST(Verdict, SharedOnlyIsReaders) {
  auto t = two_workers();
  t.chain(2, 2, {{1, kShared}}, kShared).chain(3, 1, {{2, kShared}}, kShared).end();
  Findings f = analyze_text(t.text());
  ASSERT_EQ(f.cycles.size(), 1u);
  EXPECT_EQ(f.cycles[0].verdict, Verdict::kReaders);
}

TEST(Verdict, OneWriterMakesItADeadlockAgain) {
  auto t = two_workers();
  // A is held shared but awaited exclusively; B is exclusive on both sides: both conflict.
  t.chain(2, 2, {{1, kShared}}, 0).chain(3, 1, {{2, 0}}, 0).end();
  Findings f = analyze_text(t.text());
  ASSERT_EQ(f.cycles.size(), 1u);
  EXPECT_EQ(f.cycles[0].verdict, Verdict::kDeadlock);
}

TEST(Verdict, ThreeLockCycleIsFound) {
  SyntheticTrace t;
  t.lock(1, "A").lock(2, "B").lock(3, "C").thread(2, 1, 0).thread(3, 1, 1).thread(4, 1, 2);
  t.chain(2, 2, {{1, 0}}).chain(3, 3, {{2, 0}}).chain(4, 1, {{3, 0}}).end();
  Findings f = analyze_text(t.text());
  ASSERT_EQ(f.cycles.size(), 1u);
  EXPECT_EQ(f.cycles[0].nodes.size(), 3u);
  EXPECT_EQ(f.cycles[0].verdict, Verdict::kDeadlock);
}

TEST(Verdict, GroupingByNameMergesInstances) {
  SyntheticTrace t;
  t.lock(1, "account").lock(2, "account").lock(3, "ledger").thread(2, 1, 0).thread(3, 1, 1);
  t.chain(2, 3, {{1, 0}}).chain(3, 2, {{3, 0}}).end();
  EXPECT_TRUE(analyze_text(t.text(), GroupBy::kInstance).cycles.empty());
  Findings by_name = analyze_text(t.text(), GroupBy::kName);
  ASSERT_EQ(by_name.cycles.size(), 1u);
  EXPECT_EQ(by_name.cycles[0].verdict, Verdict::kDeadlock);
}

}  // namespace
}  // namespace lockgraph::analysis

namespace lockgraph::analysis {
namespace {

using lockgraph::testing::SyntheticTrace;

Findings analyze_with(const std::string& text, AnalysisOptions options) {
  lockgraph::testing::TempDir dir;
  auto model = std::make_shared<TraceModel>(load_traces({dir.write("t.lgtrace", text)}));
  return analyze(model, options);
}

const CycleFinding* cycle_over(const Findings& f, std::vector<std::uint64_t> lock_ids) {
  for (const CycleFinding& c : f.cycles) {
    std::vector<std::uint64_t> ids;
    for (std::uint32_t n : c.nodes) ids.push_back(f.model->locks[f.graph->nodes()[n].members.front()].id);
    if (ids == lock_ids) return &c;
  }
  return nullptr;
}

// Shape 1: hundreds of single-thread cycles through every pair of six locks, and two threads
// taking the two highest in opposite orders. Enumerated from the lowest lock, the cap filled
// with long cycles first and hid the deadlock (exit 0); shortest first, it is found and the
// bound is said.
TEST(VerdictShapes, ShortCyclesComeBeforeTheCap) {
  SyntheticTrace t;
  for (int l = 1; l <= 6; ++l) t.lock(l, "L" + std::to_string(l));
  t.thread(1, 0, 0, "main").thread(2, 1, 0).thread(3, 1, 1).thread(4, 1, 2);
  for (int a = 1; a <= 6; ++a)
    for (int b = 1; b <= 6; ++b)
      if (a != b) t.chain(2, b, {{a, 0}});
  t.chain(3, 6, {{5, 0}}).chain(4, 5, {{6, 0}}).end();
  AnalysisOptions options;
  options.max_cycles = 50;
  Findings f = analyze_with(t.text(), options);
  EXPECT_EQ(f.count(Verdict::kDeadlock), 1u);
  const CycleFinding* pair = cycle_over(f, {5, 6});
  ASSERT_NE(pair, nullptr);
  EXPECT_EQ(pair->verdict, Verdict::kDeadlock);
  EXPECT_TRUE(f.incomplete());
  EXPECT_GE(f.complete_length, 2u);
  EXPECT_LE(f.cycles.size(), 50u);
  for (std::size_t i = 1; i < f.cycles.size(); ++i) {  // the cap cut the longest
    if (f.cycles[i].verdict == f.cycles[i - 1].verdict) {
      EXPECT_LE(f.cycles[i - 1].nodes.size(), f.cycles[i].nodes.size());
    }
  }
}

// Shape 2: A -> B -> C -> A where C -> A is only ever taken under a gate, A -> B by 200 threads
// under the gate and once without it by the last thread, B -> C by 200 threads without it. The
// only witness uses the last thread; a search in thread order with a 20,000-step budget gave up
// before it and said `gated` (exit 0). The exact search finds the deadlock; a search cut short
// says `unknown`.
TEST(VerdictShapes, NoStepBudgetDecidesAVerdict) {
  SyntheticTrace t;
  t.lock(1, "A").lock(2, "B").lock(3, "C").lock(9, "gate").thread(1, 0, 0, "main");
  int tid = 2;
  for (int i = 0; i < 200; ++i, ++tid)
    t.thread(tid, 1, tid - 2).chain(tid, 2, {{9, 0}, {1, 0}}).chain(tid, 3, {{2, 0}});
  t.thread(tid, 1, tid - 2).chain(tid, 1, {{9, 0}, {3, 0}});
  ++tid;
  t.thread(tid, 1, tid - 2).chain(tid, 2, {{1, 0}});
  t.end();
  Findings f = analyze_with(t.text(), {});
  const CycleFinding* abc = cycle_over(f, {1, 2, 3});
  ASSERT_NE(abc, nullptr);
  EXPECT_EQ(abc->verdict, Verdict::kDeadlock) << abc->reason;

  CycleFinding cut;
  cut.nodes = abc->nodes;
  judge_cycle(*f.graph, HappensBefore::from_start_join(*f.model), cut, 10);
  EXPECT_EQ(cut.verdict, Verdict::kUnknown);
  EXPECT_TRUE(verdict_is_finding(cut.verdict));
  EXPECT_NE(cut.reason.find("cannot say"), std::string::npos);
}

// Shape 3: one lock set closed in two orders: by one thread (single-thread) and by four
// concurrent threads (deadlock). Both are judged.
TEST(VerdictShapes, EveryOrderOfALockSetIsJudged) {
  SyntheticTrace t;
  t.lock(1, "A").lock(2, "B").lock(3, "C").lock(4, "D").thread(1, 0, 0, "main").thread(2, 1, 0, "early");
  t.chain(2, 2, {{1, 0}}).chain(2, 3, {{2, 0}}).chain(2, 4, {{3, 0}}).chain(2, 1, {{4, 0}});
  t.join(1, 2, 2);  // the early thread ends before the others start
  t.thread(3, 1, 2).thread(4, 1, 3).thread(5, 1, 4).thread(6, 1, 5);
  t.chain(3, 3, {{1, 0}}).chain(4, 2, {{3, 0}}).chain(5, 4, {{2, 0}}).chain(6, 1, {{4, 0}}).end();
  Findings f = analyze_with(t.text(), {});
  const CycleFinding* abcd = cycle_over(f, {1, 2, 3, 4});
  const CycleFinding* acbd = cycle_over(f, {1, 3, 2, 4});
  ASSERT_NE(abcd, nullptr);
  ASSERT_NE(acbd, nullptr);
  EXPECT_EQ(abcd->verdict, Verdict::kSingleThread) << abcd->reason;
  EXPECT_EQ(acbd->verdict, Verdict::kDeadlock) << acbd->reason;
  EXPECT_EQ(f.count(Verdict::kDeadlock), 1u);
}

// Shape 4: a shared_mutex held shared by both sides is no gate; held exclusively by one, it is.
TEST(VerdictShapes, ReadersDoNotGate) {
  constexpr int kShared = 2;
  for (int second_mode : {kShared, 0}) {
    SyntheticTrace t;
    t.lock(1, "A").lock(2, "B").lock(3, "rw", "shared_mutex").thread(1, 0, 0).thread(2, 1, 0).thread(3, 1, 1);
    t.chain(2, 2, {{3, kShared}, {1, 0}}).chain(3, 1, {{3, second_mode}, {2, 0}}).end();
    Findings f = analyze_with(t.text(), {});
    const CycleFinding* ab = cycle_over(f, {1, 2});
    ASSERT_NE(ab, nullptr);
    EXPECT_EQ(ab->verdict, second_mode == kShared ? Verdict::kDeadlock : Verdict::kGated) << ab->reason;
  }
}

// Shape 5: main takes A, starts and joins T2, then takes B: its hold of A spans T2's life, and
// T2 takes B then A. Dated from the hold (seg_held), that is a deadlock; dated from the
// acquisition of B (a trace without seg_held records), the threads look ordered.
TEST(VerdictShapes, AHoldIsDatedFromItsStart) {
  for (bool with_held_records : {true, false}) {
    SyntheticTrace t;
    t.lock(1, "A").lock(2, "B").thread(1, 0, 0, "main").thread(2, 1, 0, "T2");
    t.chain(2, 1, {{2, 0}});
    t.join(1, 2, 2);
    if (with_held_records) t.held_across(1, 1, {1}).held_across(1, 2, {1});
    t.chain(1, 2, {{1, 0}}, 0, 2).end();
    Findings f = analyze_with(t.text(), {});
    ASSERT_EQ(f.cycles.size(), 1u);
    EXPECT_EQ(f.cycles[0].verdict, with_held_records ? Verdict::kDeadlock : Verdict::kOrdered)
        << f.cycles[0].reason;
  }
}

// Shape 7: code-level inversions are findings with their reason; --fail-on deadlock keeps them
// reported but not failing.
TEST(VerdictShapes, CodeLevelInversionsAreFindings) {
  SyntheticTrace t;
  t.lock(1, "A").lock(2, "B").thread(1, 0, 0, "main");
  t.chain(1, 2, {{1, 0}}).chain(1, 1, {{2, 0}}).end();
  Findings f = analyze_with(t.text(), {});
  ASSERT_EQ(f.cycles.size(), 1u);
  EXPECT_EQ(f.cycles[0].verdict, Verdict::kSingleThread);
  EXPECT_TRUE(verdict_is_finding(Verdict::kSingleThread));
  EXPECT_TRUE(verdict_fails(Verdict::kSingleThread, FailOn::kFindings));
  EXPECT_FALSE(verdict_fails(Verdict::kSingleThread, FailOn::kDeadlock));
  EXPECT_TRUE(verdict_fails(Verdict::kUnknown, FailOn::kDeadlock));
  EXPECT_NE(f.cycles[0].reason.find("two threads running these code paths at the same time would deadlock"),
            std::string::npos)
      << f.cycles[0].reason;
}

// Same-class nesting under grouping: two threads each nest two locks of one name (different
// instances, so no cycle by instance) is a loop on the group's node, reported as lockdep's
// "possible recursive locking": the class-level order is what --group-by asks about.
TEST(VerdictShapes, SameGroupNestingIsReported) {
  SyntheticTrace t;
  t.lock(1, "account").lock(2, "account").lock(3, "account").lock(4, "account");
  t.thread(1, 0, 0).thread(2, 1, 0).thread(3, 1, 1);
  t.chain(2, 2, {{1, 0}}).chain(3, 3, {{4, 0}}).end();
  AnalysisOptions options;
  options.group_by = GroupBy::kName;
  Findings f = analyze_with(t.text(), options);
  ASSERT_EQ(f.cycles.size(), 1u);
  EXPECT_EQ(f.cycles[0].nodes.size(), 1u);
  EXPECT_EQ(f.cycles[0].verdict, Verdict::kDeadlock);
  EXPECT_NE(f.cycles[0].reason.find("possible recursive locking"), std::string::npos);
  EXPECT_TRUE(analyze_with(t.text(), {}).cycles.empty());  // by instance: two locks, no cycle
}

}  // namespace
}  // namespace lockgraph::analysis
