// Data races: two accesses to one variable from different threads, at least one a write, with no
// common lock held (lockset, as Eraser) and not ordered by happens-before (vector clocks over
// thread start/join, lock release/acquire, and annotated or wrapped hand-offs, as TSan).
#pragma once

#include <cstddef>
#include <vector>

#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

// RaceFinding: trace_model.h (the memory log of a race-flag build finds its races as it is read).

// One finding per pair of access sites (stacks) in a process: on the first variable they race on.
std::vector<RaceFinding> find_races(const TraceModel& model);

}  // namespace lockgraph::analysis
