// expect: no race
// Short detached threads one after another, each filling a local array through a pointer: a later
// thread's stack may be an earlier one's, reused (not a race).
#include <thread>
[[gnu::noinline]] void fill(int* p, int n) {
  for (int i = 0; i < n; ++i) p[i] = i;
}
void work() {
  int local[64];
  fill(local, 64);
  asm volatile("" : : "r"(local) : "memory");
}
int main() {
  for (int i = 0; i < 20; ++i) {
    std::thread t(work);
    t.detach();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
}
