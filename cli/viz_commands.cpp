#include "viz_commands.h"

#include <iostream>
#include <memory>
#include <sstream>

#include "analysis_args.h"
#include "lockgraph/viz/dot_writer.h"
#include "lockgraph/viz/html_report.h"
#include "lockgraph/viz/svg_renderer.h"

namespace lockgraph::cli {
namespace {

// Beyond this many locks the page draws only the cycles: a browser cannot lay out more usefully.
constexpr std::size_t kMaxDrawnLocks = 300;
// Beyond this many, a graph with potential deadlocks or inversions draws their cycles first (the
// whole graph is `lockgraph dot`'s): the findings' locks stay on screen, not lost among the rest.
constexpr std::size_t kScreenfulOfLocks = 30;

struct VizArgs {
  AnalysisArgs analysis;
  std::string output;
  std::string dot_path;
  std::string svg_path;
  bool findings_only = false;
};

std::string make_dot(Analysis& a, bool findings_only, std::size_t max_locks = 0) {
  std::ostringstream dot;
  viz::write_dot(dot, a.report, *a.symbolizer, {findings_only, max_locks});
  return dot.str();
}

int run_dot(const VizArgs& args) {
  return guarded([&] {
    auto a = run_analysis(args.analysis);
    std::string dot = make_dot(*a, args.findings_only);
    write_output(args.output, dot);
    if (!args.svg_path.empty()) {
      std::string error;
      if (auto svg = viz::render_svg(dot, error))
        write_output(args.svg_path, *svg);
      else
        std::cerr << "lockgraph: no SVG: " << error << "; the DOT was written\n";
    }
    return findings_exit_code(*a, args.analysis);
  });
}

int run_report(const VizArgs& args) {
  return guarded([&] {
    auto a = run_analysis(args.analysis);
    std::string full_dot = make_dot(*a, args.findings_only);
    const std::size_t locks = a->findings.graph->nodes().size();
    bool has_cycle_findings = false;
    for (const auto& c : a->findings.cycles) has_cycle_findings |= analysis::verdict_is_finding(c.verdict);
    bool cycles_only = args.findings_only || locks > kMaxDrawnLocks || (locks > kScreenfulOfLocks && has_cycle_findings);
    std::string drawn_dot = cycles_only ? make_dot(*a, true, kMaxDrawnLocks) : full_dot;
    viz::HtmlInputs inputs;
    inputs.report = &a->report;
    inputs.graph_is_cycles_only = cycles_only;
    // A run with no lock has no graph (the page says so in a line): `dot` runs only if asked for
    // the drawing itself.
    if (locks > 0 || !args.svg_path.empty()) {
      inputs.svg = viz::render_svg(drawn_dot, inputs.svg_error);
      if (!inputs.svg) std::cerr << "lockgraph: no graph drawing: " << inputs.svg_error << "\n";
    }
    std::ostringstream html;
    viz::write_html_report(html, inputs, *a->symbolizer);
    write_output(args.output, html.str());
    if (!args.dot_path.empty()) write_output(args.dot_path, full_dot);
    if (!args.svg_path.empty() && inputs.svg) write_output(args.svg_path, *inputs.svg);
    std::cerr << "lockgraph: report written to " << args.output << " (" << a->report.failing()
              << " finding(s))\n";
    return findings_exit_code(*a, args.analysis);
  });
}

}  // namespace

void add_dot_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<VizArgs>();
  CLI::App* command = app.add_subcommand("dot", "Write the lock-order graph as Graphviz DOT");
  add_analysis_options(command, args->analysis);
  command->add_option("-o,--output", args->output, "Write the DOT to FILE instead of stdout");
  command->add_option("--svg", args->svg_path, "Also render it to this SVG file with `dot`");
  command->add_flag("--findings-only", args->findings_only, "Draw only the locks on cycles");
  command->callback([args, &exit_code] { exit_code = run_dot(*args); });
}

void add_report_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<VizArgs>();
  args->analysis.all = true;  // the page lists every cycle, each with its verdict
  CLI::App* command = app.add_subcommand("report", "Write a self-contained HTML report");
  add_analysis_options(command, args->analysis);
  command->add_option("-o,--output", args->output, "The HTML file to write")->required();
  command->add_option("--dot", args->dot_path, "Also write the graph's DOT here");
  command->add_option("--svg", args->svg_path, "Also write the graph's SVG here");
  command->add_flag("--findings-only", args->findings_only, "Draw only the locks on cycles");
  command->callback([args, &exit_code] { exit_code = run_report(*args); });
}

}  // namespace lockgraph::cli
