// expect: no race
// The same counter under a std::mutex.
#include <mutex>
#include <thread>
int counter = 0;
std::mutex m;
int main() {
  auto work = [] {
    for (int i = 0; i < 1000; ++i) {
      std::lock_guard<std::mutex> g(m);
      ++counter;
    }
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
  return counter != 2000;
}
