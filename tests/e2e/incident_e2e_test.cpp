// What happened, not what could: each lock misuse, recorded with stacks as it happens, and a real
// deadlock, caught by the hang watchdog or, without it, predicted from what a killed process left.
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <set>

#include "lockgraph/analysis/findings.h"
#include "lockgraph/analysis/trace_loader.h"
#include "lockgraph/trace_format.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace lockgraph::analysis {
namespace {

using lockgraph::testing::ProcessResult;
using lockgraph::testing::run_process;
using lockgraph::testing::TempDir;
namespace inc = lockgraph::trace::incident;

const std::string kProgram = LOCKGRAPH_PROGRAM_DIR "/misuse";

TraceModel run(const std::string& what, TempDir& dir, ProcessResult& result,
               const std::string& options = "", std::chrono::seconds timeout = std::chrono::seconds(60)) {
  result = run_process({kProgram, what},
                       {"LOCKGRAPH_OPTIONS=trace_path=" + dir.file("%p.lgtrace") + ":verbosity=0" + options},
                       "", timeout);
  return load_traces({dir.path().string()});
}

const Incident* find(const TraceModel& m, const std::string& what) {
  for (const Incident& i : m.incidents)
    if (i.what == what) return &i;
  return nullptr;
}

bool has_stack(const TraceModel& m, StackIndex s) { return s != 0 && !m.stacks[s].frames.empty(); }

struct MisuseCase {
  const char* program_arg;
  const char* incident;
  const char* lock_name;
  std::size_t parties;   // the offending operation, plus the hold when the thread holds the lock
};

class MisuseTest : public ::testing::TestWithParam<MisuseCase> {};

TEST_P(MisuseTest, RecordedWithStacks) {
  const MisuseCase& c = GetParam();
  TempDir dir;
  ProcessResult r;
  TraceModel m = run(c.program_arg, dir, r);
  ASSERT_FALSE(r.timed_out);
  const Incident* incident = find(m, c.incident);
  ASSERT_NE(incident, nullptr) << "no " << c.incident << " incident in the trace";
  ASSERT_EQ(incident->parties.size(), c.parties);
  for (const IncidentParty& p : incident->parties) {
    EXPECT_TRUE(has_stack(m, p.stack)) << "a party without its stack";
    if (p.has_lock) {
      EXPECT_EQ(m.locks[p.lock].name, c.lock_name);
    }
  }
  EXPECT_EQ(m.incidents.size(), 1u) << "one misuse, one report; the first is " << m.incidents[0].what;
}

INSTANTIATE_TEST_SUITE_P(
    Misuse, MisuseTest,
    ::testing::Values(MisuseCase{"self_deadlock", inc::kSelfDeadlock, "relocked", 2},
                      MisuseCase{"unlock_not_held", inc::kUnlockNotHeld, "never_locked", 1},
                      MisuseCase{"unlock_not_owner", inc::kUnlockNotOwner, "owned_by_worker", 1},
                      MisuseCase{"destroy_held", inc::kDestroyHeld, "deleted_while_locked", 2},
                      MisuseCase{"exit_holding", inc::kExitHolding, "left_locked", 2},
                      MisuseCase{"wait_not_held", inc::kWaitNotHeld, "not_held_for_wait", 1}),
    [](const auto& info) { return std::string(info.param.program_arg); });

TEST(Misuse, SelfDeadlockAbortsInsteadOfHanging) {
  TempDir dir;
  ProcessResult r;
  run("self_deadlock", dir, r);
  EXPECT_EQ(r.signal, SIGABRT);
}

TEST(Misuse, SelfDeadlockCanBeLeftToHang) {
  TempDir dir;
  ProcessResult r;
  TraceModel m = run("self_deadlock", dir, r, ":self_deadlock=hang", std::chrono::seconds(2));
  EXPECT_TRUE(r.timed_out);  // killed by the test after 2 s
  EXPECT_NE(find(m, inc::kSelfDeadlock), nullptr);  // written before the thread blocked
}

TEST(HangWatchdog, RealDeadlockIsObservedWithBothStacksAndAborts) {
  TempDir dir;
  ProcessResult r;
  auto start = std::chrono::steady_clock::now();
  TraceModel m = run("real_deadlock", dir, r, ":hang_timeout_ms=300:on_hang=abort", std::chrono::seconds(30));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.signal, SIGABRT);
  EXPECT_LT(took, std::chrono::seconds(10));
  const Incident* observed = find(m, inc::kDeadlockObserved);
  ASSERT_NE(observed, nullptr);
  // Two threads; each waits for one lock and holds the other, each with a stack.
  std::map<ThreadIndex, std::pair<std::string, std::string>> roles;  // holds, waits
  for (const IncidentParty& p : observed->parties) {
    EXPECT_TRUE(has_stack(m, p.stack));
    auto& role = roles[p.thread];
    (p.role == inc::kHolds ? role.first : role.second) = m.locks[p.lock].name;
  }
  ASSERT_EQ(roles.size(), 2u);
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& [thread, role] : roles) seen.insert(role);
  EXPECT_EQ(seen, (std::set<std::pair<std::string, std::string>>{{"first", "second"}, {"second", "first"}}));
  // The analysis also predicts it.
  auto findings = analyze(std::make_shared<TraceModel>(m), {});
  EXPECT_EQ(findings.count(Verdict::kDeadlock), 1u);
}

TEST(HangWatchdog, KilledWithoutWatchdogTheDeadlockIsStillPredicted) {
  TempDir dir;
  ProcessResult r;
  // No watchdog: the process hangs for real; SIGKILL after 2 s (nothing can flush then), and the
  // periodic flush has already written both edges (each recorded before its thread blocked).
  TraceModel m = run("real_deadlock", dir, r, ":flush_interval_ms=50", std::chrono::seconds(2));
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(m.processes.at(0).complete);
  EXPECT_FALSE(m.warnings.empty());  // "the trace has no end record"
  auto findings = analyze(std::make_shared<TraceModel>(m), {});
  EXPECT_EQ(findings.count(Verdict::kDeadlock), 1u);
}

}  // namespace
}  // namespace lockgraph::analysis
