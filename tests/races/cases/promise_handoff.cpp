// expect: no race
// A thread fills a buffer, then sets a promise; main waits on the future, then reads it.
#include <future>
#include <thread>
char buffer[256];
int main() {
  std::promise<void> filled;
  std::future<void> done = filled.get_future();
  std::thread producer([&] {
    for (char& c : buffer) c = 'x';
    filled.set_value();
  });
  done.wait();
  int count = 0;
  for (char c : buffer) count += c == 'x';
  producer.join();
  return count != 256;
}
