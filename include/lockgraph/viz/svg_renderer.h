// Renders DOT to SVG with Graphviz's `dot` command, run as a child process.
#pragma once

#include <optional>
#include <string>

namespace lockgraph::viz {

// The SVG, or nullopt with `error` saying why (e.g. `dot` is not installed).
std::optional<std::string> render_svg(const std::string& dot, std::string& error);

}  // namespace lockgraph::viz
