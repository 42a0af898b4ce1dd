// expect: no race
// A heap block written by a thread, then read by main after the join, then freed.
#include <thread>
int main() {
  int* p = new int(0);
  std::thread a([p] { *p = 42; });
  a.join();
  int v = *p;
  delete p;
  return v != 42;
}
