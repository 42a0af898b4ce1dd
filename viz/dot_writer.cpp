#include "lockgraph/viz/dot_writer.h"

#include <map>
#include <set>

#include <fmt/format.h>

namespace lockgraph::viz {
namespace {

using analysis::Verdict;

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string short_site(const analysis::SourceFrame& f) {
  if (f.file.empty()) return f.function;
  auto slash = f.file.find_last_of('/');
  return fmt::format("{}:{}", slash == std::string::npos ? f.file : f.file.substr(slash + 1), f.line);
}

const char* verdict_color(Verdict v) {
  if (v == Verdict::kDeadlock || v == Verdict::kUnknown) return "#d62728";
  return analysis::verdict_is_finding(v) ? "#d97706" : "#8c8c8c";  // code-level inversions
}

}  // namespace

void write_dot(std::ostream& out, const analysis::Report& report, analysis::Symbolizer& symbolizer,
               const DotOptions& options) {
  const analysis::Findings& findings = *report.findings;
  const analysis::LockGraph& graph = *findings.graph;

  // The verdict each edge is drawn with: the most severe cycle it is on.
  std::map<std::pair<std::uint32_t, std::uint32_t>, Verdict> edge_verdict;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t> edge_finding;
  std::set<std::uint32_t> on_cycle;
  for (std::size_t i = 0; i < report.cycles.size(); ++i) {
    const auto& cycle = *report.cycles[i].view.cycle;
    for (std::size_t k = 0; k < cycle.nodes.size(); ++k) {
      auto key = std::make_pair(cycle.nodes[k], cycle.nodes[(k + 1) % cycle.nodes.size()]);
      on_cycle.insert(cycle.nodes[k]);
      auto it = edge_verdict.find(key);
      if (it == edge_verdict.end() || static_cast<int>(cycle.verdict) < static_cast<int>(it->second)) {
        edge_verdict[key] = cycle.verdict;
        edge_finding[key] = i;
      }
    }
  }

  out << "digraph lockgraph {\n"
      << "  graph [rankdir=LR, fontname=\"Helvetica\", label=\"lock-order graph\", labelloc=t];\n"
      << "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f5f5f5\", fontname=\"Helvetica\"];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  std::set<std::uint32_t> drawn, with_edges;
  for (const auto& e : graph.edges()) {
    with_edges.insert(e.from);
    with_edges.insert(e.to);
  }
  // Under a lock budget, the locks of the listed cycles come first, in report order.
  std::set<std::uint32_t> budgeted;
  if (options.max_locks > 0) {
    for (const auto& c : report.cycles)
      for (std::uint32_t n : c.view.cycle->nodes)
        if (budgeted.size() < options.max_locks) budgeted.insert(n);
  }
  for (std::uint32_t n = 0; n < graph.nodes().size(); ++n) {
    if (!with_edges.count(n)) continue;  // a lock never nested with another says nothing here
    if (options.findings_only && !on_cycle.count(n)) continue;
    if (options.max_locks > 0 && !budgeted.count(n)) continue;
    analysis::LockView lock = analysis::view_lock(findings, n, symbolizer);
    std::string label = lock.label;
    if (!lock.site.file.empty()) label += "\n" + short_site(lock.site);
    if (lock.members > 1) label += fmt::format("\n({} locks)", lock.members);
    out << fmt::format("  n{} [id=\"node{}\", label=\"{}\", tooltip=\"{} ({})\"{}];\n", n, n,
                       escape(label), escape(lock.label), escape(lock.kind),
                       on_cycle.count(n) ? ", penwidth=2" : "");
    drawn.insert(n);
  }
  for (std::size_t i = 0; i < graph.edges().size(); ++i) {
    const auto& e = graph.edges()[i];
    if (!drawn.count(e.from) || !drawn.count(e.to)) continue;
    analysis::EdgeView first = analysis::view_evidence(findings, e.evidence.front(), symbolizer);
    std::string site = short_site(first.acquire_site);
    std::string label = first.thread_label + (site.empty() ? "" : "\n" + site);
    if (e.evidence.size() > 1) label += fmt::format("\n(+{} more)", e.evidence.size() - 1);
    auto key = std::make_pair(e.from, e.to);
    std::string style;
    if (auto it = edge_verdict.find(key); it != edge_verdict.end()) {
      style = fmt::format(", color=\"{}\", fontcolor=\"{}\", penwidth={}, tooltip=\"{}: {}\"",
                          verdict_color(it->second), verdict_color(it->second),
                          it->second == Verdict::kDeadlock ? 2.5 : 1.5,
                          analysis::verdict_name(it->second), escape(report.cycles[edge_finding[key]].view.chain));
    } else {
      style = fmt::format(", color=\"#4a4a4a\", tooltip=\"{} --> {}\"", escape(first.from), escape(first.to));
    }
    out << fmt::format("  n{} -> n{} [id=\"edge{}\", label=\"{}\"{}];\n", e.from, e.to, i, escape(label), style);
  }
  // The legend: one compact table, so it never outweighs the graph.
  out << "  legend [shape=plaintext, fontsize=9, label=<<table border=\"0\" cellborder=\"0\" "
         "cellspacing=\"0\" cellpadding=\"2\">"
         "<tr><td align=\"left\"><font color=\"#d62728\">&#8594; potential deadlock (cycle)</font></td></tr>"
         "<tr><td align=\"left\"><font color=\"#d97706\">&#8594; lock-order inversion (in code)</font></td></tr>"
         "<tr><td align=\"left\"><font color=\"#8c8c8c\">&#8594; cycle that cannot deadlock</font></td></tr>"
         "<tr><td align=\"left\"><font color=\"#4a4a4a\">A &#8594; B: B taken while holding A</font></td></tr>"
         "</table>>];\n"
      << "}\n";
}

}  // namespace lockgraph::viz
