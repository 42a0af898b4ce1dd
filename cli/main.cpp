// lockgraph: the command line. It parses arguments and calls the libraries; nothing else.
#include <CLI/CLI.hpp>

#include "analysis_args.h"
#include "analyze_command.h"
#include "export_command.h"
#include "run_command.h"
#include "viz_commands.h"

int main(int argc, char** argv) {
  CLI::App app{"lockgraph: find lock-order deadlocks and data races in traces of threaded programs"};
  app.require_subcommand(1);
  int exit_code = lockgraph::cli::kExitClean;
  lockgraph::cli::add_analyze_command(app, exit_code);
  lockgraph::cli::add_dot_command(app, exit_code);
  lockgraph::cli::add_report_command(app, exit_code);
  lockgraph::cli::add_export_command(app, exit_code);
  lockgraph::cli::add_run_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? lockgraph::cli::kExitClean : lockgraph::cli::kExitUsage;
  }
  return exit_code;
}
