// Uses the installed umbrella header and runtime: an inversion the installed CLI must find.
#include <atomic>
#include <mutex>
#include <thread>

#include <lockgraph/lockgraph.h>

lockgraph::mutex first{"first"}, second{"second"};
std::atomic<bool> done{false};

int main() {
  lockgraph::thread a([] {
    std::lock_guard x(first);
    std::lock_guard y(second);
    done = true;
  });
  lockgraph::thread b([] {
    while (!done) std::this_thread::yield();  // never hangs; still two concurrent threads
    std::lock_guard x(second);
    std::lock_guard y(first);
  });
  a.join();
  b.join();
}
