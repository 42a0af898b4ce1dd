// The sync events as the analysis holds them (lockgraph/analysis/sync_log.h), against a plain list
// on random inputs and budgets: read back in sequence order (equal ones in the order pushed) as
// often as wanted, more pushed between, the same in a copy; and each thread's epochs reached.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "lockgraph/analysis/sync_log.h"
#include "support/sync_list.h"

namespace lockgraph::analysis {
namespace {

bool same(const SyncEvent& a, const SyncEvent& b) {
  return a.thread == b.thread && a.epoch == b.epoch && a.sequence == b.sequence && a.release == b.release &&
         a.fenced == b.fenced && a.object == b.object;
}

void expect_in_sequence_order(const SyncLog& log, std::vector<SyncEvent> pushed, int round) {
  std::stable_sort(pushed.begin(), pushed.end(),
                   [](const SyncEvent& a, const SyncEvent& b) { return a.sequence < b.sequence; });
  const std::vector<SyncEvent> got = testing::sync_list(log);
  ASSERT_EQ(log.size(), pushed.size()) << "round " << round;
  ASSERT_EQ(got.size(), pushed.size()) << "round " << round;
  for (std::size_t i = 0; i < got.size(); ++i) ASSERT_TRUE(same(got[i], pushed[i])) << "round " << round << ", event " << i;
}

TEST(SyncLog, GivesBackEveryEventInSequenceOrder) {
  std::mt19937_64 rng(4122026);
  for (int round = 0; round < 300; ++round) {
    SyncLog log(1 + rng() % (round % 2 ? 5 : 500));
    std::vector<SyncEvent> pushed;
    std::vector<std::uint32_t> reached;
    auto push = [&](std::size_t n) {
      for (std::size_t i = 0; i < n; ++i) {
        SyncEvent e;
        e.thread = static_cast<std::uint32_t>(rng() % 6);
        e.epoch = static_cast<std::uint32_t>(rng() % 1000);
        e.sequence = rng() % 300;  // repeats: they come back in the order pushed
        e.release = rng() % 2;
        e.fenced = rng() % 5 == 0;
        e.object = rng();
        log.push_back(e);
        pushed.push_back(e);
        if (reached.size() <= e.thread) reached.resize(e.thread + 1, 0);
        reached[e.thread] = std::max(reached[e.thread], e.epoch + 1);
      }
    };
    push(rng() % 1500);
    ASSERT_NO_FATAL_FAILURE(expect_in_sequence_order(log, pushed, round));
    push(rng() % 500);  // more after a reading
    ASSERT_NO_FATAL_FAILURE(expect_in_sequence_order(log, pushed, round));
    ASSERT_NO_FATAL_FAILURE(expect_in_sequence_order(log, pushed, round));  // and again
    const std::vector<std::uint32_t>& got = log.epochs_reached();
    for (std::size_t t = 0; t < std::max(got.size(), reached.size()); ++t)
      ASSERT_EQ(t < got.size() ? got[t] : 0, t < reached.size() ? reached[t] : 0) << "round " << round;
    const SyncLog copy = log;  // the copy reads the same, and the original still does
    ASSERT_NO_FATAL_FAILURE(expect_in_sequence_order(copy, pushed, round));
    ASSERT_EQ(copy.epochs_reached(), log.epochs_reached());
    ASSERT_NO_FATAL_FAILURE(expect_in_sequence_order(log, pushed, round));
  }
}

}  // namespace
}  // namespace lockgraph::analysis
