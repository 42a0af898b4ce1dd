// expect: no race
// A hand-off through a relaxed flag, explained with TSan's annotations (a library prepared for TSan).
#include <atomic>
#include <thread>
extern "C" void AnnotateHappensBefore(const char*, int, const volatile void*);
extern "C" void AnnotateHappensAfter(const char*, int, const volatile void*);
long data = 0;
std::atomic<int> flag{0};
long sink = 0;
int main() {
  std::thread producer([] {
    data = 3;
    AnnotateHappensBefore(__FILE__, __LINE__, &flag);
    flag.store(1, std::memory_order_relaxed);
  });
  std::thread consumer([] {
    while (flag.load(std::memory_order_relaxed) == 0) {
    }
    AnnotateHappensAfter(__FILE__, __LINE__, &flag);
    sink = data;
  });
  producer.join();
  consumer.join();
}
