// lockgraph: the command line. It parses arguments and calls the libraries; nothing else.
#include <algorithm>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "analysis_args.h"
#include "analyze_command.h"
#include "export_command.h"
#include "run_command.h"
#include "viz_commands.h"

namespace {

// Levenshtein distance, for "did you mean".
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// A first word that names no subcommand: say so, with the nearest name when one is close.
bool unknown_subcommand(const CLI::App& app, const char* word) {
  if (word[0] == '-') return false;
  std::string best;
  std::size_t best_distance = 3;  // more edits than this is no typo
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == word) return false;
    std::size_t d = edit_distance(word, sub->get_name());
    if (d < best_distance) best = sub->get_name(), best_distance = d;
  }
  std::cerr << "lockgraph: error: unknown subcommand '" << word << "'"
            << (best.empty() ? "" : " (did you mean '" + best + "'?)")
            << "; run 'lockgraph --help' for the list\n";
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lockgraph: find lock-order deadlocks and data races in traces of threaded programs"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("lockgraph ") + LOCKGRAPH_VERSION);
  app.footer(std::string("Examples:\n"
                          "  lockgraph run -- ./my_tests          run a program, report its deadlocks, misuse (and races,\n"
                          "                                       if built with the race flags) on stderr\n"
                          "  lockgraph analyze traces/ --format sarif -o lockgraph.sarif\n"
                          "                                       analyse traces a linked program wrote, for code scanning\n\n") +
             lockgraph::cli::kExitCodesHelp);
  int exit_code = lockgraph::cli::kExitClean;
  lockgraph::cli::add_analyze_command(app, exit_code);
  lockgraph::cli::add_dot_command(app, exit_code);
  lockgraph::cli::add_report_command(app, exit_code);
  lockgraph::cli::add_export_command(app, exit_code);
  lockgraph::cli::add_run_command(app, exit_code);
  if (argc > 1 && unknown_subcommand(app, argv[1])) return lockgraph::cli::kExitUsage;
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line with the prefix every other error has, then where to read more.
    std::cerr << "lockgraph: error: " << e.what() << "\nRun with --help for more information.\n";
    return lockgraph::cli::kExitUsage;
  }
  return exit_code;
}
