// A helper program run as a child with its stdin and stdout connected to pipes (llvm-symbolizer,
// Graphviz's dot). Looked up on PATH; no shell is involved.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace lockgraph::analysis {

struct PipedChild {
  pid_t pid = -1;
  int to_child = -1;    // write end: the child's stdin
  int from_child = -1;  // read end: the child's stdout
};

// Starts argv[0] (found on PATH). Returns a child with pid -1 if it could not be started.
PipedChild spawn_piped(const std::vector<std::string>& argv);

}  // namespace lockgraph::analysis
