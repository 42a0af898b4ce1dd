// Runs a program as a child process with extra environment and a time limit, for end-to-end tests.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace lockgraph::testing {

struct ProcessResult {
  int exit_code = -1;   // when it exited
  int signal = 0;       // when a signal ended it
  bool timed_out = false;
};

// Runs argv (argv[0] a path) with `env` entries ("NAME=value") added, stdout to `stdout_file` (if
// given); kills it after `timeout`.
inline ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                 const std::string& stdout_file = "",
                                 std::chrono::seconds timeout = std::chrono::seconds(120)) {
  pid_t pid = fork();
  if (pid == 0) {
    // The program starts as from a shell, whatever this process ignores (the analyzer's
    // symbolizer ignores SIGPIPE, and an ignored signal would be inherited through exec).
    std::signal(SIGPIPE, SIG_DFL);
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    if (!stdout_file.empty() && !std::freopen(stdout_file.c_str(), "w", stdout)) _exit(126);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  ProcessResult result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      result.timed_out = true;
      return result;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

// The exit status of a run (128 + signal if a signal ended it), or -1 if it was killed for
// taking longer than `timeout` (said on stderr).
inline int run_for_status(const std::vector<std::string>& argv, const std::string& env,
                          const std::string& out_file, std::chrono::seconds timeout) {
  auto result = run_process(argv, env.empty() ? std::vector<std::string>{} : std::vector<std::string>{env},
                            out_file, timeout);
  if (result.timed_out) {
    std::fprintf(stderr, "%s did not finish within %lld s: killed\n", argv[0].c_str(),
                 static_cast<long long>(timeout.count()));
    return -1;
  }
  return result.signal ? 128 + result.signal : result.exit_code;
}

}  // namespace lockgraph::testing
