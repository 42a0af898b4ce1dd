// expect: no race
// Message passing through a sequentially consistent flag.
#include <atomic>
#include <thread>
long payload[4];
std::atomic<int> ready{0};
int main() {
  std::thread producer([] {
    for (long& p : payload) p = 7;
    ready = 1;
  });
  std::thread consumer([] {
    while (ready == 0) {
    }
    long sum = 0;
    for (long p : payload) sum += p;
    if (sum != 28) __builtin_trap();
  });
  producer.join();
  consumer.join();
}
