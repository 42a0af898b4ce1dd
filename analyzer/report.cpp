#include "lockgraph/analysis/report.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "lockgraph/trace_format.h"

namespace lockgraph::analysis {

std::size_t Report::failing() const {
  std::size_t n = 0;
  for (const auto& c : cycles) n += c.fails();
  for (const auto& r : races) n += r.fails();
  for (const auto& i : incidents) n += i.fails();
  return n;
}

std::string incompleteness(const Findings& findings) {
  if (!findings.incomplete()) return {};
  std::vector<std::string> why;
  if (findings.cycles_truncated) {
    std::string bound = findings.cycles_work_bound
                            ? "the cycle search reached its work bound"
                            : "the cycle search stopped at --max-cycles " + std::to_string(findings.max_cycles);
    std::string done = findings.complete_length == 0
                           ? "no cycle length was checked completely"
                           : "every cycle of up to " + std::to_string(findings.complete_length) +
                                 " locks was found and judged";
    why.push_back(bound + "; " + done +
                  ", longer cycles were not checked (raise --max-cycles, or group locks with --group-by site)");
  }
  for (const Process& p : findings.model->processes)
    if (!p.write_error.empty())
      why.push_back("the runtime of pid " + std::to_string(p.pid) + " could not write " +
                    std::to_string(p.lost_bytes) + " bytes of records (" + p.write_error + ") to " +
                    p.trace_path + ": the lock orders and accesses in them were not checked (free disk "
                    "space, or raise the file size limit, and run again)");
  for (const Process& p : findings.model->processes)
    if (!p.recording_blocked.empty())
      why.push_back("pid " + std::to_string(p.pid) + " recorded nothing of its program: " + p.recording_blocked +
                    " (-fsanitize=thread on the link line); its locks, threads and memory were not checked "
                    "(link without -fsanitize=thread and run again)");
  std::string text = "incomplete: ";
  for (std::size_t i = 0; i < why.size(); ++i) text += (i ? "; and " : "") + why[i];
  return text;
}

std::string incompleteness_in_short(const Findings& findings) {
  if (!findings.incomplete()) return {};
  if (!findings.cycles_truncated)
    return findings.model->recording_blocked() ? "a process was not recorded" : "records were lost";
  return findings.model->records_lost() ? "a bound was reached, records were lost" : "a bound was reached";
}

SummaryCounts summary_counts(const Report& report) {
  SummaryCounts n;
  auto open = [&n](const auto& item) {
    n.suppressed += !item.suppressed_by.empty();
    n.baseline_known += item.suppressed_by.empty() && item.in_baseline;
    return is_open(item);
  };
  for (const ReportedIncident& i : report.incidents)
    if (open(i)) (i.view.incident->what == trace::incident::kDeadlockObserved ? n.observed : n.misuse)++;
  for (const ReportedCycle& c : report.cycles) {
    if (!verdict_is_finding(c.view.cycle->verdict) || !open(c)) continue;
    switch (c.view.cycle->verdict) {
      case Verdict::kDeadlock: ++n.deadlocks; break;
      case Verdict::kUnknown: ++n.undecided; break;
      default: ++n.inversions; break;
    }
  }
  for (const ReportedRace& r : report.races) n.races += open(r);
  return n;
}

namespace {
// A suppression pattern that matches exactly `text` (anchored: "A" must not match every name
// that contains an A).
std::string exactly(const std::string& text) { return text.empty() ? "" : "^" + text + "$"; }
// The same for `frame`: its function, else (none, or a lambda's bare "operator()", which every
// lambda shares) its file.
std::string pattern_of(const SourceFrame& frame) {
  bool telling = !frame.function.empty() && frame.function != "operator()";
  return exactly(telling ? frame.function : frame.file);
}
}  // namespace

std::string suppression_line(const ReportedCycle& cycle) {
  for (const LockView& lock : cycle.view.locks)
    if (!lock.name.empty()) return "deadlock:" + exactly(lock.name);
  return cycle.view.edges.empty() ? "" : "deadlock:" + pattern_of(cycle.view.edges.front().acquire_site);
}

std::string suppression_line(const ReportedRace& race) { return "race:" + pattern_of(race.view.second.site); }

std::string suppression_line(const ReportedIncident& incident) {
  return incident.view.parties.empty() ? "" : "mutex:" + pattern_of(incident.view.parties.front().site);
}

std::string races_text(const Report& report) {
  if (!report.findings->model->races_checked())
    return report.findings->model->recording_blocked()
               ? "data races: not checked (ThreadSanitizer's own runtime was linked too: link without "
                 "-fsanitize=thread)"
               : "data races: not checked (build with lockgraph's race flags)";
  std::string sampled = report.findings->model->races_sampled();
  return std::to_string(summary_counts(report).races) + " data race(s)" +
         (sampled.empty() ? "" : " (sampled: " + sampled + "; a full run may show more)");
}

Report build_report(const Findings& findings, Symbolizer& symbolizer, bool show_all, FailOn fail_on) {
  Report report;
  report.findings = &findings;
  report.show_all = show_all;
  report.fail_on = fail_on;
  // What happened outranks what could happen: observed deadlocks first, then misuse.
  for (bool observed : {true, false})
    for (const Incident& incident : findings.model->incidents)
      if ((incident.what == trace::incident::kDeadlockObserved) == observed)
        report.incidents.push_back({view_incident(findings, incident, symbolizer), {}, false});
  for (const CycleFinding& cycle : findings.cycles) {  // findings first: the cycles are sorted
    if (!show_all && !verdict_is_finding(cycle.verdict)) continue;
    bool with_stacks = report.cycles.size() < kMaxListedCycles;
    report.cycles_not_listed += !with_stacks;
    report.cycles.push_back({view_cycle(findings, cycle, symbolizer, with_stacks), {}, false,
                             verdict_fails(cycle.verdict, fail_on)});
  }
  // One race per variable and pair of source sites: a read-write and a write-write pair of the
  // same two lines are one problem with one fix.
  std::set<std::tuple<VariableIndex, std::string, std::string>> shown;
  for (const RaceFinding& race : findings.races) {
    RaceView view = view_race(findings, race, symbolizer);
    std::string a = view.first.site.describe(), b = view.second.site.describe();
    if (b < a) std::swap(a, b);
    if (shown.insert({race.variable, a, b}).second)
      report.races.push_back({std::move(view), {}, false});
  }
  return report;
}

}  // namespace lockgraph::analysis
