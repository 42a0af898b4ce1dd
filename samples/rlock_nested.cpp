// Seeds 003_95be9febe23781bc.txt "Thread Synchronization" > "5. RLock (Reentrant Lock)"
// (nested_locks) and 001_b3ec0cea55c5c396.txt ("RLock: re-entrant lock for nested acquisition in
// same thread"). Expected: nothing (re-entry is no lock order).
#include <cstdio>
#include <mutex>

#include <lockgraph/lockgraph.h>

lockgraph::recursive_mutex rlock{"rlock"};

void nested_locks() {
  std::lock_guard outer(rlock);
  std::puts("Acquired the first lock.");
  std::lock_guard inner(rlock);
  std::puts("Acquired the second lock.");
}

int main() {
  lockgraph::thread nested_thread(nested_locks);
  nested_thread.join();
}
