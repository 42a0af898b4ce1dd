// lockgraph export --format std TRACE [-o FILE]: a trace in another tool's format.
#pragma once

#include <CLI/CLI.hpp>

namespace lockgraph::cli {

void add_export_command(CLI::App& app, int& exit_code);

}  // namespace lockgraph::cli
