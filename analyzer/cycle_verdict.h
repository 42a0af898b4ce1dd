// Gives a lock-order cycle its verdict by searching for a witness: one acquisition per edge such
// that the threads are distinct, hold no common lock (in conflicting modes), are not ordered by
// start/join over the whole of their holds, wait (no try-lock) and conflict (not reader against
// reader). If none exists, the verdict says what stands in the way:
//   - a witness that only lacks distinct or concurrent threads is a code-level inversion
//     (single-thread, ordered): the same code paths run by two threads at once would deadlock;
//   - otherwise every way to close the cycle is gated, a try-lock, or readers only.
// The search is exact: identical evidence is merged, domains are pruned by forward checking, and
// only a search that exceeds its step bound gives up, with the verdict `unknown`.
#pragma once

#include <cstddef>

#include "lockgraph/analysis/findings.h"
#include "lockgraph/analysis/happens_before.h"

namespace lockgraph::analysis {

// Steps one witness search may take before the cycle is judged `unknown`.
inline constexpr std::size_t kWitnessSteps = 20'000'000;

// Fills `cycle.verdict`, `reason` and `witness` for `cycle.nodes` of `graph`. `order` must be
// HappensBefore::from_start_join of the graph's model.
void judge_cycle(const LockGraph& graph, const HappensBefore& order, CycleFinding& cycle,
                 std::size_t max_steps = kWitnessSteps);

}  // namespace lockgraph::analysis
