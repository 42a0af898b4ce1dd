// expect: no race
// Two threads clear different halves of one buffer.
#include <cstring>
#include <thread>
char buffer[128];
int main() {
  std::thread a([] { std::memset(buffer, 1, 64); });
  std::thread b([] { std::memset(buffer + 64, 2, 64); });
  a.join();
  b.join();
  return buffer[0] + buffer[64] != 3;
}
