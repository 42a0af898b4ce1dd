// Renders DOT to SVG with Graphviz's `dot` command, run as a child process.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace lockgraph::viz {

// The SVG, or nullopt with `error` saying why (`dot` is not installed, or took longer than
// `time_limit` and was stopped).
std::optional<std::string> render_svg(const std::string& dot, std::string& error,
                                      std::chrono::seconds time_limit = std::chrono::seconds(60));

}  // namespace lockgraph::viz
