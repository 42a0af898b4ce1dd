#include "analysis_args.h"

#include <filesystem>

#include <fstream>
#include <iostream>
#include <map>

#include "lockgraph/analysis/trace_loader.h"
#include "progress_line.h"
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
  command->add_flag("--all", args.all,
                    "Also show cycles that are no finding (gated, try-lock, readers), with their reason");
  command->add_option("--fail-on", args.fail_on,
                      "Which findings fail the run: 'findings' (potential deadlocks, undecided "
                      "cycles and code-level lock-order inversions) or 'deadlock' (inversions are "
                      "still reported, as warnings)")
      ->check(CLI::IsMember({"findings", "deadlock"}))
      ->default_str("findings");
  command->add_option("--max-cycles", args.max_cycles,
                      "Stop the cycle search after this many cycles (found shortest first); "
                      "reaching it is reported and fails the run (exit 4 if nothing else fails)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}))
      ->default_str("10000");
  command->add_option("--suppressions", args.suppressions,
                      "TSan suppressions file: deadlock:, race:, race_top:, mutex: (misuse) PATTERN lines; thread:, signal:, called_from_lib: accepted, match nothing; # comments")
      ->type_name("FILE");
  command->add_option("--source-root", args.source_root,
                      "SARIF locations are relative to DIR (uriBaseId %SRCROOT%), so code scanning "
                      "finds them in any checkout (default: the git top level of the current "
                      "directory, else the current directory)")
      ->type_name("DIR");
  command->add_option("--symbolizer", args.symbolizer,
                      "The llvm-symbolizer to run (default: llvm-symbolizer, else llvm-symbolizer-14)")
      ->type_name("PATH");
  command->add_option("--baseline", args.baseline,
                      "JSON report of known findings: only findings absent from it fail")
      ->type_name("OLD.json");
  command->add_flag("--print-suppressed", args.print_suppressed,
                    "Also print the findings that --suppressions or --baseline take out (they are counted either way)");
  command->add_option("--accesses-in-memory", args.accesses_in_memory,
                      "Memory accesses of a trace built with the race flags held in memory, and as "
                      "many heap allocations and frees (48 bytes each), epoch starts (16) and sync "
                      "events (24); more are written, sorted, to a temporary file in $TMPDIR (else "
                      "/tmp) and merged back")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 40))
      ->default_str(std::to_string(analysis::LoadOptions{}.accesses_in_memory));
  command->add_option("--error-exitcode", args.error_exitcode,
                      "Exit code when findings fail (1-255: an exit status has 8 bits)")
      ->check(CLI::Range(1, 255))
      ->default_str("1");
  command->footer(
      "Findings: potential deadlock (threads of this run could deadlock), lock-order inversion "
      "(in code: the run's threads did not overlap, one thread or ordered by start/join, but two "
      "threads running those paths at once would deadlock), undecided cycle (the witness search "
      "hit its bound), data race, observed deadlock and lock misuse.\n" +
      std::string(kExitCodesHelp));
}

// The directory SARIF locations are relative to: the one given (it must exist), else the git top
// level of the current directory (the nearest one holding .git), else the current directory.
std::string source_root(const std::string& given) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!given.empty()) {
    fs::path root = fs::canonical(given, ec);
    if (ec || !fs::is_directory(root))
      throw analysis::UsageError("--source-root " + given + ": not a directory");
    return root.string();
  }
  fs::path here = fs::current_path(ec);
  if (ec) return {};
  for (fs::path dir = here; !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / ".git", ec)) return dir.string();
    if (dir == dir.root_path()) break;
  }
  return here.string();
}

std::unique_ptr<Analysis> run_analysis(const AnalysisArgs& args) {
  auto result = std::make_unique<Analysis>();
  ProgressLine progress;
  progress.update("reading traces", 0, 0);
  result->model = std::make_shared<analysis::TraceModel>(analysis::load_traces(args.traces, {args.accesses_in_memory}));
  static const std::map<std::string, analysis::GroupBy> kGroupBy = {
      {"instance", analysis::GroupBy::kInstance},
      {"site", analysis::GroupBy::kSite},
      {"name", analysis::GroupBy::kName}};
  result->symbolizer = std::make_unique<analysis::Symbolizer>(*result->model, args.symbolizer);
  analysis::AnalysisOptions options;
  options.group_by = kGroupBy.at(args.group_by);
  options.max_cycles = args.max_cycles;
  // A lock made inside a wrapper class (leveldb's port::Mutex) is grouped by where the wrapper
  // was made, not by the wrapper's own init line, which every instance shares.
  options.site_key = [&symbolizer = *result->symbolizer](analysis::StackIndex stack) {
    return symbolizer.site_key(stack);
  };
  if (progress.enabled())
    options.progress = [&progress](const char* stage, std::size_t done, std::size_t total) {
      progress.update(stage, done, total);
    };
  result->findings = analysis::analyze(result->model, options);
  progress.update("symbolizing and building the report", 0, 0);
  // Stacks of module+offset are only useful with a symbolizer: say so rather than print them bare.
  if (result->model->modules.size() > 1 && !result->symbolizer->available())
    result->model->warnings.push_back(
        "no symbolizer could be started (tried " + result->symbolizer->tried() +
        "): stacks show module+offset, not functions and lines; install llvm (apt-get install "
        "llvm) or give --symbolizer PATH");
  result->report = analysis::build_report(
      result->findings, *result->symbolizer, args.all,
      args.fail_on == "deadlock" ? analysis::FailOn::kDeadlock : analysis::FailOn::kFindings);
  if (!args.suppressions.empty())
    analysis::apply_suppressions(result->report, analysis::read_suppressions(args.suppressions));
  if (!args.baseline.empty()) analysis::apply_baseline(result->report, args.baseline);
  result->report.source_root = source_root(args.source_root);
  result->report.print_suppressed = args.print_suppressed;
  progress.finish();
  return result;
}

int findings_exit_code(const Analysis& analysis, const AnalysisArgs& args) {
  if (analysis.report.failing() > 0) return args.error_exitcode;
  return analysis.findings.incomplete() ? kExitIncomplete : kExitClean;
}

}  // namespace lockgraph::cli

namespace lockgraph::cli {

std::ostream& open_output(const std::string& path, std::ofstream& file) {
  if (path.empty()) return std::cout;
  file.open(path, std::ios::binary);
  if (!file) throw analysis::UsageError(path + ": cannot write here");
  return file;
}

void write_output(const std::string& path, const std::string& content) {
  std::ofstream file;
  std::ostream& out = open_output(path, file);
  if (!(out << content) && !path.empty()) throw analysis::UsageError(path + ": cannot write here");
}

}  // namespace lockgraph::cli
