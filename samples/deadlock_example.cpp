// Seed 000_dfb30a89f5bc38ac.txt, "Synchronization and Deadlocks" > "Deadlock Example":
// thread1 takes lock1 then lock2, thread2 takes lock2 then lock1. "These two threads could
// deadlock by waiting for each other's lock." Expected: one `deadlock` cycle.
//
// To never hang, thread2 starts its nested section only after thread1 left its own (an atomic flag
// the analyzer does not count as ordering): the analyzer must predict the deadlock from the order.
#include <atomic>
#include <cstdio>
#include <mutex>

#include <lockgraph/lockgraph.h>

#include "support/wait_for.h"

lockgraph::mutex lock1{"lock1"};
lockgraph::mutex lock2{"lock2"};
std::atomic<bool> thread1_done{false};

void thread1() {
  std::lock_guard first(lock1);
  std::lock_guard second(lock2);
  std::puts("Thread1 acquired both locks");
}

void thread2() {
  samples::wait_until(thread1_done);
  std::lock_guard first(lock2);
  std::lock_guard second(lock1);
  std::puts("Thread2 acquired both locks");
}

int main() {
  lockgraph::thread t1([] {
    lockgraph::set_thread_name("thread1");
    thread1();
    thread1_done = true;
  });
  lockgraph::thread t2([] {
    lockgraph::set_thread_name("thread2");
    thread2();
  });
  t1.join();
  t2.join();
}
