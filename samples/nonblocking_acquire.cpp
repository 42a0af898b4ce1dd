// Seed 004_8d8d5bf28c8e6961.txt, "2.2- Python Multithreading - Synchronizing threads": acquire(0)
// "returns immediately with a zero value if the lock can't be acquired". A worker takes lockA then
// tries lockB without blocking; another takes lockB then tries lockA the same way. The orders are
// opposite, but a non-blocking acquire cannot wait: the cycle's verdict is `try-lock`.
// Expected: one `try-lock` cycle, no finding.
//
// worker-2 starts after worker-1 left its section (an atomic flag the analyzer does not count as
// ordering), so both try_locks succeed and the cycle is recorded on every run.
#include <atomic>
#include <cstdio>
#include <mutex>

#include <lockgraph/lockgraph.h>

#include "support/wait_for.h"

lockgraph::mutex lockA{"lockA"};
lockgraph::mutex lockB{"lockB"};
std::atomic<bool> worker1_done{false};

void take(lockgraph::mutex& first, lockgraph::mutex& second, const char* who) {
  std::lock_guard guard(first);
  if (second.try_lock()) {
    std::printf("%s got both locks\n", who);
    second.unlock();
  } else {
    std::printf("%s backs off\n", who);
  }
}

int main() {
  lockgraph::thread t1([] {
    take(lockA, lockB, "worker-1");
    worker1_done = true;
  });
  lockgraph::thread t2([] {
    samples::wait_until(worker1_done);
    take(lockB, lockA, "worker-2");
  });
  t1.join();
  t2.join();
}
