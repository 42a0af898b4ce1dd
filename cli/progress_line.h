// A progress line on stderr for analyses that take more than about a second, as cargo and pv
// show one: only when stderr is a terminal, redrawn in place four times a second by a small
// thread (so a long stage shows even when it reports nothing), erased when the work is done.
#pragma once

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace lockgraph::cli {

class ProgressLine {
 public:
  ProgressLine() : enabled_(::isatty(STDERR_FILENO) == 1), start_(Clock::now()) {
    if (enabled_) painter_ = std::thread([this] { paint(); });
  }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine() { finish(); }

  bool enabled() const { return enabled_; }

  // The stage now running; `total` 0 when it has no count.
  void update(const char* stage, std::size_t done, std::size_t total) {
    std::lock_guard lock(mutex_);
    stage_ = stage;
    done_ = done;
    total_ = total;
  }

  // Stops the line and erases it.
  void finish() {
    if (!painter_.joinable()) return;
    {
      std::lock_guard lock(mutex_);
      finished_ = true;
    }
    wake_.notify_all();
    painter_.join();
  }

 private:
  using Clock = std::chrono::steady_clock;

  void paint() {
    std::unique_lock lock(mutex_);
    bool shown = false;
    while (!wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return finished_; })) {
      double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
      if (seconds < 1.0 || stage_.empty()) continue;
      std::string count = total_ > 0 ? " " + std::to_string(done_) + "/" + std::to_string(total_) : "...";
      std::fprintf(stderr, "\r\033[Klockgraph: %s%s (%.0f s)", stage_.c_str(), count.c_str(), seconds);
      std::fflush(stderr);
      shown = true;
    }
    if (shown) std::fprintf(stderr, "\r\033[K");
  }

  bool enabled_;
  Clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string stage_;
  std::size_t done_ = 0, total_ = 0;
  bool finished_ = false;
  std::thread painter_;
};

}  // namespace lockgraph::cli
