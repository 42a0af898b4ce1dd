// expect: no race
// Two threads write different fields of one struct (different bytes of one word).
#include <thread>
struct Pair {
  char a;
  char b;
  short c;
  int d;
};
Pair pair;
int main() {
  std::thread x([] { for (int i = 0; i < 100; ++i) pair.a = static_cast<char>(i); });
  std::thread y([] { for (int i = 0; i < 100; ++i) pair.b = static_cast<char>(i); });
  x.join();
  y.join();
}
