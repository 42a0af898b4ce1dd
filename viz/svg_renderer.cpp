#include "lockgraph/viz/svg_renderer.h"

#include "lockgraph/analysis/child_process.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace lockgraph::viz {

std::optional<std::string> render_svg(const std::string& dot, std::string& error,
                                      std::chrono::seconds time_limit) {
  analysis::PipedChild child = analysis::spawn_piped({"dot", "-Tsvg"});
  if (child.pid < 0) {
    error = "the `dot` command (Debian package graphviz) is not installed";
    return std::nullopt;
  }
  pid_t pid = child.pid;
  int input = child.to_child, output = child.from_child;
  // Write and read at once: a large graph would fill both pipes and stall a write-then-read.
  std::string svg;
  std::size_t written = 0;
  bool input_open = true;
  char buffer[65536];
  // Graphviz can take hours on a dense graph of thousands of nodes: give up after a while.
  const auto deadline = std::chrono::steady_clock::now() + time_limit;
  bool timed_out = false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd fds[2] = {{output, POLLIN, 0}, {input_open ? input : -1, POLLOUT, 0}};
    if (::poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    if (input_open && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = ::write(input, dot.data() + written, dot.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 || written == dot.size()) {
        ::close(input);
        input_open = false;
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      ssize_t n = ::read(output, buffer, sizeof buffer);
      if (n <= 0) break;
      svg.append(buffer, static_cast<std::size_t>(n));
    }
  }
  if (input_open) ::close(input);
  ::close(output);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (timed_out) {
    error = "Graphviz `dot` did not lay the graph out within " +
            std::to_string(time_limit.count()) + " s (too large to draw); the DOT file has it all";
    return std::nullopt;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || svg.empty()) {
    error = "`dot -Tsvg` failed on the generated graph";
    return std::nullopt;
  }
  // Drop the XML prologue and doctype so the SVG can be inlined into HTML.
  auto start = svg.find("<svg");
  return start == std::string::npos ? svg : svg.substr(start);
}

}  // namespace lockgraph::viz
