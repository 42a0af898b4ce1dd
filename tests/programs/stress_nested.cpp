// 8 threads x 100,000 nested acquisitions over 8 locks (always in index order, two deep), for the
// runtime's stress test: every distinct edge must be recorded once per thread and the counts must
// add up to every acquisition made. Each thread has 36 distinct chains (8 outer, 28 pairs): more
// than one count record holds (24 chains each), so the counts are also split across records.
#include <mutex>
#include <tuple>
#include <utility>
#include <vector>

#include <lockgraph/lockgraph.h>

constexpr int kThreads = 8;
constexpr int kIterations = 100000;
constexpr int kLocks = 8;
lockgraph::mutex locks[kLocks];

// The ordered pair after (a, b) among all a < b < kLocks, wrapping around.
std::pair<int, int> next_pair(int a, int b) {
  if (++b < kLocks) return {a, b};
  if (++a == kLocks - 1) a = 0;
  return {a, a + 1};
}

int main() {
  std::vector<lockgraph::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([t] {
      int a = 0, b = 1;  // every ordered pair a < b in turn, each thread from its own start
      for (int skip = 0; skip < t; ++skip) std::tie(a, b) = next_pair(a, b);
      for (int i = 0; i < kIterations; ++i) {
        std::lock_guard outer(locks[a]);
        std::lock_guard inner(locks[b]);
        std::tie(a, b) = next_pair(a, b);
      }
    });
  for (auto& t : threads) t.join();
}
