// The research community's traces (../shared/traces/spd-deadlock-suite: RapidBin .data files, the
// same traces decoded to STD text, and older STD recordings), read where they lie. Each must load
// completely; both encodings of one recording must give the same analysis; StringBuffer's own
// deadlock must be reported as observed; the suite's known results must hold. Every cycle is
// printed with its edges and the trace lines behind them, so a reader can check it by hand.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "lockgraph/analysis/findings.h"
#include "lockgraph/analysis/trace_error.h"
#include "lockgraph/analysis/trace_loader.h"
#include "lockgraph/trace_format.h"

namespace fs = std::filesystem;
using namespace lockgraph::analysis;

namespace {

const fs::path kSuite = fs::path(LOCKGRAPH_SHARED_DIR) / "traces" / "spd-deadlock-suite";

struct Loaded {
  std::shared_ptr<const TraceModel> model;
  Findings findings;
};

Loaded analyze_file(const fs::path& path) {
  auto model = std::make_shared<const TraceModel>(load_traces({path.string()}));
  return {model, analyze(model, AnalysisOptions{})};
}

std::map<std::string, std::size_t> verdict_counts(const Findings& f) {
  std::map<std::string, std::size_t> counts;
  for (const auto& c : f.cycles) ++counts[verdict_name(c.verdict)];
  return counts;
}

std::uint64_t rapidbin_event_count(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char header[18];
  in.read(reinterpret_cast<char*>(header), sizeof header);
  std::uint64_t events = 0;
  for (int i = 10; i < 18; ++i) events = (events << 8) | header[i];
  return events;
}

std::uint64_t line_count(const fs::path& path) {
  std::ifstream in(path);
  std::uint64_t n = 0;
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n;
}

void print_cycles(const std::string& name, const Loaded& loaded) {
  const TraceModel& m = *loaded.model;
  std::printf("%s: %llu events, %zu threads, %zu locks, %zu cycles, %zu races\n", name.c_str(),
              static_cast<unsigned long long>(m.events), m.threads.size(), m.locks.size(),
              loaded.findings.cycles.size(), loaded.findings.races.size());
  std::size_t shown = 0;
  for (const auto& cycle : loaded.findings.cycles) {
    if (cycle.verdict != Verdict::kDeadlock && shown >= 3) continue;  // jigsaw has 1000+ cycles
    ++shown;
    std::printf("  cycle (%s):", verdict_name(cycle.verdict));
    for (const Evidence& e : cycle.witness) {
      const Chain& c = m.chains[e.chain];
      std::printf(" [%s takes %s holding %s at line/event %llu]", m.thread_label(c.thread).c_str(),
                  m.locks[c.lock].name.c_str(), m.locks[c.held[e.held_index].lock].name.c_str(),
                  static_cast<unsigned long long>(c.first_event));
    }
    std::printf("\n");
  }
}

std::vector<fs::path> suite_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(kSuite))
    if (entry.path().extension() == ".data" || entry.path().extension() == ".std")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST(ExternalTraces, EveryTraceLoadsCompletely) {
  auto files = suite_files();
  ASSERT_GE(files.size(), 24u) << "expected the suite's 11 .data, 11 decoded .std and 2 older .std";
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    Loaded loaded = analyze_file(file);
    std::uint64_t expected = file.extension() == ".data" ? rapidbin_event_count(file) : line_count(file);
    EXPECT_EQ(loaded.model->events, expected);
    for (const auto& w : loaded.model->warnings) EXPECT_EQ(w.find("cut"), std::string::npos) << w;
    print_cycles(file.filename().string(), loaded);
  }
}

TEST(ExternalTraces, BinaryAndTextOfOneRecordingAgree) {
  for (const auto& entry : fs::directory_iterator(kSuite)) {
    if (entry.path().extension() != ".data") continue;
    fs::path text = kSuite / "decoded_std" / entry.path().filename().replace_extension(".std");
    SCOPED_TRACE(entry.path().filename().string());
    Loaded binary = analyze_file(entry.path()), decoded = analyze_file(text);
    EXPECT_EQ(verdict_counts(binary.findings), verdict_counts(decoded.findings));
    EXPECT_EQ(binary.findings.races.size(), decoded.findings.races.size());
    EXPECT_EQ(binary.model->chains.size(), decoded.model->chains.size());
    EXPECT_EQ(binary.model->incidents.size(), decoded.model->incidents.size());
  }
}

TEST(ExternalTraces, StringBufferRecordedHangIsReportedAsObserved) {
  for (const char* file : {"StringBuffer.data", "decoded_std/StringBuffer.std"}) {
    SCOPED_TRACE(file);
    Loaded loaded = analyze_file(kSuite / file);
    const TraceModel& m = *loaded.model;
    ASSERT_EQ(m.incidents.size(), 1u);
    const Incident& observed = m.incidents[0];
    EXPECT_EQ(observed.what, lockgraph::trace::incident::kDeadlockObserved);
    // T1 holds L1 and waits for L2; T2 holds L2 and waits for L1.
    std::map<std::string, std::pair<std::string, std::string>> roles;  // thread -> (holds, waits)
    for (const IncidentParty& p : observed.parties) {
      auto& r = roles[m.threads[p.thread].name];
      (p.role == lockgraph::trace::incident::kHolds ? r.first : r.second) = m.locks[p.lock].name;
    }
    EXPECT_EQ(roles["T1"], std::make_pair(std::string("L1"), std::string("L2")));
    EXPECT_EQ(roles["T2"], std::make_pair(std::string("L2"), std::string("L1")));
    EXPECT_EQ(roles.size(), 2u);
    // And the lock order predicts it, too.
    EXPECT_EQ(loaded.findings.count(Verdict::kDeadlock), 1u);
  }
}

// Stable counts per verdict (docs/external-traces.md explains them beside SPDOffline's).
TEST(ExternalTraces, KnownResultsPerVerdict) {
  Loaded bensalem = analyze_file(kSuite / "Bensalem_dlf.data");
  EXPECT_EQ(verdict_counts(bensalem.findings), (std::map<std::string, std::size_t>{{"deadlock", 1}}));
  Loaded cache4j = analyze_file(kSuite / "cache4j_dlf.data");
  EXPECT_TRUE(cache4j.findings.cycles.empty());  // SPDOffline: 0 cycles, 0 deadlocks
  Loaded jigsaw = analyze_file(kSuite / "jigsaw.data");
  EXPECT_EQ(verdict_counts(jigsaw.findings),
            (std::map<std::string, std::size_t>{{"deadlock", 8}, {"gated", 1142}}));
}

// A trace cut at any byte loads up to the cut, with a warning, in both formats.
TEST(ExternalTraces, ACutAtEveryByteLoadsUpToTheCut) {
  fs::path dir = fs::temp_directory_path() / ("lockgraph-cut-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const char* name : {"Deadlock.data", "decoded_std/Deadlock.std"}) {
    std::ifstream in(kSuite / name, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    fs::path cut = dir / fs::path(name).filename();
    for (std::size_t n = 1; n < bytes.size(); ++n) {
      std::ofstream(cut, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(n));
      SCOPED_TRACE(std::string(name) + " cut at " + std::to_string(n));
      try {
        TraceModel m = load_traces({cut.string()});
        if (fs::path(name).extension() == ".data") {
          EXPECT_FALSE(m.warnings.empty());
        }
      } catch (const TraceError& e) {
        // Only a cut inside the 18-byte RapidBin header may refuse, and it must say so.
        EXPECT_LT(n, 18u) << e.what();
        EXPECT_NE(std::string(e.what()).find("header"), std::string::npos) << e.what();
      }
    }
  }
  fs::remove_all(dir);
}

TEST(ExternalTraces, MalformedLinesNameTheLine) {
  fs::path file = fs::temp_directory_path() / ("lockgraph-bad-" + std::to_string(::getpid()) + ".std");
  std::ofstream(file) << "T0|acq(L0)|1\nT0|grab(L0)|2\nT0|rel(L0)|3\n";
  try {
    load_traces({file.string()});
    ADD_FAILURE() << "a malformed line was accepted";
  } catch (const TraceError& e) {
    EXPECT_NE(std::string(e.what()).find(":2: unknown operation `grab(L0)`"), std::string::npos) << e.what();
  }
  fs::remove(file);
}
