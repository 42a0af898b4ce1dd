// The analyzer on real programs: gated and three-lock verdicts, and the golden text report of the
// seed's deadlock example (paths, pids and library frame counts normalised).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "lockgraph/analysis/findings.h"
#include "lockgraph/analysis/report.h"
#include "lockgraph/analysis/trace_loader.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace lockgraph::analysis {
namespace {

using lockgraph::testing::TempDir;

std::shared_ptr<TraceModel> run_and_load(const std::string& program, const std::string& arg, TempDir& dir) {
  auto r = lockgraph::testing::run_process(
      {program, arg}, {"LOCKGRAPH_OPTIONS=trace_path=" + dir.file("%p.lgtrace") + ":verbosity=0"});
  EXPECT_EQ(r.exit_code, 0);
  return std::make_shared<TraceModel>(load_traces({dir.path().string()}));
}

TEST(AnalyzerOnPrograms, CommonGateLockIsGated) {
  TempDir dir;
  Findings f = analyze(run_and_load(LOCKGRAPH_PROGRAM_DIR "/gated_and_three", "gated", dir), {});
  ASSERT_EQ(f.cycles.size(), 1u);
  EXPECT_EQ(f.cycles[0].verdict, Verdict::kGated);
  EXPECT_NE(f.cycles[0].reason.find("(G)"), std::string::npos) << f.cycles[0].reason;
}

TEST(AnalyzerOnPrograms, ThreeLockCycleIsADeadlock) {
  TempDir dir;
  Findings f = analyze(run_and_load(LOCKGRAPH_PROGRAM_DIR "/gated_and_three", "three", dir), {});
  ASSERT_EQ(f.cycles.size(), 1u);
  EXPECT_EQ(f.cycles[0].nodes.size(), 3u);
  EXPECT_EQ(f.cycles[0].verdict, Verdict::kDeadlock);
}

// A linked program's plain std locks are recorded as under preload; a wrapper's std insides are
// not (recorded twice, every wrapper would be a gate around its insides).
TEST(AnalyzerOnPrograms, ALinkedProgramRecordsPlainLocksAndEachWrapperOnce) {
#ifdef LOCKGRAPH_SANITIZED
  GTEST_SKIP() << "a sanitizer build's runtime library has no lock interposers (runtime/CMakeLists.txt)";
#endif
  TempDir dir;
  auto model = run_and_load(LOCKGRAPH_PROGRAM_DIR "/gated_and_three", "mixed", dir);
  Findings f = analyze(model, {});
  ASSERT_EQ(f.cycles.size(), 1u);
  EXPECT_EQ(f.cycles[0].nodes.size(), 2u);
  EXPECT_EQ(f.cycles[0].verdict, Verdict::kDeadlock) << f.cycles[0].reason;
  // The program's four global wrappers, S, and the plain P and Q (unnamed: named by the analyzer).
  std::multiset<std::string> locks;
  for (const auto& lock : model->locks) locks.insert(lock.kind + " " + (lock.name.empty() ? "-" : lock.name));
  EXPECT_EQ(locks, (std::multiset<std::string>{"mutex A", "mutex B", "mutex C", "mutex G", "mutex -",
                                               "shared_mutex S", "shared_mutex -"}));
}

TEST(AnalyzerOnPrograms, AHoldAcrossAStartAndJoinIsDatedFromItsStart) {
  TempDir dir;
  auto model = run_and_load(LOCKGRAPH_PROGRAM_DIR "/gated_and_three", "held_across", dir);
  bool found = false;
  for (const Chain& c : model->chains) {
    if (model->locks[c.lock].name != "B") continue;
    ASSERT_EQ(c.held.size(), 1u);
    EXPECT_EQ(model->locks[c.held[0].lock].name, "A");
    EXPECT_EQ(c.segment, 2u);         // after the start and the join
    EXPECT_EQ(c.held[0].segment, 0u);  // A was taken before both
    found = true;
  }
  EXPECT_TRUE(found);
}

std::string normalised_report(const std::string& program, TempDir& dir) {
  auto model = run_and_load(program, "", dir);
  Findings f = analyze(model, {});
  Symbolizer symbolizer(*model);
  Report report = build_report(f, symbolizer, false);
  std::ostringstream out;
  write_text_report(out, report, symbolizer, false);
  std::string text = out.str();
  text = std::regex_replace(text, std::regex(LOCKGRAPH_SOURCE_DIR), "<src>");
  text = std::regex_replace(text, std::regex(R"(\(\d+ library and runtime frames)"), "(N library and runtime frames");
  // Frames below the innermost depend on inlining (a Release build folds the thread's lambda into
  // its caller): the golden file keeps frame #0 of each stack, with its source line.
  text = std::regex_replace(text, std::regex(R"(\n      #[1-9][0-9]* [^\n]*)"), "");
  return text;
}

TEST(AnalyzerOnPrograms, TextReportMatchesTheGoldenFile) {
#ifdef LOCKGRAPH_SANITIZED
  GTEST_SKIP() << "a sanitizer build inlines differently: its stacks are not the golden ones";
#endif
  TempDir dir;
  std::string text = normalised_report(LOCKGRAPH_SAMPLE_DIR "/deadlock_example", dir);
  const std::string golden_path = LOCKGRAPH_GOLDEN_DIR "/deadlock_example_report.txt";
  if (std::getenv("LOCKGRAPH_UPDATE_GOLDEN")) std::ofstream(golden_path) << text;
  std::ifstream golden(golden_path);
  std::stringstream expected;
  expected << golden.rdbuf();
  EXPECT_EQ(text, expected.str());
}

}  // namespace
}  // namespace lockgraph::analysis
