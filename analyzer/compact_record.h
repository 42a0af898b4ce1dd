// One compact trace line parsed, hex (trace_format.h, namespace compact: M, S, A, F; a letter,
// then numbers in lowercase hex, one space before each; a sync carries two letters in its fourth
// field) or packed (namespace packed: the same numbers in bytes, as the runtime writes them).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lockgraph::analysis {

struct CompactRecord {
  char letter = 0;
  std::vector<std::uint64_t> numbers;  // in the order of the line (a sync's letters left out)
  char op = 0, object_kind = 0;        // a sync's two letters
};

// Whether `line` is a compact line (its letter, then a space; or a packed line's digit, then at
// least one byte); only then call parse_compact.
bool is_compact_line(std::string_view line);

// Whether `line` is a packed compact line (trace_format.h, namespace packed: its first byte names
// the record, and at least one byte follows).
bool is_packed_line(std::string_view line);

// Fills `out` from `line` (without its newline). Returns "" or what is wrong with the line.
std::string parse_compact(std::string_view line, CompactRecord& out);

// The hex compact line `record` stands for, without its newline.
std::string format_hex_line(const CompactRecord& record);

}  // namespace lockgraph::analysis
