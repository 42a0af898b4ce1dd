#include "lockgraph/analysis/child_process.h"

#include <spawn.h>
#include <unistd.h>

extern char** environ;

namespace lockgraph::analysis {

PipedChild spawn_piped(const std::vector<std::string>& argv) {
  PipedChild child;
  int to_child[2], from_child[2];
  if (::pipe(to_child) != 0) return child;
  if (::pipe(from_child) != 0) {
    ::close(to_child[0]);
    ::close(to_child[1]);
    return child;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
  posix_spawn_file_actions_addclose(&actions, to_child[1]);
  posix_spawn_file_actions_addclose(&actions, from_child[0]);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  bool started = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ) == 0;
  posix_spawn_file_actions_destroy(&actions);
  ::close(to_child[0]);
  ::close(from_child[1]);
  if (!started) {
    ::close(to_child[1]);
    ::close(from_child[0]);
    return child;
  }
  child.pid = pid;
  child.to_child = to_child[1];
  child.from_child = from_child[0];
  return child;
}

}  // namespace lockgraph::analysis
