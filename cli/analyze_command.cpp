#include "analyze_command.h"

#include <memory>

#include "analysis_args.h"
#include "report_output.h"

namespace lockgraph::cli {
namespace {

struct AnalyzeArgs {
  AnalysisArgs analysis;
  std::string format = "text";
  std::string output;
};

int run(const AnalyzeArgs& args) {
  return guarded([&] {
    auto result = run_analysis(args.analysis);
    write_report(*result, args.format, args.output);
    return findings_exit_code(*result, args.analysis);
  });
}

}  // namespace

void add_analyze_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<AnalyzeArgs>();
  CLI::App* command = app.add_subcommand(
      "analyze", "Find potential deadlocks, lock-order inversions, data races and lock misuse in traces");
  add_analysis_options(command, args->analysis);
  command->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "sarif"}))
      ->default_str("text");
  command->add_option("-o,--output", args->output, "Write the report to FILE instead of stdout");
  command->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace lockgraph::cli
