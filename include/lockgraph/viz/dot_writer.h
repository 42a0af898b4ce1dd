// The lock graph as Graphviz DOT: nodes are locks (label: name or kind#id and creation site),
// edges are lock orders labelled with a thread and site, cycle edges coloured by verdict
// (deadlock red, the others muted, the verdict in the tooltip), and a legend. Deterministic: the
// same findings give the same bytes.
#pragma once

#include <ostream>

#include "lockgraph/analysis/report.h"

namespace lockgraph::viz {

struct DotOptions {
  bool findings_only = false;  // only locks on cycles (of any verdict shown in the report)
  std::size_t max_locks = 0;   // if > 0, draw at most this many locks (those of listed cycles first)
};

void write_dot(std::ostream& out, const analysis::Report& report, analysis::Symbolizer& symbolizer,
               const DotOptions& options);

}  // namespace lockgraph::viz
