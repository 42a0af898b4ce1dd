// What `lockgraph run` needs to know about the program file before it starts it.
#pragma once

#include <string>

namespace lockgraph::cli {

// Whether the program `command` (a path, or a name looked up in PATH as execvp does) is an ELF
// executable that loads a lockgraph runtime itself (liblockgraph_runtime.so: built with the
// wrappers; liblockgraph_races.so: built with the race flags) among its direct dependencies. Such
// a program is run without the preload library: that runtime records everything, and a preloaded
// interposer in front of it would hide the program's pthread calls from it.
bool carries_lockgraph_runtime(const std::string& command);

// Whether the program `command` carries ThreadSanitizer's runtime (built with -fsanitize=thread:
// gcc's libtsan among its direct dependencies, or clang's linked in, which exports
// __tsan_flush_memory). TSan intercepts the calls the preload library would, and the two in one
// process crash it, so such a program is run without the preload library, as it runs alone.
bool carries_tsan_runtime(const std::string& command);

}  // namespace lockgraph::cli
