// The search for races among one variable's accesses, shared by the race detector (over the
// model's accesses) and the memory log (over one piece of memory at a time, while it is resolved,
// so that only the variables that race are ever kept: race_detector.cpp says how it decides).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "lockgraph/analysis/happens_before.h"
#include "lockgraph/analysis/race_detector.h"
#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

class RaceSearch {
 public:
  // Happens-before from the model's syncs and the threads' sampling periods; `epochs_reached[t]`:
  // thread t has accesses up to this epoch (exclusive) that are not (yet) among the model's.
  explicit RaceSearch(const TraceModel& model, const std::vector<std::uint32_t>& epochs_reached = {});

  // One thread's accesses of one kind to a variable: the same thread, read/write, bytes,
  // atomicity, held locks and stack (`key`'s; its epoch and variable are not used), by epoch
  // ascending. The caller numbers them `first`, `first + 1`, ...
  struct Group {
    Access key;
    const std::uint32_t* epochs = nullptr;
    std::size_t size = 0;
    std::size_t first = 0;
  };
  // Orders accesses by group (thread, kind, bytes, atomic, held locks, stack): the order search()
  // takes one variable's groups in.
  static bool group_before(const Access& a, const Access& b);
  static bool same_group(const Access& a, const Access& b);

  // Fills `order` with the indexes of `accesses`, sorted by variable, then by group, then by
  // epoch (then index).
  static void sort(const std::vector<Access>& accesses, std::vector<std::size_t>& order);

  // The races among one variable's groups (in group_before order, each key once), appended to
  // `races` with their lockset evidence: one per pair of access sites, `first` and `second` the
  // caller's numbers of the two accesses (first in the earlier group). In a trace sampled by
  // periods only accesses of one recording period are paired (race_sampler.cpp in the runtime
  // says why). Returns how many it appended.
  std::size_t search(const std::vector<Group>& groups, std::vector<RaceFinding>& races) const;

  // How far access b's clock covers thread t: accesses of t at epochs below this precede b.
  // Epoch e of t begins with t's sync event of epoch e, so when this is e > 0 that event is the
  // last of t's that b's thread had learned of.
  std::uint32_t covers(const Access& b, ThreadIndex t) const {
    return order_.covers({b.thread, b.epoch}, t);
  }

 private:
  // Whether the two holds exclude each other: a lock both hold, not both shared.
  bool exclusive(LockSetIndex x, LockSetIndex y) const;

  static constexpr std::uint64_t kFirstPeriod = 1;  // every thread's, until it marks another
  // The sampling period of thread t's epoch (Thread::race_periods; 1 where it has none), and the
  // thread's epochs in `period`, [first, end) (first == end if none: a thread's epochs of one
  // period are consecutive, since it reads the periods in the order the sampler began them).
  std::uint64_t period_of(ThreadIndex t, std::uint32_t epoch) const;
  std::pair<std::uint32_t, std::uint32_t> epochs_in(ThreadIndex t, std::uint64_t period) const;

  const TraceModel& model_;
  HappensBefore order_;
  std::vector<std::vector<LockIndex>> sorted_sets_;  // each lockset sorted by lock, once
  // Per thread, Thread::race_periods sorted by epoch; all empty unless the trace was sampled by periods.
  std::vector<std::vector<std::pair<std::uint32_t, std::uint64_t>>> periods_;
  bool sampled_by_periods_ = false;
};

}  // namespace lockgraph::analysis
