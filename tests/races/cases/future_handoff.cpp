// expect: no race
// A result computed by std::async and read through its future.
#include <future>
#include <vector>
std::vector<int> results;
int main() {
  auto done = std::async(std::launch::async, [] {
    results.assign(100, 3);
    return 1;
  });
  done.get();
  long sum = 0;
  for (int r : results) sum += r;
  return sum != 300;
}
