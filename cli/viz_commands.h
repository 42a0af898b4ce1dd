// lockgraph dot TRACES... and lockgraph report TRACES... -o report.html.
#pragma once

#include <CLI/CLI.hpp>

namespace lockgraph::cli {

void add_dot_command(CLI::App& app, int& exit_code);
void add_report_command(CLI::App& app, int& exit_code);

}  // namespace lockgraph::cli
