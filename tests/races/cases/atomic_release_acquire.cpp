// expect: no race
// Message passing: data written, then a release store of a flag; the reader spins on an acquire
// load, then reads the data.
#include <atomic>
#include <thread>
int data = 0;
std::atomic<bool> ready{false};
int main() {
  std::thread producer([] {
    data = 42;
    ready.store(true, std::memory_order_release);
  });
  std::thread consumer([] {
    while (!ready.load(std::memory_order_acquire)) {
    }
    if (data != 42) __builtin_trap();
  });
  producer.join();
  consumer.join();
}
