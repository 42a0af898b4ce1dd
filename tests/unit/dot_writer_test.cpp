// The DOT of a small trace is byte-for-byte the golden file (and stable across runs).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "lockgraph/analysis/findings.h"
#include "lockgraph/analysis/report.h"
#include "lockgraph/analysis/trace_loader.h"
#include "lockgraph/viz/dot_writer.h"
#include "support/synthetic_trace.h"
#include "support/temp_dir.h"

namespace lockgraph::viz {
namespace {

std::string dot_of(const std::string& trace_text, bool findings_only) {
  testing::TempDir dir;
  auto model = std::make_shared<analysis::TraceModel>(
      analysis::load_traces({dir.write("t.lgtrace", trace_text)}));
  analysis::Findings findings = analysis::analyze(model, {});
  analysis::Symbolizer symbolizer(*model);
  analysis::Report report = analysis::build_report(findings, symbolizer, true);
  std::ostringstream out;
  write_dot(out, report, symbolizer, {findings_only});
  return out.str();
}

std::string small_trace() {
  testing::SyntheticTrace t;
  t.lock(1, "accounts").lock(2, "ledger").lock(3, "audit").lock(4, "unrelated");
  t.thread(1, 0, 0, "main").thread(2, 1, 0, "transfer").thread(3, 1, 1, "report");
  t.chain(2, 2, {{1, 0}}).chain(3, 1, {{2, 0}}).chain(3, 3, {{2, 0}}).end();
  return t.text();
}

TEST(DotWriter, MatchesTheGoldenFile) {
  if (std::getenv("LOCKGRAPH_UPDATE_GOLDEN"))  // after a deliberate change: rewrite, then review the diff
    std::ofstream(LOCKGRAPH_GOLDEN_DIR "/small.dot") << dot_of(small_trace(), false);
  std::ifstream golden(LOCKGRAPH_GOLDEN_DIR "/small.dot");
  std::stringstream expected;
  expected << golden.rdbuf();
  ASSERT_FALSE(expected.str().empty()) << "golden file missing";
  EXPECT_EQ(dot_of(small_trace(), false), expected.str());
}

TEST(DotWriter, IsDeterministic) { EXPECT_EQ(dot_of(small_trace(), false), dot_of(small_trace(), false)); }

TEST(DotWriter, FindingsOnlyDropsLocksOffCycles) {
  std::string dot = dot_of(small_trace(), true);
  EXPECT_EQ(dot.find("audit"), std::string::npos);
  EXPECT_NE(dot.find("accounts"), std::string::npos);
}

}  // namespace
}  // namespace lockgraph::viz
