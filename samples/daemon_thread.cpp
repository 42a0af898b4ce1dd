// Seeds 000_dfb30a89f5bc38ac.txt "Daemon Threads" (background_task loops forever, daemon=True),
// 002_96dffee7bc39aca5.txt and 003_95be9febe23781bc.txt "3. Daemon Threads": the program exits while
// the daemon still runs. Expected: nothing, and the trace is complete although a thread never joined.
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include <lockgraph/lockgraph.h>

// Never destroyed: the daemon may still use it while the process exits.
lockgraph::mutex& heartbeat_lock = *new lockgraph::mutex("heartbeat_lock");

void background_task() {
  for (;;) {
    {
      std::lock_guard guard(heartbeat_lock);
      std::puts("Running in background");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

int main() {
  lockgraph::thread t(background_task);
  t.detach();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  std::lock_guard guard(heartbeat_lock);
  std::puts("Main thread exits; the daemon dies with it");
}
