// Loads traces into one model: lockgraph's own .lgtrace files and the research formats (RAPID STD
// text, RapidBin), detected by content. A directory stands for the traces in it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

struct LoadOptions {
  // How many memory accesses (ranges) of one trace the analysis holds in memory, and as many heap
  // allocations and frees (48 bytes each), epoch starts (16) and sync events (24); past it they
  // go, sorted, to a temporary file in $TMPDIR (or /tmp) and are merged back as they are needed
  // (sync_log.h, sorted_spill.h).
  std::size_t accesses_in_memory = std::size_t{1} << 18;
};

// The trace files the paths name: each file as it is, each directory as its *.lgtrace, *.std and
// *.data files, sorted. Throws TraceError for a path that does not exist or a directory without
// traces.
std::vector<std::string> trace_files(const std::vector<std::string>& paths);

// Reads every trace named (files, or directories of *.lgtrace, *.std and *.data files) into one
// model, one process per file. Throws TraceError for unreadable or corrupt input, and
// std::runtime_error if the temporary file of LoadOptions cannot be written.
TraceModel load_traces(const std::vector<std::string>& paths, const LoadOptions& options = {});

}  // namespace lockgraph::analysis
