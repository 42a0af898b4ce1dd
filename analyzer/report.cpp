#include "lockgraph/analysis/report.h"

namespace lockgraph::analysis {

std::size_t Report::failing() const {
  std::size_t n = 0;
  for (const auto& c : cycles) n += c.fails();
  return n;
}

std::size_t Report::suppressed() const {
  std::size_t n = 0;
  for (const auto& c : cycles) n += !c.suppressed_by.empty();
  return n;
}

std::size_t Report::baseline_known() const {
  std::size_t n = 0;
  for (const auto& c : cycles) n += c.in_baseline;
  return n;
}

Report build_report(const Findings& findings, Symbolizer& symbolizer, bool show_all) {
  Report report;
  report.findings = &findings;
  report.show_all = show_all;
  for (const CycleFinding& cycle : findings.cycles)
    if (show_all || verdict_is_finding(cycle.verdict))
      report.cycles.push_back({view_cycle(findings, cycle, symbolizer), {}, false});
  return report;
}

}  // namespace lockgraph::analysis
