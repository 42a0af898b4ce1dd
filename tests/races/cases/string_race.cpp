// expect: race
// Two threads assign a shared std::string.
#include <string>
#include <thread>
std::string name = "initial value that is long enough to live on the heap";
int main() {
  std::thread a([] { name = "first writer's value, also long enough for the heap"; });
  std::thread b([] { name = "second writer's value, also long enough for the heap"; });
  a.join();
  b.join();
}
