// The findings model: everything the analyzer concluded, with its reasons. Every output (text,
// JSON, SARIF, DOT, HTML) is a view of this.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lockgraph/analysis/lock_graph.h"
#include "lockgraph/analysis/race_detector.h"
#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

enum class Verdict {
  kDeadlock,      // distinct threads, disjoint held sets, not ordered: a schedule hangs
  kSingleThread,  // every way to close the cycle uses one thread twice
  kGated,         // a common gate lock serializes the edges
  kOrdered,       // thread start/join orders the edges' threads
  kTryLock,       // a closing acquisition was a try-lock (or timed): it cannot wait forever
  kReaders,       // a lock on the cycle is only held and awaited in shared mode
};

const char* verdict_name(Verdict verdict);
// True for verdicts that are findings by default (fail CI).
bool verdict_is_finding(Verdict verdict);

struct CycleFinding {
  std::vector<std::uint32_t> nodes;   // lock-graph nodes; edge i goes nodes[i] -> nodes[i+1 mod n]
  Verdict verdict = Verdict::kDeadlock;
  std::string reason;                 // why this verdict, in one or two sentences
  std::vector<Evidence> witness;      // one evidence per edge, the acquisitions the reason is about
  bool search_bounded = false;        // the witness search hit its step budget
};

struct AnalysisOptions {
  GroupBy group_by = GroupBy::kInstance;
  std::size_t max_cycles = 10000;     // enumeration bound; the report says when it was reached
};

struct Findings {
  std::shared_ptr<const TraceModel> model;
  std::shared_ptr<const LockGraph> graph;
  std::vector<CycleFinding> cycles;   // every cycle, findings first
  bool cycles_truncated = false;
  std::size_t max_cycles = 0;
  std::vector<RaceFinding> races;

  std::size_t count(Verdict verdict) const {
    std::size_t n = 0;
    for (const auto& c : cycles) n += c.verdict == verdict;
    return n;
  }
};

// Builds the lock graph of `model`, enumerates its cycles and gives each a verdict, and finds the
// data races among its recorded accesses.
Findings analyze(std::shared_ptr<const TraceModel> model, const AnalysisOptions& options);

}  // namespace lockgraph::analysis
