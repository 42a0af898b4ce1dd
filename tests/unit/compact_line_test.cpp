// The compact trace lines (trace_format.h) as the runtime writes them (runtime/compact_line.h)
// read back by the analyzer (analyzer/compact_record.h): every number survives, on random values
// of every width and the edges, and the digits are the ones printf's %llx gives.
#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "compact_line.h"
#include "compact_record.h"
#include "lockgraph/trace_format.h"

namespace lockgraph::analysis {
namespace {

TEST(CompactLine, NumbersSurviveTheWriterAndTheReader) {
  std::mt19937_64 rng(5);
  std::vector<std::uint64_t> edges = {0, 1, 0xf, 0x10, 0xff, 0x100, 0xffffffff, 0x100000000,
                                      0x7fffffffffffffff, ~std::uint64_t{0}};
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::uint64_t> values;
    const int count = 6 + static_cast<int>(rng() % 10);
    for (int i = 0; i < count; ++i) {
      const std::uint64_t v = round < 10 ? edges[(round + i) % edges.size()] : rng() >> (rng() % 64);
      values.push_back(v);
    }
    char out[(6 + 64) * 17 + 2];
    rt::CompactLine line(out, sizeof out, trace::compact::kMemory);
    std::string expected(1, trace::compact::kMemory);
    for (std::uint64_t v : values) {
      line.number(v);
      char hex[24];
      std::snprintf(hex, sizeof hex, " %" PRIx64, v);
      expected += hex;
    }
    const std::size_t length = line.end();
    ASSERT_EQ(std::string(out, length), expected + "\n");
    CompactRecord record;
    ASSERT_EQ(parse_compact(std::string_view(out, length - 1), record), "");
    EXPECT_EQ(record.numbers, values);
  }
}

TEST(CompactLine, SyncLettersSurvive) {
  char out[5 * rt::CompactLine::kNumberRoom + 2];
  const std::size_t length = rt::CompactLine(out, sizeof out, trace::compact::kSync)
                                 .number(4)
                                 .number(0x93)
                                 .number(0x3fe)
                                 .letters('r', trace::sync_object::kLock)
                                 .number(1)
                                 .end();
  ASSERT_EQ(std::string(out, length), "S 4 93 3fe rl 1\n");
  CompactRecord record;
  ASSERT_EQ(parse_compact(std::string_view(out, length - 1), record), "");
  EXPECT_EQ(record.op, 'r');
  EXPECT_EQ(record.object_kind, 'l');
  EXPECT_EQ(record.numbers, (std::vector<std::uint64_t>{4, 0x93, 0x3fe, 1}));
}

}  // namespace
}  // namespace lockgraph::analysis
