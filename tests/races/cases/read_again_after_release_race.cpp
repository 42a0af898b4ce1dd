// expect: race
// The reader reads x, releases `go`, and reads x again; the writer acquires `go` and writes x.
// The first read precedes the write, the second does not: the second must be recorded although
// it repeats the first (a thread's release ends what its first accesses stand for; only an
// acquire does not).
#include <atomic>
#include <thread>
int x = 0;
std::atomic<int> go{0};
int main() {
  std::thread reader([] {
    int first = x;
    go.store(1, std::memory_order_release);
    int second = x;
    if (first + second < 0) __builtin_trap();
  });
  std::thread writer([] {
    while (go.load(std::memory_order_acquire) == 0) {
    }
    x = 2;
  });
  reader.join();
  writer.join();
}
