// expect: race
// One thread copies a buffer into a global while another reads it.
#include <cstring>
#include <thread>
char buffer[64];
char source[64] = "hello";
char copy[64];
int main() {
  std::thread a([] { std::memcpy(buffer, source, sizeof buffer); });
  std::thread b([] { std::memcpy(copy, buffer, sizeof copy); });
  a.join();
  b.join();
}
