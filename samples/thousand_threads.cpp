// Seed 003_95be9febe23781bc.txt, "Performance Considerations" > "Thread Overheads": 1000 threads each
// run a trivial task (x += 1, a hundred times, on a local). Expected: nothing.
#include <chrono>
#include <cstdio>
#include <vector>

#include <lockgraph/lockgraph.h>

void trivial_task() {
  int x = 0;
  for (int i = 0; i < 100; ++i) x += 1;
  (void)x;
}

int main() {
  auto start = std::chrono::steady_clock::now();
  std::vector<lockgraph::thread> threads;
  for (int i = 0; i < 1000; ++i) threads.emplace_back(trivial_task);
  for (auto& t : threads) t.join();
  std::chrono::duration<double> taken = std::chrono::steady_clock::now() - start;
  std::printf("Time taken: %.3f seconds\n", taken.count());
}
