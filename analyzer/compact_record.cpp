#include "compact_record.h"

#include <cinttypes>
#include <cstdio>

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

std::string hex_byte(unsigned char byte) {
  static constexpr char kDigits[] = "0123456789abcdef";
  return {kDigits[byte >> 4], kDigits[byte & 0xf]};
}

// The numbers of a packed line (trace_format.h, namespace packed) after its first byte; `field`
// counts them. Returns "" or what is wrong.
std::string parse_packed_numbers(std::string_view line, CompactRecord& out, std::size_t& field) {
  namespace p = trace::packed;
  const bool sync = out.letter == trace::compact::kSync;
  std::uint64_t value = 0;
  unsigned shift = 0;
  for (std::size_t at = 1; at < line.size(); ++at) {
    const auto byte = static_cast<unsigned char>(line[at]);
    if (byte < p::kLast)
      return "byte " + std::to_string(at) + " (0x" + hex_byte(byte) + ") is no part of a packed number";
    const bool last = (byte & p::kMore) == 0;
    const std::uint64_t bits = byte & (last ? (1u << p::kLastBits) - 1 : (1u << p::kMoreBits) - 1);
    if (shift >= 64 || (shift > 0 && bits >> (64 - shift) != 0))
      return "field " + std::to_string(field + 1) + " is longer than 64 bits";
    value |= bits << shift;
    shift += last ? p::kLastBits : p::kMoreBits;
    if (!last) continue;
    if (sync && field == kSyncLettersField) {
      out.op = (value & 1) ? 'r' : 'a';
      out.object_kind = static_cast<char>(value >> 1);
      if (value >> 1 > 0x7f)
        return "field 4 of a sync line must be the operation and an object kind letter";
    } else {
      out.numbers.push_back(value);
    }
    ++field;
    value = 0;
    shift = 0;
  }
  if (shift != 0) return "field " + std::to_string(field + 1) + " is cut: its last byte is missing";
  return "";
}

// The numbers of a hex line after its letter; `field` counts them. Returns "" or what is wrong.
std::string parse_hex_numbers(std::string_view line, CompactRecord& out, std::size_t& field) {
  const bool sync = out.letter == trace::compact::kSync;
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
  return "";
}

}  // namespace

bool is_packed_line(std::string_view line) {
  return line.size() >= 2 && trace::packed::letter_of(line[0]) != 0;
}

bool is_compact_line(std::string_view line) {
  namespace c = trace::compact;
  if (is_packed_line(line)) return true;
  return line.size() >= 2 && line[1] == ' ' &&
         (line[0] == c::kMemory || line[0] == c::kSync || line[0] == c::kAlloc || line[0] == c::kFree);
}

std::string parse_compact(std::string_view line, CompactRecord& out) {
  const bool packed = is_packed_line(line);
  out.letter = packed ? trace::packed::letter_of(line[0]) : line[0];
  out.numbers.clear();
  out.op = out.object_kind = 0;
  std::size_t field = 0;
  std::string problem = packed ? parse_packed_numbers(line, out, field) : parse_hex_numbers(line, out, field);
  if (!problem.empty()) return problem;
  const bool sync = out.letter == trace::compact::kSync;
  if (sync && field != kSyncFields) return "a sync line has 5 fields: t e q <op><kind> o";
  if (out.letter == trace::compact::kAlloc && field != kAllocFields)
    return "an allocation line has 7 fields: t e q a z s st";
  if (out.letter == trace::compact::kFree && field < kMemoryFields)
    return "a free line has at least 6 fields: t e q a z s [held...]";
  if (out.letter == trace::compact::kMemory && field < kMemoryFields)
    return "a memory line has at least 6 fields: t e a z f s [held...]";
  return "";
}

std::string format_hex_line(const CompactRecord& record) {
  std::string line(1, record.letter);
  char number[20];
  for (std::size_t i = 0; i < record.numbers.size(); ++i) {
    if (record.letter == trace::compact::kSync && i == kSyncLettersField) {
      line += ' ';
      line += record.op;
      line += record.object_kind;
    }
    std::snprintf(number, sizeof number, " %" PRIx64, record.numbers[i]);
    line += number;
  }
  return line;
}

}  // namespace lockgraph::analysis
