// Runs one sample built without the wrappers (plain std types, no runtime linked) under
// `lockgraph run`, the LD_PRELOAD interposer, and checks it gets the linked build's deadlock
// verdict, reports no misuse (a false one would mean the interposer lost track of a lock), and
// exits as documented (1 with findings, else the program's own status). With RACES (the sample
// built with the race flags, nothing annotated), also whether data races are found (RACES > 0)
// or not (0).
//
// Usage: preload_check LOCKGRAPH PLAIN_SAMPLE WORK_DIR DEADLOCKS [RACES]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/process.h"

namespace fs = std::filesystem;
using lockgraph::testing::run_for_status;

int main(int argc, char** argv) {
  if (argc != 5 && argc != 6) {
    std::fprintf(stderr, "usage: preload_check LOCKGRAPH PLAIN_SAMPLE WORK_DIR DEADLOCKS [RACES]\n");
    return 2;
  }
  const bool check_races = argc == 6;
  const bool want_races = check_races && std::atoi(argv[5]) > 0;
  std::string cli = argv[1], sample = argv[2];
  fs::path work = argv[3];
  int want_deadlocks = std::atoi(argv[4]);
  fs::remove_all(work);
  fs::create_directories(work);
  fs::path json = work / "findings.json";
  int status = run_for_status({cli, "run", "--format", "json", "-o", json.string(), "--trace-dir",
                               (work / "traces").string(), "--", sample},
                              "", (work / "stdout.txt").string(), std::chrono::seconds(180));
  std::ifstream in(json);
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded()) {
    std::fprintf(stderr, "lockgraph run (exit %d) wrote no valid JSON to %s\n", status, json.c_str());
    return 1;
  }
  int deadlocks = 0, races = 0, incidents = doc["summary"]["incidents"].get<int>();
  for (const auto& f : doc["findings"]) {
    if (f["kind"] == "lock-order-inversion" && f["verdict"] == "deadlock") ++deadlocks;
    if (f["kind"] == "data-race") ++races;
  }
  int want_status = want_deadlocks > 0 || want_races ? 1 : 0;
  // Races were checked exactly when the program was built with the race flags: a plain build's
  // summary must say they were not, never "0 data races".
  const bool races_checked = doc["summary"]["races_checked"].get<bool>();
  bool ok = deadlocks == want_deadlocks && incidents == 0 && status == want_status &&
            races_checked == check_races && (!check_races || (races > 0) == want_races);
  std::printf("%-30s under lockgraph run: expected %d deadlock(s), found %d, %d misuse(s), exit %d",
              fs::path(sample).filename().c_str(), want_deadlocks, deadlocks, incidents, status);
  if (check_races) std::printf("; expected %s, found %d data race(s)", want_races ? "races" : "no race", races);
  std::printf(", races %s: %s\n", races_checked ? "checked" : "not checked", ok ? "OK" : "MISMATCH");
  if (!ok) run_for_status({cli, "analyze", "--all", (work / "traces").string()}, "", "", std::chrono::seconds(60));
  return ok ? 0 : 1;
}
