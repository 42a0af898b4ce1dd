// JSON forms of the views, shared by the JSON and SARIF writers.
#pragma once

#include <functional>
#include <ostream>

#include <nlohmann/json.hpp>

#include "lockgraph/analysis/finding_view.h"

namespace lockgraph::analysis {

nlohmann::json frame_json(const SourceFrame& frame);
nlohmann::json stack_json(const std::vector<SourceFrame>& stack);
nlohmann::json flags_json(std::uint32_t flags);

// A SARIF physicalLocation for a frame, or null if it has no file.


// The marker a document holds where write_streamed puts its array.
inline constexpr const char* kStreamedArray = "@lockgraph-streamed-array@";

// Writes `doc` as dump(2) would, with the array that `produce` emits item by item in place of the
// string kStreamedArray: one item's DOM at a time, so ten thousand findings do not take gigabytes.
using Emit = std::function<void(const nlohmann::json&)>;
void write_streamed(std::ostream& out, const nlohmann::json& doc, const std::function<void(const Emit&)>& produce);

}  // namespace lockgraph::analysis
