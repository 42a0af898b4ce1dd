// expect: no race
// std::call_once initialises a table once; every thread reads it afterwards.
#include <mutex>
#include <thread>
std::once_flag once;
int table[8];
int sums[4];
void use(int slot) {
  std::call_once(once, [] { for (int i = 0; i < 8; ++i) table[i] = i; });
  for (int v : table) sums[slot] += v;
}
int main() {
  std::thread a(use, 0), b(use, 1), c(use, 2), d(use, 3);
  a.join();
  b.join();
  c.join();
  d.join();
  return sums[0] != 28;
}
