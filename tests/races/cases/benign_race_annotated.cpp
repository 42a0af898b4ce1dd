// expect: no race
// A statistics counter whose races are declared benign with TSan's annotation.
#include <thread>
extern "C" void AnnotateBenignRaceSized(const char*, int, const volatile void*, unsigned long, const char*);
long statistics = 0;
int main() {
  AnnotateBenignRaceSized(__FILE__, __LINE__, &statistics, sizeof statistics, "approximate count");
  std::thread a([] { for (int i = 0; i < 100; ++i) ++statistics; });
  std::thread b([] { for (int i = 0; i < 100; ++i) ++statistics; });
  a.join();
  b.join();
}
