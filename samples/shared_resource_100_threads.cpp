// Seed 003_95be9febe23781bc.txt, "Security Implications" > "1. Data Integrity in Multithreading":
// 100 threads read, increment and write shared_resource under resource_lock. Expected: nothing.
#include <cstdio>
#include <mutex>
#include <vector>

#include <lockgraph/lockgraph.h>

lockgraph::shared<int> shared_resource{0, "shared_resource"};
lockgraph::mutex resource_lock{"resource_lock"};

void increment_resource() {
  std::lock_guard guard(resource_lock);
  int temp = shared_resource;
  temp += 1;
  shared_resource = temp;
}

int main() {
  std::vector<lockgraph::thread> threads;
  for (int i = 0; i < 100; ++i) threads.emplace_back(increment_resource);
  for (auto& t : threads) t.join();
  std::printf("Shared Resource Value: %d\n", shared_resource.load());
  return shared_resource.load() == 100 ? 0 : 1;
}
