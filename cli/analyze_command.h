// lockgraph analyze TRACE_OR_DIR...: the findings as text, JSON or SARIF.
#pragma once

#include <CLI/CLI.hpp>

namespace lockgraph::cli {

// Adds the subcommand to `app`; it sets `exit_code` when it runs.
void add_analyze_command(CLI::App& app, int& exit_code);

}  // namespace lockgraph::cli
