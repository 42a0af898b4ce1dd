// expect: race
// A heap int written by two threads.
#include <thread>
int main() {
  int* p = new int(0);
  std::thread a([p] { *p = 1; });
  std::thread b([p] { *p = 2; });
  a.join();
  b.join();
  delete p;
}
