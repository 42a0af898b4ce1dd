// Seed 003_95be9febe23781bc.txt, "Best Practices" > "1. Avoiding Deadlocks" > "Example to Avoid
// Deadlocks". The tutorial says "the order of acquiring locks is consistent, avoiding a deadlock
// situation" -- but avoid_deadlock() takes lock1 then lock2 and reverse_avoid_deadlock() takes
// lock2 then lock1: the opposite orders. The tutorial is wrong, and the tool must catch it.
// Expected: one `deadlock` cycle.
#include <atomic>
#include <cstdio>
#include <mutex>

#include <lockgraph/lockgraph.h>

#include "support/wait_for.h"

lockgraph::mutex lock1{"lock1"};
lockgraph::mutex lock2{"lock2"};
std::atomic<bool> first_done{false};

void avoid_deadlock() {
  std::lock_guard a(lock1);
  std::puts("Acquired lock1");
  std::lock_guard b(lock2);
  std::puts("Acquired lock2");
}

void reverse_avoid_deadlock() {
  std::lock_guard b(lock2);
  std::puts("Acquired lock2");
  std::lock_guard a(lock1);
  std::puts("Acquired lock1");
}

int main() {
  lockgraph::thread thread1([] {
    avoid_deadlock();
    first_done = true;
  });
  lockgraph::thread thread2([] {
    samples::wait_until(first_done);  // never hangs; the analyzer still sees two concurrent threads
    reverse_avoid_deadlock();
  });
  thread1.join();
  thread2.join();
}
