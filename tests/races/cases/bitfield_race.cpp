// expect: race
// Two threads write different bitfields of one byte: the same memory location in C++.
#include <thread>
struct Flags {
  unsigned a : 1;
  unsigned b : 1;
};
Flags flags;
int main() {
  std::thread x([] { flags.a = 1; });
  std::thread y([] { flags.b = 1; });
  x.join();
  y.join();
}
