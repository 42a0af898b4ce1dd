// The external merge sort the memory log spills its accesses through (analyzer/sorted_spill.h),
// against std::stable_sort of the same records on random inputs and budgets: every record comes
// back once, in order, ties in the order pushed, whether it stayed in memory or went through the
// temporary file in many runs; and again on a second reading, and with more pushed after one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "sorted_spill.h"
#include "support/temp_dir.h"

namespace lockgraph::analysis {
namespace {

struct Record {
  std::uint64_t key;
  std::uint64_t arrival;  // not compared: ties must come back in the order pushed all the same
  std::uint32_t payload;
};
struct ByKey {
  bool operator()(const Record& a, const Record& b) const { return a.key < b.key; }
};

// Every record the reader gives, checked against `pushed` sorted stably by key.
void expect_in_order(SortedSpill<Record, ByKey>& spill, std::vector<Record> pushed, int round) {
  std::stable_sort(pushed.begin(), pushed.end(), ByKey());
  auto reader = spill.read();
  std::vector<Record> got;
  for (Record r; reader.next(r);) got.push_back(r);
  Record r;
  ASSERT_FALSE(reader.next(r)) << "round " << round;
  ASSERT_EQ(got.size(), pushed.size()) << "round " << round;
  for (std::size_t i = 0; i < got.size(); ++i)
    ASSERT_TRUE(got[i].key == pushed[i].key && got[i].arrival == pushed[i].arrival &&
                got[i].payload == pushed[i].payload)
        << "round " << round << ", record " << i;
}

TEST(SortedSpill, GivesBackEveryRecordInOrder) {
  std::mt19937_64 rng(20261202);
  int spilled = 0, many_runs = 0;
  for (int round = 0; round < 300; ++round) {
    const std::size_t count = rng() % 5000;
    const std::size_t budget = 1 + rng() % (round % 3 == 0 ? 8 : 3000);
    const std::uint64_t keys = 1 + rng() % 100;  // few keys: many ties
    SortedSpill<Record, ByKey> spill(budget);
    std::vector<Record> expected;
    for (std::size_t i = 0; i < count; ++i) {
      const Record r{rng() % keys, i, static_cast<std::uint32_t>(rng())};
      spill.push(r);
      expected.push_back(r);
    }
    ASSERT_EQ(spill.size(), count);
    ASSERT_NO_FATAL_FAILURE(expect_in_order(spill, expected, round));
    ASSERT_NO_FATAL_FAILURE(expect_in_order(spill, expected, round));  // read again: the same
    for (std::size_t i = 0, more = rng() % 2000; i < more; ++i) {  // more pushed after a reading
      const Record r{rng() % keys, count + i, static_cast<std::uint32_t>(rng())};
      spill.push(r);
      expected.push_back(r);
    }
    ASSERT_NO_FATAL_FAILURE(expect_in_order(spill, expected, round));
    spilled += spill.runs_written() > 0;
    many_runs += spill.runs_written() > 100;
    // What is left after clear() is an empty spill that works again.
    spill.clear();
    spill.push({7, 0, 1});
    auto reader = spill.read();
    Record r;
    ASSERT_TRUE(reader.next(r) && r.key == 7 && !reader.next(r));
  }
  EXPECT_GT(spilled, 150);  // both ways were exercised, and merges of many runs
  EXPECT_GT(many_runs, 20);
}

TEST(SortedSpill, AnUnwritableDirectorySaysWhere) {
  lockgraph::testing::TempDir dir;
  const std::string missing = (dir.path() / "no-such-directory").string();
  const char* before = std::getenv("TMPDIR");
  const std::string saved = before ? before : "";
  setenv("TMPDIR", missing.c_str(), 1);
  SortedSpill<Record, ByKey> spill(1);
  spill.push({1, 0, 0});
  try {
    spill.push({2, 1, 0});  // the second record makes the first run
    ADD_FAILURE() << "spilling into a missing directory succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("TMPDIR"), std::string::npos) << e.what();
  }
  if (before) setenv("TMPDIR", saved.c_str(), 1);
  else unsetenv("TMPDIR");
}

}  // namespace
}  // namespace lockgraph::analysis
