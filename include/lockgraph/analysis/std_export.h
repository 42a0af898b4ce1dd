// Writes a model as a RAPID STD text trace, so research tools (RAPID, SPDOffline) can cross-check
// lockgraph's verdicts on our own traces.
#pragma once

#include <ostream>

#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

// Writes process `process` of `model` as STD: one serialization consistent with what was
// recorded. Each distinct chain becomes one nested block (acquire the held locks, then the lock,
// release in reverse), in its thread's segment order; a child's events follow its fork and precede
// its join. What STD cannot say is dropped: try/shared flags (every acquisition blocks and is
// exclusive), counts (one instance per chain) and annotated accesses. Locations are stack ids, or
// the trace's own locations for traces that came from STD or RapidBin.
void write_std(std::ostream& out, const TraceModel& model, std::uint32_t process);

}  // namespace lockgraph::analysis
