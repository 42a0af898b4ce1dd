// expect: no race
// A thread fills a buffer with memcpy; main copies it out after the join.
#include <cstring>
#include <thread>
char buffer[4096];
char source[4096];
char copy[4096];
int main() {
  std::memset(source, 'a', sizeof source);
  std::thread a([] { std::memcpy(buffer, source, sizeof buffer); });
  a.join();
  std::memcpy(copy, buffer, sizeof copy);
  return copy[100] != 'a';
}
