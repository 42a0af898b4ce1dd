// expect: no race
// Two threads only read a global written before they started.
#include <thread>
int config = 0;
int sink[2];
int main() {
  config = 7;
  std::thread a([] { sink[0] = config; });
  std::thread b([] { sink[1] = config; });
  a.join();
  b.join();
  return sink[0] + sink[1] != 14;
}
