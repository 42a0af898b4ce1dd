// A report: the findings seen through their views, after triage (suppressions, baseline), and the
// writers that print it for people (text) and machines (JSON, SARIF).
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "lockgraph/analysis/finding_view.h"
#include "lockgraph/analysis/findings.h"

namespace lockgraph::analysis {

inline constexpr const char* kFindingsFormat = "lockgraph-findings";
inline constexpr const char* kFindingsVersion = "1.0";

// A report shows every cycle it lists (every finding; with --all every cycle), but only the first
// this many with their stacks: a random graph can have thousands of cycles, and their stacks
// would take gigabytes. The rest are listed with their locks, threads and sites.
inline constexpr std::size_t kMaxListedCycles = 1000;

// Neither suppressed nor known from the baseline: a finding the run still answers for (printed,
// counted as open, failing if its kind fails).
template <class Reported>
bool is_open(const Reported& item) {
  return item.suppressed_by.empty() && !item.in_baseline;
}

struct ReportedCycle {
  CycleView view;
  std::string suppressed_by;  // the suppression pattern that matched, if any
  bool in_baseline = false;   // present in the --baseline file: known, does not fail
  bool failing_verdict = false;  // its verdict fails the run under the report's FailOn
  bool fails() const { return failing_verdict && is_open(*this); }
};

struct ReportedRace {
  RaceView view;
  std::string suppressed_by;
  bool in_baseline = false;
  bool fails() const { return is_open(*this); }
};

// Something the run did (an observed deadlock, a misuse): always a finding.
struct ReportedIncident {
  IncidentView view;
  std::string suppressed_by;
  bool in_baseline = false;
  bool fails() const { return is_open(*this); }
};

struct Report {
  const Findings* findings = nullptr;
  std::vector<ReportedCycle> cycles;
  std::vector<ReportedRace> races;
  std::vector<ReportedIncident> incidents;  // observed deadlocks first, then misuse
  bool show_all = false;                                     // also cycles that are not findings
  FailOn fail_on = FailOn::kFindings;
  std::size_t cycles_not_listed = 0;  // cycles listed without stacks (past kMaxListedCycles)
  // SARIF locations under it are written relative to it (uriBaseId %SRCROOT%): an absolute path
  // without a trailing slash, or "" for absolute URIs everywhere.
  std::string source_root;
  std::vector<std::pair<std::string, std::size_t>> suppression_hits;  // pattern, matches
  // The text report shows suppressed and baselined findings too (TSan's print_suppressions).
  bool print_suppressed = false;

  std::size_t failing() const;
  // Whether a cycle belongs in the output at all.
  bool shows(const ReportedCycle& c) const {
    return show_all || verdict_is_finding(c.view.cycle->verdict);
  }
};

// Views every cycle of `findings` (symbolizing what it needs).
Report build_report(const Findings& findings, Symbolizer& symbolizer, bool show_all,
                    FailOn fail_on = FailOn::kFindings);

// What a bound left unchecked and which records the runtime could not write, or "" when the
// analysis is complete.
std::string incompleteness(const Findings& findings);
// The same in a few words ("a bound was reached", "records were lost"), for a summary line.
std::string incompleteness_in_short(const Findings& findings);

// What a summary counts: the open findings (neither suppressed nor known from the baseline) by
// kind, and the others apart, so that "0 finding(s): 1 potential deadlock(s)" is never said.
struct SummaryCounts {
  std::size_t observed = 0;    // observed deadlocks
  std::size_t misuse = 0;      // other incidents
  std::size_t deadlocks = 0;   // potential deadlocks
  std::size_t undecided = 0;
  std::size_t inversions = 0;  // code-level lock-order inversions
  std::size_t races = 0;
  std::size_t suppressed = 0;
  std::size_t baseline_known = 0;  // in the baseline and not suppressed (each finding counted once)
  // Every finding, open or not: what a JSON report (and so a baseline) lists.
  std::size_t all() const {
    return observed + misuse + deadlocks + undecided + inversions + races + suppressed + baseline_known;
  }
};
SummaryCounts summary_counts(const Report& report);

// The line to put in a --suppressions file to suppress a finding, TSan's syntax:
// "deadlock:NAME", "race:FUNCTION", "mutex:FUNCTION".
std::string suppression_line(const ReportedCycle& cycle);
std::string suppression_line(const ReportedRace& race);
std::string suppression_line(const ReportedIncident& incident);

// "N data race(s)" (open ones; with how accesses were sampled, if they were), or, when the run checked no
// memory access (a plain build), "data races: not checked (build with lockgraph's race flags)":
// every format says it so.
std::string races_text(const Report& report);

// Text for people: TSan-style WARNING/SUMMARY lines, the lockdep chain and scenario table, and
// every edge's stacks with source snippets. Colour only if `color`.
void write_text_report(std::ostream& out, const Report& report, Symbolizer& symbolizer, bool color);

// JSON (docs/findings-format.md).
void write_json_report(std::ostream& out, const Report& report);

// SARIF 2.1.0: one result per finding, one threadFlow per thread.
void write_sarif_report(std::ostream& out, const Report& report);

}  // namespace lockgraph::analysis
