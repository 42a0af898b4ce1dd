// Seeds 003_95be9febe23781bc.txt "Thread Synchronization" > "2. Semaphores" (Semaphore(2) lets two
// threads print at once) and 001_b3ec0cea55c5c396.txt ("Semaphore: bounded concurrent access").
// Also a Semaphore(1) used as a lock around a shared total. Expected: nothing.
#include <cstdio>
#include <vector>

#include <lockgraph/lockgraph.h>

lockgraph::counting_semaphore<2> sem(2);
lockgraph::binary_semaphore sem_as_lock(1);
lockgraph::shared<int> total{0, "total"};

void print_numbers(int who) {
  for (int i = 0; i < 5; ++i) {
    sem.acquire();
    std::printf("thread %d: %d\n", who, i);
    sem.release();
    sem_as_lock.acquire();
    total += i;
    sem_as_lock.release();
  }
}

int main() {
  std::vector<lockgraph::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back(print_numbers, i);
  for (auto& t : threads) t.join();
  std::printf("total = %d\n", total.load());
}
