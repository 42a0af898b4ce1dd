// Runs one sample end to end and checks its verdicts: program (with the runtime) -> trace ->
// `lockgraph analyze --all --format json` -> every cycle's verdict and the race count against
// expected.tsv, and the exit code and failing count those imply.
//
// Usage: sample_check LOCKGRAPH_CLI SAMPLE_BINARY WORK_DIR CYCLES RACES
// CYCLES: "-" for none, else verdict:count pairs joined by commas in verdict order
// ("deadlock:1", "single-thread:2,gated:1").
// Prints one table row; exits 0 when the verdict matches.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/process.h"

namespace fs = std::filesystem;

using lockgraph::testing::run_for_status;

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: sample_check LOCKGRAPH SAMPLE WORK_DIR CYCLES RACES\n");
    return 2;
  }
  std::string cli = argv[1], sample = argv[2];
  fs::path work = argv[3];
  std::string want_cycles = argv[4];
  int want_races = std::atoi(argv[5]);
  fs::remove_all(work);
  fs::create_directories(work / "traces");
  std::string env = "LOCKGRAPH_OPTIONS=trace_path=" + (work / "traces" / "%p.lgtrace").string() +
                    ":verbosity=0";
  int program = run_for_status({sample}, env, (work / "stdout.txt").string(), std::chrono::seconds(120));
  if (program != 0) {
    std::fprintf(stderr, "%s exited with %d\n", sample.c_str(), program);
    return 1;
  }
  bool ok = true;
  fs::path json = work / "findings.json";
  int analyzer = run_for_status({cli, "analyze", "--all", "--format", "json", "-o", json.string(),
                                 (work / "traces").string()},
                                "", "", std::chrono::seconds(120));
  std::ifstream in(json);
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded()) {
    std::fprintf(stderr, "the analyzer (exit %d) wrote no valid JSON to %s\n", analyzer, json.c_str());
    return 1;
  }
  // Verdict counts in the order of the summary's "cycles" object, which lists every verdict.
  std::map<std::string, int> verdicts;
  int races = 0, failing = 0;
  for (const auto& f : doc["findings"]) {
    if (f["kind"] == "lock-order-inversion") ++verdicts[f["verdict"].get<std::string>()];
    if (f["kind"] == "data-race") ++races;
    if (f["fails"] == true) ++failing;
  }
  std::string cycles;
  for (const auto& [name, count] : doc["summary"]["cycles"].items()) {
    if (verdicts[name] != count.get<int>())
      std::fprintf(stderr, "summary says %d %s cycle(s), the findings list %d\n", count.get<int>(),
                   name.c_str(), verdicts[name]), ok = false;
    if (count.get<int>() > 0)
      cycles += (cycles.empty() ? "" : ",") + name + ":" + std::to_string(count.get<int>());
  }
  if (cycles.empty()) cycles = "-";
  int want_exit = failing > 0 ? 1 : 0;
  ok = ok && cycles == want_cycles && races == want_races && analyzer == want_exit &&
       doc["summary"]["failing"] == failing && doc["summary"]["races"] == races;
  // The lock graph of every sample must be DOT that Graphviz accepts.
  fs::path svg = work / "graph.svg";
  int dot = run_for_status({cli, "dot", "-o", (work / "graph.dot").string(), "--svg", svg.string(),
                 (work / "traces").string()}, "", "", std::chrono::seconds(120));
  if (dot != analyzer || !fs::exists(svg) || fs::file_size(svg) == 0) {
    std::fprintf(stderr, "lockgraph dot gave exit %d (analyze: %d) and %s SVG\n", dot, analyzer,
                 fs::exists(svg) ? "an empty" : "no");
    ok = false;
  }
  std::printf("%-30s expected cycles %s, %d race(s); found cycles %s, %d race(s), exit %d: %s\n",
              fs::path(sample).filename().c_str(), want_cycles.c_str(), want_races, cycles.c_str(),
              races, analyzer, ok ? "OK" : "MISMATCH");
  if (!ok) {
    std::fprintf(stderr, "analyzer report for %s:\n", sample.c_str());
    run_for_status({cli, "analyze", "--all", (work / "traces").string()}, "", "", std::chrono::seconds(60));
  }
  return ok ? 0 : 1;
}
