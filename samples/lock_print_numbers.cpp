// Seed 003_95be9febe23781bc.txt, "Thread Synchronization" > "1. Locks" (print_numbers in two
// threads under one lock), "Minimizing Thread Contention", "Debugging with Prints" and "Using
// Context Managers for Locks". Expected: nothing.
#include <cstdio>
#include <mutex>

#include <lockgraph/lockgraph.h>

lockgraph::mutex lock{"lock"};

void print_numbers() {
  for (int i = 0; i < 5; ++i) {
    std::lock_guard guard(lock);
    std::printf("%d\n", i);
  }
}

void low_contention_task() {
  {
    std::lock_guard guard(lock);
    std::puts("Brief critical section");
  }
}

void debug_task() {
  std::lock_guard guard(lock);
  std::puts("Thread entering critical section");
  std::puts("Thread exiting critical section");
}

int main() {
  lockgraph::thread thread1(print_numbers);
  lockgraph::thread thread2(print_numbers);
  lockgraph::thread thread3(low_contention_task);
  lockgraph::thread thread4(debug_task);
  thread1.join();
  thread2.join();
  thread3.join();
  thread4.join();
}
