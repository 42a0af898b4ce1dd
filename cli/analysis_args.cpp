#include "analysis_args.h"

#include <fstream>
#include <iostream>
#include <map>

#include "lockgraph/analysis/trace_loader.h"
#include "lockgraph/analysis/triage.h"

namespace lockgraph::cli {

void add_analysis_options(CLI::App* command, AnalysisArgs& args, bool with_traces) {
  if (with_traces)
    command->add_option("traces", args.traces, "Trace files or directories of traces")
        ->required()
        ->type_name("TRACE_OR_DIR");
  command->add_option("--group-by", args.group_by,
                      "Lock identity: each instance, creation site (lockdep class) or name")
      ->check(CLI::IsMember({"instance", "site", "name"}))
      ->default_str("instance");
  command->add_flag("--all", args.all, "Also show cycles that cannot deadlock, with their reason");
  command->add_option("--max-cycles", args.max_cycles, "Stop enumerating cycles after this many")
      ->check(CLI::PositiveNumber)
      ->default_str("10000");
  command->add_option("--suppressions", args.suppressions,
                      "TSan-style file: deadlock:PATTERN, race:PATTERN, mutex:PATTERN (misuse), # comments")
      ->type_name("FILE");
  command->add_option("--baseline", args.baseline,
                      "JSON report of known findings: only findings absent from it fail")
      ->type_name("OLD.json");
  command->add_option("--error-exitcode", args.error_exitcode, "Exit code when findings fail")
      ->default_str("1");
}

std::unique_ptr<Analysis> run_analysis(const AnalysisArgs& args) {
  auto result = std::make_unique<Analysis>();
  result->model = std::make_shared<analysis::TraceModel>(analysis::load_traces(args.traces));
  static const std::map<std::string, analysis::GroupBy> kGroupBy = {
      {"instance", analysis::GroupBy::kInstance},
      {"site", analysis::GroupBy::kSite},
      {"name", analysis::GroupBy::kName}};
  analysis::AnalysisOptions options;
  options.group_by = kGroupBy.at(args.group_by);
  options.max_cycles = args.max_cycles;
  result->findings = analysis::analyze(result->model, options);
  result->symbolizer = std::make_unique<analysis::Symbolizer>(*result->model);
  result->report = analysis::build_report(result->findings, *result->symbolizer, args.all);
  if (!args.suppressions.empty())
    analysis::apply_suppressions(result->report, analysis::read_suppressions(args.suppressions));
  if (!args.baseline.empty()) analysis::apply_baseline(result->report, args.baseline);
  return result;
}

int findings_exit_code(const Analysis& analysis, const AnalysisArgs& args) {
  return analysis.report.failing() > 0 ? args.error_exitcode : kExitClean;
}

}  // namespace lockgraph::cli

namespace lockgraph::cli {

void write_output(const std::string& path, const std::string& content) {
  if (path.empty()) {
    std::cout << content;
    return;
  }
  std::ofstream out(path, std::ios::binary);
  if (!out || !(out << content)) throw analysis::UsageError(path + ": cannot write here");
}

}  // namespace lockgraph::cli
