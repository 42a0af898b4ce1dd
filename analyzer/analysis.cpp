#include <algorithm>

#include "cycle_verdict.h"
#include "lockgraph/analysis/findings.h"
#include "lockgraph/analysis/happens_before.h"

namespace lockgraph::analysis {

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kDeadlock: return "deadlock";
    case Verdict::kUnknown: return "unknown";
    case Verdict::kSingleThread: return "single-thread";
    case Verdict::kOrdered: return "ordered";
    case Verdict::kGated: return "gated";
    case Verdict::kTryLock: return "try-lock";
    case Verdict::kReaders: return "readers";
  }
  return "unknown";
}

bool verdict_is_finding(Verdict verdict) {
  return verdict == Verdict::kDeadlock || verdict == Verdict::kUnknown ||
         verdict == Verdict::kSingleThread || verdict == Verdict::kOrdered;
}

const char* finding_kind(Verdict verdict) {
  switch (verdict) {
    case Verdict::kDeadlock: return "potential-deadlock";
    case Verdict::kUnknown: return "undecided";
    case Verdict::kSingleThread:
    case Verdict::kOrdered: return "code-inversion";
    default: return "no-finding";
  }
}

bool verdict_fails(Verdict verdict, FailOn fail_on) {
  if (fail_on == FailOn::kDeadlock) return verdict == Verdict::kDeadlock || verdict == Verdict::kUnknown;
  return verdict_is_finding(verdict);
}

Findings analyze(std::shared_ptr<const TraceModel> model, const AnalysisOptions& options) {
  Findings findings;
  findings.model = model;
  auto graph = std::make_shared<LockGraph>(*model, options.group_by, options.site_key);
  findings.graph = graph;
  {
    std::unordered_set<std::string> seen;
    for (const LockNode& node : graph->nodes()) {
      const std::string& name = model->locks[node.members.front()].name;
      if (!name.empty() && !seen.insert(name).second) findings.shared_names.insert(name);
    }
  }
  findings.max_cycles = options.max_cycles;
  auto progress = [&](const char* stage, std::size_t done, std::size_t total) {
    if (options.progress) options.progress(stage, done, total);
  };

  progress("finding cycles", 0, 0);
  CycleSearchResult search = find_elementary_cycles(graph->adjacency(), options.max_cycles);
  findings.cycles_truncated = search.truncated;
  findings.cycles_work_bound = search.work_bound;
  findings.complete_length = search.complete_length;

  // Every elementary cycle is judged on its own: one lock set closed in two orders can be a
  // harmless single-thread cycle one way and a deadlock the other.
  const HappensBefore order = HappensBefore::from_start_join(*model);
  findings.cycles.reserve(search.cycles.size());
  for (std::size_t i = 0; i < search.cycles.size(); ++i) {
    if (i % 256 == 0) progress("judging cycles", i, search.cycles.size());
    CycleFinding cycle;
    cycle.nodes = std::move(search.cycles[i]);
    judge_cycle(*graph, order, cycle);
    findings.cycles.push_back(std::move(cycle));
  }
  // By severity; within one verdict the finder's order (shortest first) stays.
  std::stable_sort(findings.cycles.begin(), findings.cycles.end(),
                   [](const CycleFinding& a, const CycleFinding& b) {
                     return static_cast<int>(a.verdict) < static_cast<int>(b.verdict);
                   });
  progress("finding races", 0, 0);
  findings.races = find_races(*model);
  return findings;
}

}  // namespace lockgraph::analysis
