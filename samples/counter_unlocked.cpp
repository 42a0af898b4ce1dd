// Seeds 001_b3ec0cea55c5c396.txt "Shared State and Race Conditions" and 002_96dffee7bc39aca5.txt
// (synchronization): `counter += 1` from 4 threads with no lock. "Multiple threads running inc can
// lose updates." Expected: one data race on counter.
#include <cstdio>
#include <vector>

#include <lockgraph/lockgraph.h>

lockgraph::shared<long> counter{0, "counter"};

void inc() {
  for (int i = 0; i < 10000; ++i) counter += 1;
}

int main() {
  std::vector<lockgraph::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(inc);
  for (auto& t : threads) t.join();
  std::printf("counter = %ld (40000 without lost updates)\n", counter.load());
}
