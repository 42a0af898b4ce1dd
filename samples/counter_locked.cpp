// Seeds 000_dfb30a89f5bc38ac.txt "Using threading.Lock" (safe_increment) and 002_96dffee7bc39aca5.txt
// (`with lock: counter += 1`, 4 threads): the counter under one lock. Expected: nothing.
#include <cstdio>
#include <mutex>
#include <vector>

#include <lockgraph/lockgraph.h>

lockgraph::mutex lock{"lock"};
lockgraph::shared<long> counter{0, "counter"};

void safe_increment() {
  for (int i = 0; i < 10000; ++i) {
    std::lock_guard guard(lock);
    counter += 1;
  }
}

int main() {
  std::vector<lockgraph::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(safe_increment);
  for (auto& t : threads) t.join();
  std::printf("counter = %ld\n", counter.load());
  return counter.load() == 40000 ? 0 : 1;
}
