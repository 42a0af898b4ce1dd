// Runs one sample built without the wrappers (plain std types, no runtime linked) under
// `lockgraph run`, the LD_PRELOAD interposer, and checks it gets the linked build's deadlock
// verdict, reports no misuse (a false one would mean the interposer lost track of a lock), and
// exits as documented (1 with findings, else the program's own status).
//
// Usage: preload_check LOCKGRAPH PLAIN_SAMPLE WORK_DIR DEADLOCKS
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/process.h"

namespace fs = std::filesystem;
using lockgraph::testing::run_for_status;

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: preload_check LOCKGRAPH PLAIN_SAMPLE WORK_DIR DEADLOCKS\n");
    return 2;
  }
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
  int deadlocks = 0, incidents = doc["summary"]["incidents"].get<int>();
  for (const auto& f : doc["findings"])
    if (f["kind"] == "lock-order-inversion" && f["verdict"] == "deadlock") ++deadlocks;
  int want_status = want_deadlocks > 0 ? 1 : 0;
  bool ok = deadlocks == want_deadlocks && incidents == 0 && status == want_status;
  std::printf("%-30s under lockgraph run: expected %d deadlock(s), found %d, %d misuse(s), exit %d: %s\n",
              fs::path(sample).filename().c_str(), want_deadlocks, deadlocks, incidents, status,
              ok ? "OK" : "MISMATCH");
  if (!ok) run_for_status({cli, "analyze", "--all", (work / "traces").string()}, "", "", std::chrono::seconds(60));
  return ok ? 0 : 1;
}
