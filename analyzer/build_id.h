// Build-ids: the check that the modules a trace
// names are the files that were running (a rebuild since would give wrong stacks, silently).
#pragma once

#include <string>

#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

// One warning per module of `model` whose trace carries a build-id that the file at its path
// does not have (rebuilt, replaced, or gone).
void warn_of_changed_modules(TraceModel& model);

}  // namespace lockgraph::analysis
