#include "compact_record.h"

#include "lockgraph/trace_format.h"

namespace lockgraph::analysis {
namespace {

// The fields of a sync line: t e q <op><ok> o.
constexpr std::size_t kSyncLettersField = 3, kSyncFields = 5;
// A memory line: t e a z f s, then the held locks; a free line the same with q for f.
constexpr std::size_t kMemoryFields = 6;
// An allocation line: t e q a z s st.
constexpr std::size_t kAllocFields = 7;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

bool is_compact_line(std::string_view line) {
  namespace c = trace::compact;
  return line.size() >= 2 && line[1] == ' ' &&
         (line[0] == c::kMemory || line[0] == c::kSync || line[0] == c::kAlloc || line[0] == c::kFree);
}

std::string parse_compact(std::string_view line, CompactRecord& out) {
  out.letter = line[0];
  out.numbers.clear();
  out.op = out.object_kind = 0;
  const bool sync = out.letter == trace::compact::kSync;
  std::size_t field = 0;
  for (std::size_t at = 1; at < line.size(); ++field) {
    if (line[at] != ' ') return "expected a space before field " + std::to_string(field + 1);
    const std::size_t begin = ++at;
    while (at < line.size() && line[at] != ' ') ++at;
    const std::string_view token = line.substr(begin, at - begin);
    if (sync && field == kSyncLettersField) {
      if (token.size() != 2 || (token[0] != 'r' && token[0] != 'a'))
        return "field 4 of a sync line must be two letters: r or a, then the object kind";
      out.op = token[0];
      out.object_kind = token[1];
      continue;
    }
    if (token.empty() || token.size() > 16)
      return "field " + std::to_string(field + 1) + " must be 1 to 16 lowercase hex digits";
    std::uint64_t value = 0;
    for (char c : token) {
      int digit = hex_digit(c);
      if (digit < 0) return "field " + std::to_string(field + 1) + " must be lowercase hex digits";
      value = value << 4 | static_cast<std::uint64_t>(digit);
    }
    out.numbers.push_back(value);
  }
  if (sync && field != kSyncFields) return "a sync line has 5 fields: t e q <op><kind> o";
  if (out.letter == trace::compact::kAlloc && field != kAllocFields)
    return "an allocation line has 7 fields: t e q a z s st";
  if (out.letter == trace::compact::kFree && field < kMemoryFields)
    return "a free line has at least 6 fields: t e q a z s [held...]";
  if (out.letter == trace::compact::kMemory && field < kMemoryFields)
    return "a memory line has at least 6 fields: t e a z f s [held...]";
  return "";
}

}  // namespace lockgraph::analysis
