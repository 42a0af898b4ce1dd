#include "lockgraph/viz/svg_renderer.h"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace lockgraph::viz {

std::optional<std::string> render_svg(const std::string& dot, std::string& error) {
  int to_child[2], from_child[2];
  if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) {
    error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return std::nullopt;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
  posix_spawn_file_actions_addclose(&actions, to_child[1]);
  posix_spawn_file_actions_addclose(&actions, from_child[0]);
  char* argv[] = {const_cast<char*>("dot"), const_cast<char*>("-Tsvg"), nullptr};
  pid_t pid;
  int spawned = posix_spawnp(&pid, "dot", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(to_child[0]);
  ::close(from_child[1]);
  if (spawned != 0) {
    ::close(to_child[1]);
    ::close(from_child[0]);
    error = "the `dot` command (Debian package graphviz) is not installed";
    return std::nullopt;
  }
  // Write and read at once: a large graph would fill both pipes and stall a write-then-read.
  std::string svg;
  std::size_t written = 0;
  bool input_open = true;
  char buffer[65536];
  for (;;) {
    pollfd fds[2] = {{from_child[0], POLLIN, 0}, {input_open ? to_child[1] : -1, POLLOUT, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
    if (input_open && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = ::write(to_child[1], dot.data() + written, dot.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 || written == dot.size()) {
        ::close(to_child[1]);
        input_open = false;
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      ssize_t n = ::read(from_child[0], buffer, sizeof buffer);
      if (n <= 0) break;
      svg.append(buffer, static_cast<std::size_t>(n));
    }
  }
  if (input_open) ::close(to_child[1]);
  ::close(from_child[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || svg.empty()) {
    error = "`dot -Tsvg` failed on the generated graph";
    return std::nullopt;
  }
  // Drop the XML prologue and doctype so the SVG can be inlined into HTML.
  auto start = svg.find("<svg");
  return start == std::string::npos ? svg : svg.substr(start);
}

}  // namespace lockgraph::viz
