// Seed 003_95be9febe23781bc.txt, "Advanced Topics" > "1. Recursive Locks (RLock)": recursive_locks(n)
// takes rlock at every level of a recursion. Expected: nothing.
#include <cstdio>
#include <mutex>

#include <lockgraph/lockgraph.h>

lockgraph::recursive_mutex rlock{"rlock"};

void recursive_locks(int n) {
  std::lock_guard guard(rlock);
  std::printf("Level %d\n", n);
  if (n > 0) recursive_locks(n - 1);
}

int main() {
  lockgraph::thread recursive_thread(recursive_locks, 3);
  recursive_thread.join();
}
