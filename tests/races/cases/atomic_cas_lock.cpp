// expect: no race
// A home-made spinlock: compare_exchange (acquire) to take it, a release store to drop it.
#include <atomic>
#include <thread>
std::atomic<int> lock_word{0};
long shared_total = 0;
void lock() {
  int expected = 0;
  while (!lock_word.compare_exchange_weak(expected, 1, std::memory_order_acquire)) expected = 0;
}
void unlock() { lock_word.store(0, std::memory_order_release); }
int main() {
  auto work = [] {
    for (int i = 0; i < 500; ++i) {
      lock();
      ++shared_total;
      unlock();
    }
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
  return shared_total != 1000;
}
