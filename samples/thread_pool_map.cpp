// Seed 000_dfb30a89f5bc38ac.txt, "Thread Pools with concurrent.futures": executor.map(square,
// [1, 2, 3, 4]) with 3 workers prints [1, 4, 9, 16]. Each task also records its input in a shared
// log under a lock. Expected: nothing.
#include <cstdio>
#include <mutex>
#include <vector>

#include <lockgraph/lockgraph.h>

#include "support/thread_pool.h"

lockgraph::mutex log_lock{"log_lock"};
lockgraph::shared<int> calls{0, "calls"};

int square(int n) {
  std::lock_guard guard(log_lock);
  calls += 1;
  return n * n;
}

int main() {
  std::vector<int> results;
  {
    samples::ThreadPool executor(3);
    results = executor.map(square, std::vector<int>{1, 2, 3, 4});
  }
  std::printf("[%d, %d, %d, %d] after %d calls\n", results[0], results[1], results[2], results[3],
              calls.load());
}
