// Data races: two accesses to one variable from different threads, at least one a write, with no
// common lock held (lockset, as Eraser) and not ordered by happens-before (vector clocks over
// thread start/join, lock release/acquire, and annotated or wrapped hand-offs, as TSan).
#pragma once

#include <cstddef>
#include <vector>

#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

struct RaceFinding {
  VariableIndex variable = 0;
  std::size_t first = 0;   // index into TraceModel::accesses: the earlier in the trace
  std::size_t second = 0;
  // Lockset evidence (Eraser's question, asked after happens-before said "race"): the lock held
  // at most of the variable's recorded accesses, at how many, and how many there are.
  bool has_guard = false;
  LockIndex guard = 0;
  std::size_t guarded_accesses = 0;
  std::size_t accesses = 0;
};

// One finding per variable and pair of access sites (stacks).
std::vector<RaceFinding> find_races(const TraceModel& model);

}  // namespace lockgraph::analysis
