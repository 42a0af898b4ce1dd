#include "lockgraph/analysis/trace_text.h"

#include <string>
#include <string_view>

#include "compact_record.h"
#include "lockgraph/analysis/trace_error.h"
#include "lockgraph/trace_format.h"

namespace lockgraph::analysis {

void write_trace_text(std::istream& in, std::ostream& out, const std::string& name) {
  std::string line;
  // Its header, or this is no lockgraph trace (a directory, a RAPID trace, anything else).
  if (!std::getline(in, line) || line.find(std::string("\"magic\":\"") + trace::kMagic + "\"") == std::string::npos)
    throw TraceError(name + ":1: not a lockgraph trace: the first line must be the header record with magic \"" +
                     trace::kMagic + "\"");
  out << line << (in.eof() ? "" : "\n");
  CompactRecord record;
  while (std::getline(in, line)) {
    const bool has_newline = !in.eof();
    // NUL bytes a thread left unfilled (or a kill left unwritten) may precede a record on its line.
    const std::size_t nul = line.rfind('\0');
    const std::string_view rest = nul == std::string::npos ? std::string_view(line) : std::string_view(line).substr(nul + 1);
    if (has_newline && is_packed_line(rest) && parse_compact(rest, record).empty())
      out << std::string_view(line).substr(0, line.size() - rest.size()) << format_hex_line(record);
    else
      out << line;
    if (has_newline) out << '\n';
  }
}

}  // namespace lockgraph::analysis
