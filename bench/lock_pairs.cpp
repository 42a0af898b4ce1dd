// The workload of the verdict issue: 8 threads take random nested pairs of 400 heap
// lockgraph::mutexes, a small share of them in the inverted order, all threads running at once.
// It never hangs: an inverting thread first waits until no other thread is inside a nested
// section (plain atomics, which the analyzer does not count as ordering), so the opposite orders
// are recorded by concurrent threads without ever meeting.
//
// At exit it prints the ground truth the analysis must match: the number of lock pairs taken in
// both orders by two different threads (each a two-lock deadlock between concurrent threads).
//
// Run: LOCKGRAPH_OPTIONS=trace_path=DIR/%p.lgtrace lock_pairs [ITERATIONS_PER_THREAD [PER_MILLE]]
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lockgraph/lockgraph.h"

namespace {

constexpr int kLocks = 400, kThreads = 8;

// Inside a nested section: +2 per thread; an inverting thread holds the low bit.
std::atomic<int> sections{0};

void enter(bool inverting) {
  for (;;) {
    int now = sections.load();
    if (inverting ? now == 0 : (now & 1) == 0) {
      if (sections.compare_exchange_weak(now, inverting ? 1 : now + 2)) return;
    }
    std::this_thread::yield();
  }
}

void leave(bool inverting) { sections.fetch_sub(inverting ? 1 : 2); }

long parse(const char* text, long low, long high, const char* what) {
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (!end || *end != '\0' || value < low || value > high) {
    std::fprintf(stderr, "lock_pairs: expected %s %ld-%ld, got '%s'\n", what, low, high, text);
    std::exit(2);
  }
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  long iterations = argc > 1 ? parse(argv[1], 1, 100'000'000, "ITERATIONS_PER_THREAD") : 200'000;
  long per_mille = argc > 2 ? parse(argv[2], 0, 1000, "PER_MILLE") : 1;
  std::vector<std::unique_ptr<lockgraph::mutex>> locks;
  for (int l = 0; l < kLocks; ++l) locks.push_back(std::make_unique<lockgraph::mutex>());
  // taken[a][b]: bit t set when thread t took b while holding a.
  std::vector<std::atomic<unsigned>> taken(kLocks * kLocks);
  std::vector<lockgraph::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      unsigned x = 2654435761u * static_cast<unsigned>(t + 1);
      for (long i = 0; i < iterations; ++i) {
        x = x * 1103515245u + 12345u;
        int a = static_cast<int>((x >> 4) % kLocks), b = static_cast<int>((x >> 14) % kLocks);
        if (a == b) continue;
        if (a > b) std::swap(a, b);
        bool invert = static_cast<long>((x >> 24) % 1000) < per_mille;
        if (invert) std::swap(a, b);
        enter(invert);
        {
          std::lock_guard outer(*locks[a]);
          std::lock_guard inner(*locks[b]);
        }
        leave(invert);
        taken[a * kLocks + b].fetch_or(1u << t, std::memory_order_relaxed);
      }
    });
  for (auto& t : threads) t.join();
  long deadlocks = 0;
  for (int a = 0; a < kLocks; ++a)
    for (int b = a + 1; b < kLocks; ++b) {
      unsigned forward = taken[a * kLocks + b], backward = taken[b * kLocks + a];
      // Two different threads: one forward, the other backward.
      bool two = forward && backward && !(forward == backward && (forward & (forward - 1)) == 0);
      deadlocks += two;
    }
  std::printf("two-lock deadlocks between different threads: %ld\n", deadlocks);
}
