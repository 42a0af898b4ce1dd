// expect: race
// Message passing through a relaxed flag orders nothing: the data race is real under the C++
// memory model (TSan reports it too).
#include <atomic>
#include <thread>
int data = 0;
int sink = 0;
std::atomic<bool> ready{false};
int main() {
  std::thread producer([] {
    data = 42;
    ready.store(true, std::memory_order_relaxed);
  });
  std::thread consumer([] {
    while (!ready.load(std::memory_order_relaxed)) {
    }
    sink = data;
  });
  producer.join();
  consumer.join();
}
