// Build-ids: the GNU build-id note of an ELF file on disk, and the check that the modules a trace
// names are the files that were running (a rebuild since would give wrong stacks, silently).
#pragma once

#include <string>

#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

// The hex of the NT_GNU_BUILD_ID note of the ELF file at `path`; "" if it cannot be read, is not
// a 64-bit ELF file or has no such note.
std::string read_build_id(const std::string& path);

// One warning per module of `model` whose trace carries a build-id that the file at its path
// does not have (rebuilt, replaced, or gone).
void warn_of_changed_modules(TraceModel& model);

}  // namespace lockgraph::analysis
