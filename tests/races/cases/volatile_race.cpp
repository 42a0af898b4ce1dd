// expect: race
// volatile does not make accesses atomic: two threads writing a volatile int race.
#include <thread>
volatile int ticks = 0;
int main() {
  std::thread a([] { for (int i = 0; i < 100; ++i) ticks = ticks + 1; });
  std::thread b([] { for (int i = 0; i < 100; ++i) ticks = ticks + 1; });
  a.join();
  b.join();
}
