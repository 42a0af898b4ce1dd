// Reader of RapidBin (`.data`), the binary form of RAPID's traces: an 18-byte header and one
// big-endian 64-bit word per event.
#pragma once

#include <cstdint>
#include <string>

#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

// True if the file is RapidBin: named *.data, or its header's event count matches its size.
bool looks_like_rapidbin(const std::string& path, const std::string& first_bytes,
                         std::uint64_t file_size);

// Appends the process in `path` to `model`. A file shorter than its header promises is read up to
// its last whole event with a warning; a bad header or operation is a TraceError with the byte offset.
void read_rapidbin(const std::string& path, TraceModel& model);

}  // namespace lockgraph::analysis
