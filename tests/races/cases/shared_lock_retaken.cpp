// expect: race
// A reader takes back a shared lock it released while another reader, who took it in between,
// still holds it, and that reader writes what the first one reads: a writer under a shared lock.
// The second hold's read is what races (the first one is ordered before the other reader's hold
// through the release), so it must not be filtered as a repeat of the first: a thread taking
// back a lock nobody took in between may reuse its earlier first accesses only for exclusive
// holds. The phases are relaxed atomics, which order nothing (for TSan neither).
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
std::shared_mutex rw;
long value = 0;
long seen = 0;
std::atomic<int> phase{0};
void wait_for(int p) {
  while (phase.load(std::memory_order_relaxed) != p) std::this_thread::yield();
}
int main() {
  std::thread first([] {
    {
      std::shared_lock<std::shared_mutex> g(rw);
      seen += value;
    }
    phase.store(1, std::memory_order_relaxed);
    wait_for(2);  // the other reader holds the lock now
    {
      std::shared_lock<std::shared_mutex> g(rw);
      seen += value;
      phase.store(3, std::memory_order_relaxed);
    }
  });
  std::thread second([] {
    wait_for(1);
    std::shared_lock<std::shared_mutex> g(rw);
    phase.store(2, std::memory_order_relaxed);
    wait_for(3);
    value = 42;
  });
  first.join();
  second.join();
  return seen < 0;
}
