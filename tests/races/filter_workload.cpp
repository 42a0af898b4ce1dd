// Access patterns for the race entry points' filter and runs (access_filter.sh), each in one
// thread and one sync epoch, printing the addresses it touched:
//   down      writes an array of 65,536 longs from the last element to the first
//   counters  bumps 65,536 int counters (zeroed by the main thread) (256 KiB, 32,768 granules: 32 times the filter's small
//             table) in a scattered order, eight passes
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2 || (std::strcmp(argv[1], "down") != 0 && std::strcmp(argv[1], "counters") != 0)) {
    std::fprintf(stderr, "usage: filter_workload down|counters\n");
    return 2;
  }
  const bool down = std::strcmp(argv[1], "down") == 0;
  std::vector<int> counters(down ? 0 : 65536);  // zeroed here: the worker's writes are its own
  std::thread worker([down, &counters] {
    if (down) {
      const std::size_t n = 65536;
      std::unique_ptr<long[]> values(new long[n]);  // not initialised: the sweep is its only write
      for (std::size_t i = n; i-- > 0;) values[i] = static_cast<long>(i);
      std::printf("%p %zu\n", static_cast<void*>(values.get()), n * sizeof(long));
      return;
    }
    for (int pass = 0; pass < 8; ++pass)
      for (unsigned i = 0; i < counters.size(); ++i) ++counters[(i * 40503u) % counters.size()];
    std::printf("%p %zu\n", static_cast<void*>(counters.data()), counters.size() * sizeof(int));
  });
  worker.join();
}
