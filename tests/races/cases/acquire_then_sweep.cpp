// expect: no race
// The reader reads the first element (written before it started), then acquires the flag the
// writer released after writing the rest, then sweeps the rest from the same loop. The sweep
// must be placed after the acquire: a run of accesses opened before it and extended after it, or
// a filter taking new bytes as repeats, would place it before and report the writer's writes.
#include <atomic>
#include <thread>
constexpr int kSize = 256;
int values[kSize];
std::atomic<bool> ready{false};
int main() {
  values[0] = 1;
  std::thread reader([] {
    long sum = 0;
    for (int i = 0; i < kSize; ++i) {
      if (i == 1)
        while (!ready.load(std::memory_order_acquire)) {
        }
      sum += values[i];
    }
    if (sum != kSize) __builtin_trap();
  });
  std::thread writer([] {
    for (int i = 1; i < kSize; ++i) values[i] = 1;
    ready.store(true, std::memory_order_release);
  });
  writer.join();
  reader.join();
}
