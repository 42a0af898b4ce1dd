// Writes an analysis as the report format asked for (text, json, sarif): shared by `analyze`
// and `run`.
#pragma once

#include <string>

#include "analysis_args.h"

namespace lockgraph::cli {

// Where a report goes when no -o FILE is given: stdout (`analyze`), or stderr (`run`, whose
// stdout is the program's).
enum class DefaultStream { kStdout, kStderr };

// Writes to `output` (the default stream when empty); text is coloured only on a terminal.
// Machine formats keep stdout clean: the reader's warnings go to stderr.
void write_report(const Analysis& analysis, const std::string& format, const std::string& output,
                  DefaultStream stream = DefaultStream::kStdout);

}  // namespace lockgraph::cli
