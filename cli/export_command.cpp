#include "export_command.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "analysis_args.h"
#include "lockgraph/analysis/std_export.h"
#include "lockgraph/analysis/trace_loader.h"
#include "lockgraph/analysis/trace_text.h"
#include "lockgraph/analysis/triage.h"

namespace lockgraph::cli {
namespace {

struct ExportArgs {
  std::string trace;
  std::string format = "std";
  std::string output;
};

// The trace itself, its packed lines as hex: streamed (a trace may be gigabytes), never loaded.
int write_text(const ExportArgs& args) {
  return guarded([&] {
    // A directory stands for the one trace in it, as for the other formats.
    const std::vector<std::string> files = analysis::trace_files({args.trace});
    if (files.size() != 1)
      throw analysis::UsageError(args.trace + ": holds " + std::to_string(files.size()) +
                                 " traces; export takes one trace file");
    std::ifstream in(files.front(), std::ios::binary);
    if (!in) throw analysis::TraceError(files.front() + ": cannot open for reading");
    std::ofstream file;
    std::ostream& out = open_output(args.output, file);
    analysis::write_trace_text(in, out, files.front());
    if (!out.flush()) throw analysis::UsageError((args.output.empty() ? "stdout" : args.output) + ": cannot write here");
    return kExitClean;
  });
}

int run(const ExportArgs& args) {
  if (args.format == "text") return write_text(args);
  return guarded([&] {
    analysis::TraceModel model = analysis::load_traces({args.trace});
    if (model.processes.size() != 1)
      throw analysis::UsageError(args.trace + ": holds " + std::to_string(model.processes.size()) +
                                 " traces; export takes one trace file");
    for (const auto& warning : model.warnings) std::fprintf(stderr, "lockgraph: warning: %s\n", warning.c_str());
    std::ostringstream out;
    analysis::write_std(out, model, 0);
    write_output(args.output, out.str());
    return kExitClean;
  });
}

}  // namespace

void add_export_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* command = app.add_subcommand(
      "export",
      "Write a trace in another tool's format (RAPID STD), e.g. to cross-check with RAPID, or as "
      "text (a lockgraph trace with its packed lines written as hex lines, for grep and scripts)");
  command->add_option("trace", args->trace, "The trace file (.lgtrace, .std or .data)")->required();
  command->add_option("--format", args->format, "Output format: std, or text (lockgraph traces only)")
      ->check(CLI::IsMember({"std", "text"}))
      ->capture_default_str();
  command->add_option("-o,--output", args->output, "Write here instead of stdout");
  command->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace lockgraph::cli
