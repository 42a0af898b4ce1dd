// expect: no race
// Detached threads allocate, use and free blocks; the allocator hands the same memory to the next
// thread. Nothing orders the owners, but no two of them share a block's life.
#include <thread>
#include <cstdlib>
void work() {
  for (int round = 0; round < 50; ++round) {
    long* block = static_cast<long*>(std::malloc(64));
    for (int i = 0; i < 8; ++i) block[i] = i;
    std::free(block);
  }
}
int main() {
  for (int i = 0; i < 8; ++i) {
    std::thread t(work);
    t.detach();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
}
