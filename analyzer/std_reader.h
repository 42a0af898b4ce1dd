// Reader of RAPID's STD text traces: one event per line, `T0|acq(L1)|42`.
#pragma once

#include <string>

#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

// True if the first bytes look like an STD trace (a thread field, `|`, an operation).
bool looks_like_std(const std::string& first_bytes);

// Appends the process in `path` to `model`. A last line cut off mid-event is dropped with a
// warning; any other malformed line is a TraceError naming the line and what was expected.
void read_std(const std::string& path, TraceModel& model);

}  // namespace lockgraph::analysis
