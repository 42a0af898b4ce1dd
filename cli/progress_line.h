// A progress line on stderr for analyses that take more than about a second, as cargo and pv
// show one: only when stderr is a terminal, rewritten in place, erased when the work is done.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace lockgraph::cli {

class ProgressLine {
 public:
  ProgressLine() : enabled_(::isatty(STDERR_FILENO) == 1), start_(Clock::now()), last_(start_) {}
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine() { clear(); }

  bool enabled() const { return enabled_; }

  void update(const char* stage, std::size_t done, std::size_t total) {
    auto now = Clock::now();
    if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    double seconds = std::chrono::duration<double>(now - start_).count();
    std::string text = total > 0 ? "lockgraph: " + std::string(stage) + " " + std::to_string(done) +
                                       "/" + std::to_string(total)
                                 : "lockgraph: " + std::string(stage) + "...";
    std::fprintf(stderr, "\r\033[K%s (%.0f s)", text.c_str(), seconds);
    shown_ = true;
  }

  void clear() {
    if (!shown_) return;
    std::fprintf(stderr, "\r\033[K");
    shown_ = false;
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  Clock::time_point start_, last_;
  bool shown_ = false;
};

}  // namespace lockgraph::cli
