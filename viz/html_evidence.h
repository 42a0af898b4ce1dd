// The evidence a report page shows, as JSON: findings, edges and locks with symbolized stacks
// and source snippets. Kept apart from the page's markup.
#pragma once

#include <nlohmann/json.hpp>

#include "lockgraph/analysis/report.h"

namespace lockgraph::viz {

nlohmann::json evidence_json(const analysis::Report& report, analysis::Symbolizer& symbolizer);

}  // namespace lockgraph::viz
