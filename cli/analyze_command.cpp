#include "analyze_command.h"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>
#include <unistd.h>

#include "analysis_args.h"

namespace lockgraph::cli {
namespace {

struct AnalyzeArgs {
  AnalysisArgs analysis;
  std::string format = "text";
  std::string output;
};

bool use_color(const std::string& output) {
  return output.empty() && ::isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
}

int run(const AnalyzeArgs& args) {
  return guarded([&] {
    auto result = run_analysis(args.analysis);
    std::ostringstream out;
    if (args.format == "json")
      analysis::write_json_report(out, result->report);
    else if (args.format == "sarif")
      analysis::write_sarif_report(out, result->report);
    else
      analysis::write_text_report(out, result->report, *result->symbolizer, use_color(args.output));
    // Machine formats keep stdout clean: the reader's warnings go to stderr.
    if (args.format != "text")
      for (const auto& w : result->model->warnings) std::cerr << "lockgraph: warning: " << w << "\n";
    write_output(args.output, out.str());
    return findings_exit_code(*result, args.analysis);
  });
}

}  // namespace

void add_analyze_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<AnalyzeArgs>();
  CLI::App* command = app.add_subcommand("analyze", "Find lock-order deadlocks in traces");
  add_analysis_options(command, args->analysis);
  command->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "sarif"}))
      ->default_str("text");
  command->add_option("-o,--output", args->output, "Write the report to FILE instead of stdout");
  command->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace lockgraph::cli
