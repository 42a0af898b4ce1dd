// expect: race
// Two threads push_back into one std::vector.
#include <thread>
#include <vector>
std::vector<int> items;
int main() {
  std::thread a([] { for (int i = 0; i < 100; ++i) items.push_back(i); });
  std::thread b([] { for (int i = 0; i < 100; ++i) items.push_back(i); });
  a.join();
  b.join();
}
