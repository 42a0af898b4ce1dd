// A lockgraph trace made readable: its packed lines (trace_format.h, namespace packed) written as
// the hex compact lines they stand for, every other byte as it was. Packed lines are bytes, not
// text; this is what `lockgraph export --format text` gives to grep, scripts and people. The
// analyzer reads either form.
#pragma once

#include <istream>
#include <ostream>
#include <string>

namespace lockgraph::analysis {

// Copies the trace from `in` to `out`, line by line, with each packed line that parses written
// as its hex compact line (after the NUL bytes before it, if any). A line that does not parse (torn by a kill, cut at the end) is copied
// unchanged, NUL bytes and all: this shows the file, it does not judge it (`analyze` does). Throws
// TraceError, naming the trace `name`, if its first line is no lockgraph header.
void write_trace_text(std::istream& in, std::ostream& out, const std::string& name);

}  // namespace lockgraph::analysis
