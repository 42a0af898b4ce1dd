// Plain code, nothing annotated, built with lockgraph_instrument(... RACES): two threads increment
// one counter, a race the installed race runtime must find.
#include <thread>

long hits = 0;

int main() {
  std::thread a([] { for (int i = 0; i < 1000; ++i) ++hits; });
  std::thread b([] { for (int i = 0; i < 1000; ++i) ++hits; });
  a.join();
  b.join();
  return hits == 0;
}
