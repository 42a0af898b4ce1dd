// expect: race
// Each thread locks a mutex, but not the same one.
#include <mutex>
#include <thread>
std::mutex ma, mb;
long value = 0;
int main() {
  std::thread a([] { std::lock_guard<std::mutex> g(ma); ++value; });
  std::thread b([] { std::lock_guard<std::mutex> g(mb); ++value; });
  a.join();
  b.join();
}
