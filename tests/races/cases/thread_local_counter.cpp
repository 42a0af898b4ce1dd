// expect: no race
// Each thread increments its own thread_local counter.
#include <thread>
thread_local long mine = 0;
long totals[2];
int main() {
  std::thread a([] { for (int i = 0; i < 1000; ++i) ++mine; totals[0] = mine; });
  std::thread b([] { for (int i = 0; i < 1000; ++i) ++mine; totals[1] = mine; });
  a.join();
  b.join();
  return totals[0] + totals[1] != 2000;
}
