#include "program_libraries.h"

#include "lockgraph/analysis/elf_file.h"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

namespace lockgraph::cli {
namespace {

std::string resolve(const std::string& command) {
  if (command.find('/') != std::string::npos) return command;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + command;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

}  // namespace

bool carries_lockgraph_runtime(const std::string& command) {
  for (const std::string& library : analysis::read_needed_libraries(resolve(command)))
    if (library.rfind("liblockgraph_runtime.so", 0) == 0 || library.rfind("liblockgraph_races.so", 0) == 0)
      return true;
  return false;
}

bool carries_tsan_runtime(const std::string& command) {
  const std::string path = resolve(command);
  for (const std::string& library : analysis::read_needed_libraries(path))
    if (library.rfind("libtsan.so", 0) == 0) return true;
  return analysis::defines_dynamic_symbol(path, "__tsan_flush_memory");
}

}  // namespace lockgraph::cli
