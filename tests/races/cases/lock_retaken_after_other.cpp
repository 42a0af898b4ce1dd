// expect: no race
// Two threads take turns on one mutex, each also taking it back several times in a row (the
// turns are counted under the lock): every access is under the lock, whoever held it last. A
// thread that takes back the lock it released keeps its first-access filter from before the
// release only when no thread took the lock in between; here other threads often did.
#include <mutex>
#include <thread>
std::mutex m;
long value = 0;
long turns[2];
int main() {
  auto work = [](int me) {
    for (int i = 0; i < 2000; ++i) {
      std::lock_guard<std::mutex> g(m);
      value += me + 1;
      ++turns[me];
    }
  };
  std::thread a(work, 0), b(work, 1);
  a.join();
  b.join();
  return value < 0;
}
