// expect: race
// A release fence publishes what its thread did before it, not after: the write of `late` comes
// after the fence, so the consumer's read of it races although the fences order `early`.
#include <atomic>
#include <thread>
int early = 0;
int late = 0;
int sink = 0;
std::atomic<int> flag{0};
int main() {
  std::thread producer([] {
    early = 1;
    std::atomic_thread_fence(std::memory_order_release);
    late = 1;
    flag.store(1, std::memory_order_relaxed);
  });
  std::thread consumer([] {
    while (flag.load(std::memory_order_relaxed) == 0) {
    }
    std::atomic_thread_fence(std::memory_order_acquire);
    sink = early + late;
  });
  producer.join();
  consumer.join();
}
