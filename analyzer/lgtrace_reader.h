// Reader of lockgraph's own trace format (JSON Lines, see docs/trace-format.md).
#pragma once

#include <string>

#include "lockgraph/analysis/trace_loader.h"
#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

// True if the file's first bytes look like a lockgraph trace.
bool looks_like_lgtrace(const std::string& first_bytes);

// Appends the process in `path` to `model`. A cut-off trace is read up to its last complete line
// with a warning. Throws TraceError (file, line, what was expected) for anything else unusable.
void read_lgtrace(const std::string& path, TraceModel& model, const LoadOptions& options);

}  // namespace lockgraph::analysis
