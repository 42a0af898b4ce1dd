// expect: no race
// Readers under a shared lock, a writer under the exclusive lock.
#include <mutex>
#include <shared_mutex>
#include <thread>
std::shared_mutex rw;
long value = 0;
long seen[2];
int main() {
  std::thread writer([] {
    for (int i = 0; i < 100; ++i) {
      std::unique_lock<std::shared_mutex> g(rw);
      ++value;
    }
  });
  auto read = [](int slot) {
    for (int i = 0; i < 100; ++i) {
      std::shared_lock<std::shared_mutex> g(rw);
      seen[slot] = value;
    }
  };
  std::thread r1(read, 0), r2(read, 1);
  writer.join();
  r1.join();
  r2.join();
}
