#include <algorithm>
#include <map>
#include <set>

#include "cycle_verdict.h"
#include "lockgraph/analysis/findings.h"
#include "lockgraph/analysis/happens_before.h"

namespace lockgraph::analysis {

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kDeadlock: return "deadlock";
    case Verdict::kSingleThread: return "single-thread";
    case Verdict::kGated: return "gated";
    case Verdict::kOrdered: return "ordered";
    case Verdict::kTryLock: return "try-lock";
    case Verdict::kReaders: return "readers";
  }
  return "unknown";
}

bool verdict_is_finding(Verdict verdict) { return verdict == Verdict::kDeadlock; }

Findings analyze(std::shared_ptr<const TraceModel> model, const AnalysisOptions& options) {
  Findings findings;
  findings.model = model;
  auto graph = std::make_shared<LockGraph>(*model, options.group_by);
  findings.graph = graph;
  findings.max_cycles = options.max_cycles;

  CycleSearchResult search = find_elementary_cycles(graph->adjacency(), options.max_cycles);
  findings.cycles_truncated = search.truncated;

  // One finding per set of locks: the same locks in another order are the same problem.
  std::set<std::vector<std::uint32_t>> seen_sets;
  HappensBefore order(*model);
  for (auto& nodes : search.cycles) {
    std::vector<std::uint32_t> key = nodes;
    std::sort(key.begin(), key.end());
    if (!seen_sets.insert(key).second) continue;
    CycleFinding cycle;
    cycle.nodes = std::move(nodes);
    judge_cycle(*graph, order, cycle);
    findings.cycles.push_back(std::move(cycle));
  }
  std::stable_sort(findings.cycles.begin(), findings.cycles.end(),
                   [](const CycleFinding& a, const CycleFinding& b) {
                     return static_cast<int>(a.verdict) < static_cast<int>(b.verdict);
                   });
  findings.races = find_races(*model);
  return findings;
}

}  // namespace lockgraph::analysis
