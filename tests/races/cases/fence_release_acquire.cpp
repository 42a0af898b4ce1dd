// expect: no race
// tsan: race (ThreadSanitizer does not model fences: it reports this correct program)
// Relaxed accesses ordered only by fences (C++ [atomics.fences]): the release fence before the
// relaxed store, the acquire fence after the relaxed load that read it.
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
