// lockgraph run [analyze options] -- PROGRAM ARGS...: runs an unmodified program under the
// LD_PRELOAD interposer, each process (children included) writing its own trace into one
// directory, then analyses them all and prints the report.
#pragma once

#include <CLI/CLI.hpp>

namespace lockgraph::cli {

void add_run_command(CLI::App& app, int& exit_code);

}  // namespace lockgraph::cli
