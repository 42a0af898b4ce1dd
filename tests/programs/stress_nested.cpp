// 8 threads x 100,000 nested acquisitions over 4 locks (always in index order, two deep), for the
// runtime's stress test: every distinct edge must be recorded once per thread and the counts must
// add up to every acquisition made.
#include <mutex>
#include <vector>

#include <lockgraph/lockgraph.h>

constexpr int kThreads = 8;
constexpr int kIterations = 100000;
lockgraph::mutex locks[4];
constexpr int kPairs[6][2] = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}};

int main() {
  std::vector<lockgraph::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([t] {
      for (int i = 0; i < kIterations; ++i) {
        const int* pair = kPairs[(i + t) % 6];
        std::lock_guard outer(locks[pair[0]]);
        std::lock_guard inner(locks[pair[1]]);
      }
    });
  for (auto& t : threads) t.join();
}
