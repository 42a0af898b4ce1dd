// Happens-before between points of a process's threads, from thread start and join only.
//
// A point is (thread, segment): a thread's segment changes at every thread it starts and every
// join it performs. Vector clocks over those points (computed once, on first query per process)
// answer "must everything thread A did in segment a precede what thread B did in segment b?".
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

class HappensBefore {
 public:
  explicit HappensBefore(const TraceModel& model);

  // True if (a, segment_a) happens before (b, segment_b). Threads of different processes are
  // never ordered.
  bool ordered(ThreadIndex a, std::uint32_t segment_a, ThreadIndex b, std::uint32_t segment_b);

  // One sentence naming how a comes to precede b (call only when ordered(...) is true).
  std::string explain(ThreadIndex a, std::uint32_t segment_a, ThreadIndex b, std::uint32_t segment_b);

 private:
  using Clock = std::vector<std::uint32_t>;  // per thread of the process: segments seen + 1
  const Clock& clock(ThreadIndex t, std::uint32_t segment);

  const TraceModel& model_;
  std::vector<std::uint32_t> slot_;      // thread -> position in its process's clocks
  std::unordered_map<std::uint64_t, ThreadIndex> by_tid_;  // (process, tid) -> thread
  std::vector<std::uint32_t> threads_in_process_;
  std::unordered_map<std::uint64_t, Clock> clocks_;        // (thread, segment) -> clock
  std::unordered_map<std::uint64_t, bool> computing_;      // cycle guard for malformed input
};

}  // namespace lockgraph::analysis
