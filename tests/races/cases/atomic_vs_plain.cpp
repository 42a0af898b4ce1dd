// expect: race
// One thread writes a variable atomically, another plainly: a plain access races with an atomic one.
#include <atomic>
#include <thread>
int value = 0;
int main() {
  std::thread a([] { __atomic_store_n(&value, 1, __ATOMIC_RELAXED); });
  std::thread b([] { value = 2; });
  a.join();
  b.join();
}
