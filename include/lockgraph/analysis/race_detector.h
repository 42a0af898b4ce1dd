// Data races: two accesses to one variable from different threads, at least one a write, with no
// common lock held (lockset, as Eraser) and not ordered by happens-before (vector clocks over
// thread start/join, lock release/acquire, and annotated or wrapped hand-offs, as TSan).
#pragma once

#include <cstddef>
#include <optional>
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
  // Why the earlier access does not happen before the later one, as the happens-before engine
  // sees it (none if there is none): the last event of the earlier access's thread that the later
  // access's thread had learned of before its access (a release it acquired, directly or through
  // other threads), and the first release the earlier thread made after its access;
  // `next_release_acquired_later`: the later thread acquired that object after that release, but
  // only after its own access.
  std::optional<SyncEvent> last_seen_sync;
  std::optional<SyncEvent> next_release;
  bool next_release_acquired_later = false;
  // The other variables the same two stacks race on, in variable order: reported once, here (as
  // TSan's suppress_equal_stacks, but counted): one loop racing over an array is one finding.
  std::vector<VariableIndex> same_sites;
};

// One finding per pair of access sites (stacks) in a process: on the first variable they race on.
std::vector<RaceFinding> find_races(const TraceModel& model);

}  // namespace lockgraph::analysis
