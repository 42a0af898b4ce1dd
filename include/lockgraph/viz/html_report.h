// One self-contained HTML page that works offline: the lock graph's SVG inline, the findings list,
// and the evidence behind every finding, edge and lock (both stacks per edge with source snippets,
// threads, held locks), shown on click. Deep links (#finding-0, #edge3, #node1) select an item.
// No network, no external script or style.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "lockgraph/analysis/report.h"

namespace lockgraph::viz {

struct HtmlInputs {
  const analysis::Report* report = nullptr;
  std::optional<std::string> svg;   // absent: the page says why (svg_error)
  std::string svg_error;
  bool graph_is_cycles_only = false;  // the SVG shows only locks on cycles (large graphs)
};

void write_html_report(std::ostream& out, const HtmlInputs& inputs, analysis::Symbolizer& symbolizer);

}  // namespace lockgraph::viz
