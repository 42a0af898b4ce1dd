// One synthetic trace per verdict class: the verdict and the reason it gives.
#include <gtest/gtest.h>

#include "lockgraph/analysis/findings.h"
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
