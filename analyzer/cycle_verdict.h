// Gives a lock-order cycle its verdict by searching for a witness: one acquisition per edge such
// that the threads are distinct, hold no common lock, are not ordered by start/join, wait (no
// try-lock) and conflict (not reader against reader). If none exists, the verdict names the first
// of those conditions that no choice can meet.
#pragma once

#include "lockgraph/analysis/findings.h"
#include "lockgraph/analysis/happens_before.h"

namespace lockgraph::analysis {

// Fills `cycle.verdict`, `reason` and `witness` for `cycle.nodes` of `graph`.
void judge_cycle(const LockGraph& graph, HappensBefore& order, CycleFinding& cycle);

}  // namespace lockgraph::analysis
