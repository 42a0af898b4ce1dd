// expect: no race
// A detached thread hands its result over through a mutex-protected flag.
#include <mutex>
#include <thread>
std::mutex m;
bool done = false;
long result = 0;
int main() {
  std::thread([] {
    result = 5;
    std::lock_guard<std::mutex> g(m);
    done = true;
  }).detach();
  for (;;) {
    std::lock_guard<std::mutex> g(m);
    if (done) break;
  }
  return result != 5;
}
