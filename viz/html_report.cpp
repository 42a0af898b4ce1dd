#include "lockgraph/viz/html_report.h"

#include <fmt/format.h>

#include "html_evidence.h"
#include "report_assets.h"  // generated from viz/assets at configure time

namespace lockgraph::viz {
namespace {

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

void replace(std::string& page, const std::string& placeholder, const std::string& value) {
  auto at = page.find(placeholder);
  if (at != std::string::npos) page.replace(at, placeholder.size(), value);
}

std::string findings_list(const nlohmann::json& evidence) {
  std::string out;
  for (const auto& f : evidence["findings"]) {
    std::string verdict = f["verdict"];
    out += fmt::format(
        "<div class=\"finding\" data-finding=\"{}\"><span class=\"badge {}\">{}</span>"
        "<span class=\"title\">{}</span><div class=\"program\">in {}</div><div class=\"reason\">{}</div></div>\n",
        f["id"].get<std::string>(), verdict, verdict, html_escape(f["title"]),
        html_escape(f.value("program", std::string())), html_escape(f["reason"]));
  }
  if (out.empty())
    out = evidence.value("incomplete", std::string()).empty()
              ? "<p class=\"finding\">No lock-order cycle, no data race, no lock misuse.</p>"
              : "<p class=\"finding\">No finding among what was checked.</p>";
  if (std::string incomplete = evidence.value("incomplete", std::string()); !incomplete.empty())
    out = "<p class=\"finding bad\"><b>Incomplete</b>: " +
          html_escape(incomplete.substr(incomplete.find(": ") + 2)) + ".</p>\n" + out;
  if (std::size_t more = evidence["cycles_without_stacks"]; more > 0)
    out += fmt::format("<p class=\"finding\">The last {} cycle(s) are listed without their "
                       "stacks (sites only).</p>", more);
  return out;
}

}  // namespace

void write_html_report(std::ostream& out, const HtmlInputs& inputs, analysis::Symbolizer& symbolizer) {
  const analysis::Report& report = *inputs.report;
  const analysis::Findings& findings = *report.findings;
  nlohmann::json evidence = evidence_json(report, symbolizer);

  std::string page = kReportHtml;
  std::size_t failing = report.failing();
  const analysis::SummaryCounts counts = analysis::summary_counts(report);
  // The trace files: listed when few, folded when a suite's hundreds (it was a wall of paths).
  std::string traces;
  for (const auto& p : findings.model->processes) traces += (traces.empty() ? "" : ", ") + p.trace_path;
  constexpr std::size_t kTracesListed = 3;
  std::string traces_html =
      findings.model->processes.size() <= kTracesListed
          ? html_escape(traces)
          : fmt::format("<details class=\"traces\"><summary>{} trace files</summary>{}</details>",
                        findings.model->processes.size(), html_escape(traces));
  replace(page, "@TITLE@", html_escape(fmt::format("{} finding(s)", failing)));
  replace(page, "@STYLE@", kReportCss);
  replace(page, "@SUMMARY@",
          fmt::format("<b class=\"{}\">{} finding(s)</b>: {} observed deadlock(s) or lock misuse(s), "
                      "{} potential deadlock(s), {} lock-order inversion(s), {}; "
                      "{} lock-order cycle(s) in all; {} lock(s), {} thread(s), {} process(es). "
                      "Traces: {}",
                      failing || findings.incomplete() ? "bad" : "good", failing, counts.observed + counts.misuse,
                      counts.deadlocks, counts.inversions,
                      analysis::races_text(report), findings.cycles.size(), findings.model->locks.size(),
                      findings.model->threads.size(), findings.model->processes.size(), traces_html));
  replace(page, "@FINDINGS@", findings_list(evidence));
  replace(page, "@GRAPH_NOTE@",
          inputs.graph_is_cycles_only
              ? fmt::format("The findings' cycles are drawn ({} locks in all, 300 drawn at most); the whole graph: "
                            "<code>lockgraph dot TRACES --svg graph.svg</code>.",
                            findings.graph->nodes().size())
              : std::string());
  // A run with no lock (a race-flag program's races only) has no graph: said, in little room.
  const bool no_locks = findings.graph->nodes().empty();
  std::string drawing = inputs.svg ? *inputs.svg
                                   : "<p class=\"note\">No graph drawing: " + html_escape(inputs.svg_error) +
                                         ". The findings and their evidence are below.</p>";
  if (no_locks) drawing = "<p class=\"note\">No lock was recorded: no lock-order graph to draw.</p>";
  replace(page, "@MAIN_CLASS@", no_locks ? "no-locks" : "");
  replace(page, "@SVG@", drawing);
  std::string data = evidence.dump();
  // "</" inside a script element would end it early.
  for (std::size_t at = data.find("</"); at != std::string::npos; at = data.find("</", at + 3))
    data.replace(at, 2, "<\\/");
  replace(page, "@DATA@", data);
  replace(page, "@SCRIPT@", kReportJs);
  out << page;
}

}  // namespace lockgraph::viz
