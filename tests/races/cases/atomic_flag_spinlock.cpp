// expect: no race
// std::atomic_flag as a spinlock (test_and_set acquire, clear release).
#include <atomic>
#include <thread>
std::atomic_flag busy = ATOMIC_FLAG_INIT;
long total = 0;
int main() {
  auto work = [] {
    for (int i = 0; i < 300; ++i) {
      while (busy.test_and_set(std::memory_order_acquire)) {
      }
      ++total;
      busy.clear(std::memory_order_release);
    }
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
  return total != 600;
}
