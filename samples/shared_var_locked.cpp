// Seed 003_95be9febe23781bc.txt, "Thread Communication" > "2. Global Variables and Shared State":
// two threads increment shared_var under a lock. Expected: nothing.
#include <cstdio>
#include <mutex>

#include <lockgraph/lockgraph.h>

lockgraph::shared<int> shared_var{0, "shared_var"};
lockgraph::mutex lock{"lock"};

void increment() {
  std::lock_guard guard(lock);
  shared_var += 1;
  std::printf("Incremented to %d\n", shared_var.load());
}

int main() {
  lockgraph::thread thread1(increment);
  lockgraph::thread thread2(increment);
  thread1.join();
  thread2.join();
}
