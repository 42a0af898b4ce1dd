// The compact trace lines (trace_format.h) as the runtime writes them, packed
// (runtime/compact_line.h), read back by the analyzer (analyzer/compact_record.h): every number
// survives, on random values of every width and the edges; no byte of a number is one a reader
// treats apart (NUL, newline, a line's first byte); and the hex line they stand for (`lockgraph
// export --format text`) has the digits printf's %llx gives and reads back the same.
#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "compact_line.h"
#include "compact_record.h"
#include "lockgraph/analysis/trace_error.h"
#include "lockgraph/analysis/trace_text.h"
#include "lockgraph/trace_format.h"

namespace lockgraph::analysis {
namespace {

TEST(CompactLine, NumbersSurviveTheWriterAndTheReader) {
  std::mt19937_64 rng(5);
  std::vector<std::uint64_t> edges = {0, 1, 0x3f, 0x40, 0x7f, 0x80, 0x1fff, 0x2000, 0xff, 0x100, 0xffffffff,
                                      0x100000000, 0x7fffffffffffffff, 0x8000000000000000, ~std::uint64_t{0}};
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::uint64_t> values;
    const int count = 6 + static_cast<int>(rng() % 10);
    for (int i = 0; i < count; ++i) {
      const std::uint64_t v = round < 20 ? edges[(round + i) % edges.size()] : rng() >> (rng() % 64);
      values.push_back(v);
    }
    char out[(6 + 64) * rt::CompactLine::kNumberRoom + 2];
    rt::CompactLine line(out, sizeof out, trace::packed::kMemory);
    std::string hex(1, trace::compact::kMemory);
    for (std::uint64_t v : values) {
      line.number(v);
      char digits[24];
      std::snprintf(digits, sizeof digits, " %" PRIx64, v);
      hex += digits;
    }
    const std::size_t length = line.end();
    ASSERT_EQ(out[length - 1], '\n');
    for (std::size_t i = 1; i + 1 < length; ++i)
      ASSERT_GE(static_cast<unsigned char>(out[i]), trace::packed::kLast) << "byte " << i;
    const std::string_view packed(out, length - 1);
    ASSERT_TRUE(is_compact_line(packed));
    CompactRecord record;
    ASSERT_EQ(parse_compact(packed, record), "");
    EXPECT_EQ(record.letter, trace::compact::kMemory);
    EXPECT_EQ(record.numbers, values);
    // At most 10 bytes a number, and one byte below 64.
    EXPECT_LE(length, 2 + 10 * values.size());
    EXPECT_EQ(format_hex_line(record), hex);
    CompactRecord from_hex;
    ASSERT_EQ(parse_compact(hex, from_hex), "");
    EXPECT_EQ(from_hex.numbers, values);
  }
}

// A packed number's bytes: 7 bits at a time from the lowest, the last 6 bits marked 0x40.
TEST(CompactLine, PackedNumbersHaveTheDocumentedBytes) {
  char out[3 * rt::CompactLine::kNumberRoom + 2];
  const std::size_t length =
      rt::CompactLine(out, sizeof out, trace::packed::kMemory).number(0).number(63).number(64).end();
  EXPECT_EQ(std::string(out, length), std::string("0\x40\x7f\xc0\x40\n", 6));
}

// What a reader must refuse in a packed line, by field.
TEST(CompactLine, NamesWhatIsWrongWithAPackedLine) {
  const std::pair<std::string, std::string> cases[] = {
      {std::string("0\x41\x41\x20", 4), "byte 3 (0x20) is no part of a packed number"},
      {std::string("0\x41\x81", 3), "field 2 is cut"},
      {std::string("0") + std::string(10, '\xff') + "\x41", "field 1 is longer than 64 bits"},
      {std::string("0") + std::string(9, '\xff') + "\x42", "field 1 is longer than 64 bits"},
      {std::string("0\x41\x41\x41", 4), "a memory line has at least 6 fields"},
  };
  for (const auto& [line, expected] : cases) {
    CompactRecord record;
    EXPECT_NE(parse_compact(line, record).find(expected), std::string::npos) << expected;
  }
  // The largest number fits exactly.
  CompactRecord record;
  const std::string largest = std::string("0") + std::string(9, '\xff') + "\x41" + std::string(5, '\x40');
  ASSERT_EQ(parse_compact(largest, record), "");
  EXPECT_EQ(record.numbers.front(), ~std::uint64_t{0});
}

TEST(CompactLine, SyncLettersSurvive) {
  char out[5 * rt::CompactLine::kNumberRoom + 2];
  for (const char op : {'r', 'a'}) {
    const std::size_t length = rt::CompactLine(out, sizeof out, trace::packed::kSync)
                                   .number(4)
                                   .number(0x93)
                                   .number(0x3fe)
                                   .letters(op, trace::sync_object::kFencedRelease)
                                   .number(1)
                                   .end();
    CompactRecord record;
    ASSERT_EQ(parse_compact(std::string_view(out, length - 1), record), "");
    EXPECT_EQ(record.letter, trace::compact::kSync);
    EXPECT_EQ(record.op, op);
    EXPECT_EQ(record.object_kind, trace::sync_object::kFencedRelease);
    EXPECT_EQ(record.numbers, (std::vector<std::uint64_t>{4, 0x93, 0x3fe, 1}));
    EXPECT_EQ(format_hex_line(record), std::string("S 4 93 3fe ") + op + "F 1");
  }
}

// `lockgraph export --format text`: packed lines as hex, after the NULs a thread left before
// them; every other line (JSON, hex, a torn or cut packed line) byte for byte.
TEST(TraceText, PackedLinesBecomeHexAndTheRestStaysAsItWas) {
  char out[6 * rt::CompactLine::kNumberRoom + 2];
  const std::size_t length =
      rt::CompactLine(out, sizeof out, trace::packed::kMemory).number(1).number(2).number(0x1000).number(8).number(1).number(0).end();
  const std::string packed(out, length), header = R"({"k":"header","magic":"lockgraph-trace","version":"1.7"})";
  const std::string torn = std::string(3, '\0') + packed.substr(4);
  const std::string trace = header + "\n" + packed + std::string(5, '\0') + packed + "S 1 2 3 rl 1\n" + torn +
                            R"({"k":"end","reason":"exit"})" "\n" + packed.substr(0, 5);
  std::istringstream in(trace);
  std::ostringstream text;
  write_trace_text(in, text, "t.lgtrace");
  EXPECT_EQ(text.str(), header + "\nM 1 2 1000 8 1 0\n" + std::string(5, '\0') + "M 1 2 1000 8 1 0\nS 1 2 3 rl 1\n" +
                            torn + R"({"k":"end","reason":"exit"})" "\n" + packed.substr(0, 5));
  std::istringstream not_a_trace("@TRACE\n");
  EXPECT_THROW(write_trace_text(not_a_trace, text, "x.std"), TraceError);
}

}  // namespace
}  // namespace lockgraph::analysis
