// The findings model: everything the analyzer concluded, with its reasons. Every output (text,
// JSON, SARIF, DOT, HTML) is a view of this.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "lockgraph/analysis/lock_graph.h"
#include "lockgraph/analysis/race_detector.h"
#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

// In order of severity: reports list cycles in this order.
enum class Verdict {
  kDeadlock,      // distinct threads, disjoint held sets, not ordered: a schedule hangs
  kUnknown,       // the witness search hit its bound: undecided, so reported
  kSingleThread,  // inversion: nothing gates it, but in this run one thread took every order
  kOrdered,       // inversion: nothing gates it, but start/join kept the threads apart this run
  kGated,         // a common gate lock serializes the edges
  kTryLock,       // a closing acquisition was a try-lock (or timed): it cannot wait forever
  kReaders,       // a lock on the cycle is only held and awaited in shared mode
};

inline constexpr Verdict kAllVerdicts[] = {Verdict::kDeadlock, Verdict::kUnknown,
                                           Verdict::kSingleThread, Verdict::kOrdered,
                                           Verdict::kGated, Verdict::kTryLock, Verdict::kReaders};

const char* verdict_name(Verdict verdict);
// True for verdicts that are findings (reported by default): deadlock, unknown and the two
// code-level inversions. gated, try-lock and readers are shown only with --all.
bool verdict_is_finding(Verdict verdict);
// The category of a cycle: "potential-deadlock", "code-inversion" (single-thread, ordered),
// "undecided" (unknown), or "no-finding" (gated, try-lock, readers).
const char* finding_kind(Verdict verdict);

// Which findings fail a run (exit 1): every finding (the default, like TSan), or only deadlock
// and unknown (--fail-on deadlock), leaving code-level inversions as warnings.
enum class FailOn { kFindings, kDeadlock };
bool verdict_fails(Verdict verdict, FailOn fail_on);

struct CycleFinding {
  std::vector<std::uint32_t> nodes;   // lock-graph nodes; edge i goes nodes[i] -> nodes[i+1 mod n]
  Verdict verdict = Verdict::kDeadlock;
  std::string reason;                 // why this verdict, in one or two sentences
  std::vector<Evidence> witness;      // one evidence per edge, the acquisitions the reason is about
};

struct AnalysisOptions {
  GroupBy group_by = GroupBy::kInstance;
  std::size_t max_cycles = 10000;     // enumeration bound; the report says when it was reached
  LockGraph::SiteKey site_key;         // what --group-by site groups by (LockGraph::SiteKey)
  // Called now and then during a long analysis: stage name, work done, work in all.
  std::function<void(const char*, std::size_t, std::size_t)> progress;
};

struct Findings {
  std::shared_ptr<const TraceModel> model;
  std::shared_ptr<const LockGraph> graph;
  std::vector<CycleFinding> cycles;   // every cycle, findings first
  bool cycles_truncated = false;      // a bound stopped the cycle search: longer cycles unchecked
  bool cycles_work_bound = false;     // ... the work bound rather than max_cycles
  std::size_t complete_length = 0;    // every cycle of at most this many locks was found
  std::size_t max_cycles = 0;
  // True if any bound left something unchecked, or records the runtime could not write (a full
  // disk): the run is then incomplete (exit 4 if nothing fails on its own).
  bool incomplete() const { return cycles_truncated || model->records_lost(); }
  std::vector<RaceFinding> races;
  // Names that several lock-graph nodes carry (instances of one class, locks made at one line):
  // their labels add the lock's id, so `M --> M --> M` reads `M (#3) --> M (#7) --> M (#3)`.
  std::unordered_set<std::string> shared_names;

  std::size_t count(Verdict verdict) const {
    std::size_t n = 0;
    for (const auto& c : cycles) n += c.verdict == verdict;
    return n;
  }
  // Code-level lock-order inversions: single-thread and ordered cycles.
  std::size_t inversions() const { return count(Verdict::kSingleThread) + count(Verdict::kOrdered); }
};

// Builds the lock graph of `model`, enumerates its cycles and gives each a verdict, and finds the
// data races among its recorded accesses.
Findings analyze(std::shared_ptr<const TraceModel> model, const AnalysisOptions& options);

}  // namespace lockgraph::analysis
