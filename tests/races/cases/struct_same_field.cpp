// expect: race
// Two threads write the same field of a struct.
#include <thread>
struct Stats {
  long hits;
  long misses;
};
Stats stats;
int main() {
  std::thread x([] { stats.hits++; });
  std::thread y([] { stats.hits++; });
  x.join();
  y.join();
}
