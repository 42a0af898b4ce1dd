// Writes an analysis as the report format asked for (text, json, sarif): shared by `analyze`
// and `run`.
#pragma once

#include <string>

#include "analysis_args.h"

namespace lockgraph::cli {

// Writes to `output` (stdout when empty); text is coloured only on a terminal. Machine formats
// keep stdout clean: the reader's warnings go to stderr.
void write_report(const Analysis& analysis, const std::string& format, const std::string& output);

}  // namespace lockgraph::cli
