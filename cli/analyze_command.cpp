#include "analyze_command.h"

#include <cstdio>
#include <memory>

#include "analysis_args.h"
#include "report_output.h"

namespace lockgraph::cli {
namespace {

struct AnalyzeArgs {
  AnalysisArgs analysis;
  std::string format = "text";
  std::string output;
  std::string write_baseline;
};

int run(const AnalyzeArgs& args) {
  return guarded([&] {
    auto result = run_analysis(args.analysis);
    if (!args.write_baseline.empty()) {
      // Recording what is known is not a failure: 0 (4 if the analysis was incomplete, which the
      // baseline then is too).
      write_report(*result, "json", args.write_baseline);
      std::fprintf(stderr, "lockgraph: baseline of %zu finding(s) written to %s (use it with --baseline)\n",
                   analysis::summary_counts(result->report).all(),
                   args.write_baseline.c_str());
      return result->findings.incomplete() ? kExitIncomplete : kExitClean;
    }
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
  command->add_option("--write-baseline", args->write_baseline,
                      "Write the findings as a JSON baseline to FILE (for --baseline) and exit 0: "
                      "what is known today, recorded without failing")
      ->type_name("FILE")
      ->excludes("--format")
      ->excludes("-o");
  command->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace lockgraph::cli
