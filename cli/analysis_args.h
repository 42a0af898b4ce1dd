// Options every analysing subcommand shares (analyze, dot, report, run), and the step they share:
// load the traces, analyse, build the report with its triage.
#pragma once

#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "lockgraph/analysis/findings.h"
#include "lockgraph/analysis/report.h"
#include "lockgraph/analysis/symbolizer.h"
#include "lockgraph/analysis/trace_loader.h"

namespace lockgraph::cli {

// Exit codes (README, --help): 0 clean, 1 findings, 2 usage error, 3 unreadable or corrupt input,
// 4 incomplete (a bound left cycles unchecked and nothing else failed).
inline constexpr int kExitClean = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitBadInput = 3;
inline constexpr int kExitIncomplete = 4;

// The exit codes, as --help prints them.
inline constexpr const char* kExitCodesHelp =
    "Exit codes: 0 nothing fails; 1 findings fail (--error-exitcode); 2 usage error; "
    "3 unreadable or corrupt trace; 4 incomplete: a bound (--max-cycles, the search's work "
    "bound) left cycles unchecked, or the runtime could not write all its records (a full disk), "
    "and no finding failed.";

struct AnalysisArgs {
  std::vector<std::string> traces;
  std::string group_by = "instance";
  bool all = false;
  std::size_t max_cycles = 10000;
  std::string fail_on = "findings";
  std::string suppressions;
  std::string baseline;
  bool print_suppressed = false;
  int error_exitcode = kExitFindings;
  std::size_t accesses_in_memory = analysis::LoadOptions{}.accesses_in_memory;
  std::string source_root;  // "" : the git top level of the current directory, else it
  std::string symbolizer;   // "" : llvm-symbolizer, else llvm-symbolizer-14
};

// Registers the shared options on `command`. `with_traces`: the positional TRACE_OR_DIR list.
void add_analysis_options(CLI::App* command, AnalysisArgs& args, bool with_traces = true);

// Everything an output needs, kept alive together.
struct Analysis {
  std::shared_ptr<analysis::TraceModel> model;
  analysis::Findings findings;
  std::unique_ptr<analysis::Symbolizer> symbolizer;
  analysis::Report report;
};

// Loads, analyses and triages. Throws TraceError (exit 3) or UsageError (exit 2).
std::unique_ptr<Analysis> run_analysis(const AnalysisArgs& args);

// The exit code for a finished analysis: args.error_exitcode if anything fails, else 4 if a
// bound left something unchecked, else 0.
int findings_exit_code(const Analysis& analysis, const AnalysisArgs& args);

// The stream output goes to: stdout when `path` is empty, else the file `path`, opened (truncated)
// into `file`. Throws UsageError if it cannot be opened.
std::ostream& open_output(const std::string& path, std::ofstream& file);

// Writes `content` to `path`, or to stdout when `path` is empty. Throws UsageError if it cannot.
void write_output(const std::string& path, const std::string& content);

// Runs `body`, turning the analyzer's exceptions into messages and exit codes.
template <class Body>
int guarded(Body&& body);

}  // namespace lockgraph::cli

#include "guarded.inl"
