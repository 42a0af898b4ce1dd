// The runtime end to end: real programs, real traces, read back by the analyzer library.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "lockgraph/analysis/finding_view.h"
#include "lockgraph/analysis/findings.h"
#include "lockgraph/analysis/symbolizer.h"
#include "lockgraph/analysis/trace_loader.h"
#include "lockgraph/trace_format.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace lockgraph::analysis {
namespace {

using lockgraph::testing::run_process;
using lockgraph::testing::TempDir;

TraceModel run_and_load(const std::string& program, const std::vector<std::string>& args,
                        TempDir& dir, lockgraph::testing::ProcessResult* result = nullptr,
                        const std::string& extra_options = "") {
  std::vector<std::string> argv{program};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run_process(argv, {"LOCKGRAPH_OPTIONS=trace_path=" + dir.file("%p.lgtrace") +
                              ":verbosity=0" + extra_options});
  EXPECT_FALSE(r.timed_out);
  if (result) *result = r;
  return load_traces({dir.path().string()});
}

// The trace's cycles: exactly one, with `verdict`.
void expect_one_cycle(const TraceModel& model, Verdict verdict, const std::string& context = "") {
  auto findings = analyze(std::make_shared<TraceModel>(model), {});
  ASSERT_EQ(findings.cycles.size(), 1u) << context;
  EXPECT_EQ(findings.cycles[0].verdict, verdict) << context << ": " << findings.cycles[0].reason;
}

TEST(RuntimeStress, EveryDistinctEdgeOncePerThreadAndCountsAddUp) {
  TempDir dir;
  lockgraph::testing::ProcessResult r;
  TraceModel model = run_and_load(LOCKGRAPH_PROGRAM_DIR "/stress_nested", {}, dir, &r);
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_TRUE(model.warnings.empty()) << model.warnings.front();
  ASSERT_TRUE(model.processes[0].complete);
  // (thread, held lock, lock) of every chain with a held lock: no duplicates.
  std::set<std::tuple<ThreadIndex, LockIndex, LockIndex>> edges;
  std::uint64_t acquisitions = 0;
  for (const Chain& c : model.chains) {
    acquisitions += c.count;
    if (c.held.empty()) continue;
    ASSERT_EQ(c.held.size(), 1u);
    EXPECT_TRUE(edges.insert({c.thread, c.held[0].lock, c.lock}).second) << "an edge recorded twice";
  }
  EXPECT_EQ(acquisitions, 8u * 100000u * 2u);
  // Each thread uses all 28 ordered pairs of 8 locks; the graph has no cycle.
  EXPECT_EQ(edges.size(), 8u * 28u);
  auto findings = analyze(std::make_shared<TraceModel>(model), {});
  EXPECT_TRUE(findings.cycles.empty());
}

TEST(RuntimeLimits, ThousandNestedAndHundredThousandDistinctLocks) {
  TempDir dir;
  lockgraph::testing::ProcessResult r;
  TraceModel model = run_and_load(LOCKGRAPH_PROGRAM_DIR "/deep_and_many", {}, dir, &r);
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(model.locks.size(), 1000u + 100000u + 1u);
  std::size_t deepest = 0;
  for (const Chain& c : model.chains) deepest = std::max(deepest, c.held.size());
  EXPECT_EQ(deepest, 999u);
}

// A disk that fills up, made by a file size limit (no privileges needed): the runtime keeps every
// record there was room for, never provokes the SIGXFSZ that would kill the program, ends the
// trace with an end record that says so, and the analysis is incomplete, not "0 findings".
TEST(RuntimeLimits, AFullDiskLeavesAReadableTraceAndAnIncompleteAnalysis) {
  TempDir dir;
  auto r = run_process({"/usr/bin/prlimit", "--fsize=1048576", LOCKGRAPH_PROGRAM_DIR "/deep_and_many"},
                       {"LOCKGRAPH_OPTIONS=trace_path=" + dir.file("%p.lgtrace") + ":verbosity=0"});
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << "the program ended as it does without lockgraph";
  std::uintmax_t size = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir.path())) size += f.file_size();
  EXPECT_LE(size, 1024u * 1024u);
  EXPECT_GT(size, 512u * 1024u) << "the records that fitted were kept";
  auto model = std::make_shared<TraceModel>(load_traces({dir.path().string()}));
  ASSERT_EQ(model->processes.size(), 1u);
  EXPECT_TRUE(model->processes[0].complete);
  EXPECT_EQ(model->processes[0].write_error, "EFBIG");
  EXPECT_GT(model->processes[0].lost_bytes, 0u);
  EXPECT_GT(model->locks.size(), 1000u);
  Findings findings = analyze(model, {});
  EXPECT_TRUE(findings.incomplete());
}

// The runtime's slow path on a thread with 6 KB of stack left (tests/programs/small_stack.cpp):
// it used to need over 8 KB and crash the program; about 3 KB now.
TEST(RuntimeLimits, NewChainOnAThreadWithLittleStackLeft) {
#ifdef LOCKGRAPH_SANITIZED
  GTEST_SKIP() << "sanitizer builds give every frame redzones; the budget is for real builds";
#endif
  TempDir dir;
  lockgraph::testing::ProcessResult r;
  TraceModel model = run_and_load(LOCKGRAPH_PROGRAM_DIR "/small_stack", {}, dir, &r);
  ASSERT_EQ(r.signal, 0) << "the program was killed by a signal";
  ASSERT_EQ(r.exit_code, 0);
  std::set<ThreadIndex> threads_with_edge;  // a held, b taken
  for (const Chain& c : model.chains)
    if (c.held.size() == 1 && model.locks[c.held[0].lock].name == "a" && model.locks[c.lock].name == "b")
      threads_with_edge.insert(c.thread);
  EXPECT_EQ(threads_with_edge.size(), 2u) << "the main thread and the small-stack thread";
}

class EndingTest : public ::testing::TestWithParam<std::tuple<const char*, int, int>> {};

TEST_P(EndingTest, TheTraceKeepsBothOrders) {
  auto [how, exit_code, signal] = GetParam();
  TempDir dir;
  lockgraph::testing::ProcessResult r;
  TraceModel model = run_and_load(LOCKGRAPH_PROGRAM_DIR "/ends_badly", {how}, dir, &r);
  EXPECT_EQ(r.exit_code, exit_code);
  EXPECT_EQ(r.signal, signal) << "the signal must keep its usual effect";
  ASSERT_EQ(model.processes.size(), 1u);
  // SIGKILL runs no handler: no end record, but every record made before it is in the file.
  EXPECT_EQ(model.processes[0].complete, signal != SIGKILL) << how;
  if (signal != 0 && signal != SIGKILL) {
    EXPECT_EQ(model.processes[0].end_reason, "signal " + std::to_string(signal));
  }
  if (std::string(how) == "exec") {
    EXPECT_EQ(model.processes[0].end_reason, "exec");
  }
  // The worker was joined before main took the opposite order.
  expect_one_cycle(model, Verdict::kOrdered, how);
}

INSTANTIATE_TEST_SUITE_P(Endings, EndingTest,
                         ::testing::Values(std::make_tuple("return", 0, 0), std::make_tuple("exit", 3, 0),
                                           std::make_tuple("quick_exit", 4, 0),
                                           std::make_tuple("_exit", 5, 0), std::make_tuple("_Exit", 6, 0),
                                           std::make_tuple("exec", 0, 0),
                                           std::make_tuple("alarm", -1, SIGALRM),
                                           std::make_tuple("hup", -1, SIGHUP),
                                           std::make_tuple("pipe", -1, SIGPIPE),
                                           std::make_tuple("usr1", -1, SIGUSR1),
                                           std::make_tuple("ignored_pipe", 0, 0),
                                           std::make_tuple("abort", -1, SIGABRT),
                                           std::make_tuple("segv", -1, SIGSEGV),
                                           std::make_tuple("stack_overflow", -1, SIGSEGV),
                                           std::make_tuple("term", -1, SIGTERM),
                                           std::make_tuple("kill", -1, SIGKILL)));

// Endings that give the runtime no chance to write anything at the end
// (tests/programs/dies_deadlocked.cpp).
TEST(EndingWithoutAWord, ARealDeadlockKilledWithSigkillIsInTheTrace) {
  TempDir dir;
  lockgraph::testing::ProcessResult r;
  TraceModel model = run_and_load(LOCKGRAPH_PROGRAM_DIR "/dies_deadlocked", {"kill"}, dir, &r);
  EXPECT_EQ(r.signal, SIGKILL);
  ASSERT_EQ(model.processes.size(), 1u);
  EXPECT_FALSE(model.processes[0].complete);
  expect_one_cycle(model, Verdict::kDeadlock);
}

TEST(EndingWithoutAWord, AForkChildThatCallsExitKeepsItsOrders) {
  TempDir dir;
  lockgraph::testing::ProcessResult r;
  TraceModel model = run_and_load(LOCKGRAPH_PROGRAM_DIR "/dies_deadlocked", {"fork_exit"}, dir, &r);
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_EQ(model.processes.size(), 2u);
  for (const Process& p : model.processes) EXPECT_TRUE(p.complete) << p.trace_path;
  expect_one_cycle(model, Verdict::kOrdered);
}

// The watchdog is a thread: it does not survive fork(). The child starts its own, which sees the
// child's deadlock, writes it and ends the child (on_hang=abort).
TEST(EndingWithoutAWord, AForkChildThatDeadlocksIsSeenByItsOwnWatchdog) {
  TempDir dir;
  lockgraph::testing::ProcessResult r;
  TraceModel model = run_and_load(LOCKGRAPH_PROGRAM_DIR "/dies_deadlocked", {"fork_deadlock"}, dir, &r,
                                  ":hang_timeout_ms=200:on_hang=abort");
  EXPECT_EQ(r.exit_code, 0) << "1: the child ended otherwise; 2: it still hung after 20 s";
  ASSERT_EQ(model.processes.size(), 2u);
  std::size_t observed = 0;
  for (const Incident& i : model.incidents)
    if (i.what == lockgraph::trace::incident::kDeadlockObserved) ++observed;
  EXPECT_EQ(observed, 1u);
  expect_one_cycle(model, Verdict::kDeadlock);
}

// Modules carry their build-id: a trace analysed after its program was rebuilt says so instead
// of printing stacks symbolized against a different file.
TEST(BuildIds, ARebuiltProgramIsWarnedOf) {
  TempDir dir;
  std::filesystem::path program = dir.path() / "program";
  std::filesystem::copy_file(LOCKGRAPH_PROGRAM_DIR "/ends_badly", program);
  lockgraph::testing::ProcessResult r;
  TraceModel model = run_and_load(program.string(), {"return"}, dir, &r);
  ASSERT_EQ(r.exit_code, 0);
  bool has_build_id = false;
  for (const Module& m : model.modules) has_build_id |= m.path == program.string() && m.build_id.size() >= 16;
  EXPECT_TRUE(has_build_id) << "the program's module record has its build-id";
  auto changed = [&](const TraceModel& m) {
    for (const auto& w : m.warnings)
      if (w.find(program.string() + " has changed since the trace was recorded") != std::string::npos) return true;
    return false;
  };
  EXPECT_FALSE(changed(model));
  std::filesystem::copy_file(LOCKGRAPH_PROGRAM_DIR "/dies_deadlocked", program,
                             std::filesystem::copy_options::overwrite_existing);
  EXPECT_TRUE(changed(load_traces({dir.path().string()})));
}

// Bytes that are not UTF-8 in a lock or thread name are written as the text \xNN: the trace
// stays valid UTF-8 (no repair warning from the reader) and the names stay readable.
TEST(RuntimeNames, BytesThatAreNotUtf8AreWrittenEscaped) {
  TempDir dir;
  lockgraph::testing::ProcessResult r;
  TraceModel model = run_and_load(LOCKGRAPH_PROGRAM_DIR "/odd_names", {}, dir, &r);
  ASSERT_EQ(r.exit_code, 0);
  for (const auto& w : model.warnings) EXPECT_EQ(w.find("not UTF-8"), std::string::npos) << w;
  bool lock = false, thread = false;
  for (const Lock& l : model.locks) lock |= l.name == "caf\\xe9";
  for (const Thread& t : model.threads) thread |= t.name == "w\\xff";
  EXPECT_TRUE(lock) << "the lock named caf\\xe9";
  EXPECT_TRUE(thread) << "the thread named w\\xff";
  // The global wrapper given no name is named after its symbol, as under preload.
  auto findings = analyze(std::make_shared<TraceModel>(model), {});
  Symbolizer symbolizer(*findings.model);
  std::set<std::string> labels;
  for (std::uint32_t n = 0; n < findings.graph->nodes().size(); ++n)
    labels.insert(view_lock(findings, n, symbolizer).label);
  EXPECT_TRUE(labels.count("unnamed_global")) << "labels: " << ::testing::PrintToString(labels);
}

TEST(RuntimeOptions, HelpListsOptionsAndExitsCleanly) {
  TempDir dir;
  auto r = run_process({LOCKGRAPH_PROGRAM_DIR "/ends_badly"}, {"LOCKGRAPH_OPTIONS=help=1"},
                       dir.file("out.txt"));
  EXPECT_EQ(r.exit_code, 0);
}

TEST(RuntimeOptions, DisabledWritesNoTrace) {
  TempDir dir;
  auto r = run_process({LOCKGRAPH_PROGRAM_DIR "/ends_badly"},
                       {"LOCKGRAPH_OPTIONS=enabled=0:trace_path=" + dir.file("%p.lgtrace")});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(RuntimeModes, FullModeRecordsEveryEventInTheSameFormat) {
  TempDir dir;
  TraceModel model = run_and_load(LOCKGRAPH_PROGRAM_DIR "/ends_badly", {"return"}, dir, nullptr, ":mode=full");
  EXPECT_EQ(model.processes[0].mode, "full");
  auto findings = analyze(std::make_shared<TraceModel>(model), {});
  EXPECT_EQ(findings.cycles.size(), 1u);
}

class RaceCaseTest : public ::testing::TestWithParam<std::tuple<const char*, std::size_t, const char*>> {};

TEST_P(RaceCaseTest, FoundOrCleanAsExpected) {
  auto [which, races, variable] = GetParam();
  TempDir dir;
  lockgraph::testing::ProcessResult r;
  TraceModel model = run_and_load(LOCKGRAPH_PROGRAM_DIR "/race_cases", {which}, dir, &r);
  ASSERT_EQ(r.exit_code, 0);
  auto findings = analyze(std::make_shared<TraceModel>(model), {});
  ASSERT_EQ(findings.races.size(), races) << which;
  if (races > 0) {
    EXPECT_EQ(model.variables[findings.races[0].variable].name, variable);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Races, RaceCaseTest,
    ::testing::Values(std::make_tuple("global_write_write", 1, "global_value"),
                      std::make_tuple("sleep_separated", 1, "flag"),
                      std::make_tuple("heap_field", 1, "Account::balance"),
                      std::make_tuple("slots_after_join", 0, ""),
                      std::make_tuple("std_join", 0, ""), std::make_tuple("std_start", 0, ""),
                      std::make_tuple("std_cv_handoff", 0, ""),
                      std::make_tuple("std_write_write", 1, "global_value"),
                      std::make_tuple("sem_handoff", 0, ""), std::make_tuple("barrier_phases", 0, ""),
                      std::make_tuple("semaphore_timed", 0, ""), std::make_tuple("barrier_split", 0, "")));

}  // namespace
}  // namespace lockgraph::analysis
