// expect: race
// Fences on the wrong side: the producer's release fence comes after its relaxed store, and the
// consumer's acquire fence before its relaxed load, so neither orders the data (C++
// [atomics.fences] needs the release fence before the store and the acquire fence after the load).
#include <atomic>
#include <thread>
int data = 0;
int sink = 0;
std::atomic<int> flag{0};
int main() {
  std::thread producer([] {
    data = 1;
    flag.store(1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
  });
  std::thread consumer([] {
    std::atomic_thread_fence(std::memory_order_acquire);
    while (flag.load(std::memory_order_relaxed) == 0) {
    }
    sink = data;
  });
  producer.join();
  consumer.join();
}
