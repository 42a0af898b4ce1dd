// JSON forms of the views, shared by the JSON and SARIF writers.
#pragma once

#include <nlohmann/json.hpp>

#include "lockgraph/analysis/finding_view.h"

namespace lockgraph::analysis {

nlohmann::json frame_json(const SourceFrame& frame);
nlohmann::json stack_json(const std::vector<SourceFrame>& stack);
nlohmann::json flags_json(std::uint32_t flags);

// A SARIF physicalLocation for a frame, or null if it has no file.
nlohmann::json sarif_physical_location(const SourceFrame& frame);

}  // namespace lockgraph::analysis
