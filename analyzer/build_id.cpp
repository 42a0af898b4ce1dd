#include "build_id.h"

#include "lockgraph/analysis/elf_file.h"

namespace lockgraph::analysis {

void warn_of_changed_modules(TraceModel& model) {
  for (const Module& module : model.modules) {
    if (module.build_id.empty() || module.path.empty() || module.path.front() != '/') continue;
    std::string on_disk = read_build_id(module.path);
    if (on_disk == module.build_id) continue;
    model.warnings.push_back(
        module.path + (on_disk.empty() ? " is gone or unreadable" : " has changed") +
        " since the trace was recorded (build-id " + module.build_id + " in the trace, " +
        (on_disk.empty() ? std::string("none") : on_disk) +
        " on disk): its frames cannot be symbolized against the file that ran; rebuild and "
        "record again, or analyse where that build is");
  }
}

}  // namespace lockgraph::analysis
