// 10 million acquisitions over 4 locks in summary mode (the default): prints the trace's size and
// the run time beside the same loop on plain std::mutex.
//
// Run: build/bench/trace_size
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <unistd.h>

#include <lockgraph/lockgraph.h>

extern "C" const char* lockgraph_default_options() {
  return "trace_path=/tmp/lockgraph-trace-size-%p.lgtrace:verbosity=0";
}

constexpr long kAcquisitions = 10'000'000;

template <class Mutex>
double run(Mutex (&locks)[4]) {
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < kAcquisitions / 2; ++i) {  // two acquisitions per iteration
    std::lock_guard outer(locks[i % 2]);
    std::lock_guard inner(locks[2 + (i / 7) % 2]);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int main() {
  static std::mutex plain[4];
  static lockgraph::mutex instrumented[4];
  double plain_seconds = run(plain);
  double lockgraph_seconds = run(instrumented);
  lockgraph::rt::flush();
  std::string path = "/tmp/lockgraph-trace-size-" + std::to_string(::getpid()) + ".lgtrace";
  auto bytes = std::filesystem::file_size(path);
  std::printf("acquisitions: %ld over 4 locks (summary mode)\n", kAcquisitions);
  std::printf("trace size: %ju bytes (%.1f KB) at %s\n", static_cast<std::uintmax_t>(bytes),
              bytes / 1024.0, path.c_str());
  std::printf("time: plain std::mutex %.3f s, lockgraph::mutex %.3f s, ratio %.2f\n", plain_seconds,
              lockgraph_seconds, lockgraph_seconds / plain_seconds);
  return bytes < 1'000'000 ? 0 : 1;
}
