// Loads traces into one model: lockgraph's own .lgtrace files and the research formats (RAPID STD
// text, RapidBin), detected by content. A directory stands for the traces in it.
#pragma once

#include <string>
#include <vector>

#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

// Reads every trace named (files, or directories of *.lgtrace, *.std and *.data files) into one
// model, one process per file. Throws TraceError for unreadable or corrupt input.
TraceModel load_traces(const std::vector<std::string>& paths);

}  // namespace lockgraph::analysis
