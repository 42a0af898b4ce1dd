// expect: race
// Relaxed accesses ordered only by fences: correct C++, but neither TSan nor lockgraph models
// fences, and both report the data race (a known limit, documented).
#include <atomic>
#include <thread>
int data = 0;
int sink = 0;
std::atomic<int> flag{0};
int main() {
  std::thread producer([] {
    data = 1;
    std::atomic_thread_fence(std::memory_order_release);
    flag.store(1, std::memory_order_relaxed);
  });
  std::thread consumer([] {
    while (flag.load(std::memory_order_relaxed) == 0) {
    }
    std::atomic_thread_fence(std::memory_order_acquire);
    sink = data;
  });
  producer.join();
  consumer.join();
}
