// Access patterns for the race entry points' filter and runs (access_filter.sh), each in one
// thread and one sync epoch, printing the addresses it touched:
//   down      writes an array of 65,536 longs from the last element to the first
//   counters  bumps 65,536 int counters (zeroed by the main thread) (256 KiB, 32,768 granules: 32 times the filter's small
//             table) in a scattered order, eight passes
//   epochs    in each of 64 sync epochs (a release store of an atomic between them), bumps 2,048
//             of 65,536 int counters in a scattered order, twice: a working set twice the small
//             table's, in epochs too short to lose 4,096 entries each
//   acquires  in each of 64 epochs begun by an acquire (of atomics the main thread released before
//             starting the worker), reads the same 512 of 65,536 int counters in a scattered
//             order: an acquire only adds knowledge, so they are recorded in the first epoch (and
//             again only where the filter lost them)
//   inside    reads each 4-byte element of an array as its two 2-byte halves (one run), then four
//             other arrays (the runtime closes the run to open theirs), then the second half again:
//             recorded once, in the run
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

// Released at the end of each epoch of `epochs`, and read at the end (a store nothing reads may be
// optimised away).
std::atomic<int> epochs_done{0};
// Released by the main thread, each acquired once by the worker of `acquires`.
std::atomic<int> published[64];

int main(int argc, char** argv) {
  const std::string pattern = argc == 2 ? argv[1] : "";
  if (pattern != "down" && pattern != "counters" && pattern != "epochs" && pattern != "inside" &&
      pattern != "acquires") {
    std::fprintf(stderr, "usage: filter_workload down|counters|epochs|inside|acquires\n");
    return 2;
  }
  const bool down = pattern == "down";
  std::vector<int> counters(down ? 0 : 65536);  // zeroed here: the worker's writes are its own
  for (std::atomic<int>& p : published) p.store(1, std::memory_order_release);
  std::thread worker([down, &counters, &pattern] {
    if (down) {
      const std::size_t n = 65536;
      std::unique_ptr<long[]> values(new long[n]);  // not initialised: the sweep is its only write
      for (std::size_t i = n; i-- > 0;) values[i] = static_cast<long>(i);
      std::printf("%p %zu\n", static_cast<void*>(values.get()), n * sizeof(long));
      return;
    }
    if (pattern == "inside") {
      const unsigned n = 4096;
      std::unique_ptr<std::uint16_t[]> halves(new std::uint16_t[2 * n]());
      std::unique_ptr<long[]> others(new long[4 * 65536]());
      // Volatile: every read made, in this order, none merged.
      volatile std::uint16_t* h = halves.get();
      volatile long* o = others.get();
      long sum = 0;
      for (unsigned i = 0; i < n; ++i) {
        sum += h[2 * i];  // two statements: the first half read first
        sum += h[2 * i + 1];
        for (unsigned k = 0; k < 4; ++k) sum += o[k * 65536 + (i * 40503u + k * 977u) % 65536];
        sum += h[2 * i + 1];
      }
      std::printf("%p %zu %ld\n", static_cast<void*>(halves.get()), 2 * n * sizeof(std::uint16_t), sum);
      return;
    }
    if (pattern == "acquires") {
      long sum = 0;
      for (std::atomic<int>& p : published) {
        sum += p.load(std::memory_order_acquire);
        for (unsigned i = 0; i < 512; ++i) sum += counters[(i * 40503u) % counters.size()];
      }
      std::printf("%p %zu %ld\n", static_cast<void*>(counters.data()), counters.size() * sizeof(int), sum);
      return;
    }
    if (pattern == "epochs") {
      for (unsigned epoch = 0; epoch < 64; ++epoch) {
        for (int pass = 0; pass < 2; ++pass)
          for (unsigned i = 0; i < 2048; ++i) ++counters[((epoch * 2048 + i) * 40503u) % counters.size()];
        epochs_done.store(static_cast<int>(epoch) + 1, std::memory_order_release);
      }
    } else {
      for (int pass = 0; pass < 8; ++pass)
        for (unsigned i = 0; i < counters.size(); ++i) ++counters[(i * 40503u) % counters.size()];
    }
    std::printf("%p %zu\n", static_cast<void*>(counters.data()), counters.size() * sizeof(int));
  });
  worker.join();
  return epochs_done.load(std::memory_order_relaxed) < 0 ? 1 : 0;
}
