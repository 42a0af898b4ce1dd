// expect: no race
// A relaxed atomic counter: atomic accesses never race with each other.
#include <atomic>
#include <thread>
std::atomic<int> counter{0};
int main() {
  auto work = [] { for (int i = 0; i < 1000; ++i) counter.fetch_add(1, std::memory_order_relaxed); };
  std::thread a(work), b(work);
  a.join();
  b.join();
  return counter.load() != 2000;
}
