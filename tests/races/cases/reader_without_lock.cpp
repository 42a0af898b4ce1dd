// expect: race
// The writer locks, the reader does not.
#include <mutex>
#include <thread>
std::mutex m;
long value = 0;
long seen = 0;
int main() {
  std::thread writer([] {
    for (int i = 0; i < 100; ++i) {
      std::lock_guard<std::mutex> g(m);
      ++value;
    }
  });
  std::thread reader([] { for (int i = 0; i < 100; ++i) seen += value; });
  writer.join();
  reader.join();
  return seen < 0;
}
