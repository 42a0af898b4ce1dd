#include "export_command.h"

#include <memory>
#include <sstream>

#include "analysis_args.h"
#include "lockgraph/analysis/std_export.h"
#include "lockgraph/analysis/trace_loader.h"
#include "lockgraph/analysis/triage.h"

namespace lockgraph::cli {
namespace {

struct ExportArgs {
  std::string trace;
  std::string format = "std";
  std::string output;
};

int run(const ExportArgs& args) {
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
      "export", "Write a trace in another tool's format (RAPID STD), e.g. to cross-check with RAPID");
  command->add_option("trace", args->trace, "The trace file (.lgtrace, .std or .data)")->required();
  command->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"std"}))
      ->capture_default_str();
  command->add_option("-o,--output", args->output, "Write here instead of stdout");
  command->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace lockgraph::cli
