// expect: no race
// A value handed over through a condition variable and its mutex.
#include <condition_variable>
#include <mutex>
#include <thread>
std::mutex m;
std::condition_variable cv;
bool ready = false;
long payload = 0;
int main() {
  std::thread consumer([] {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [] { return ready; });
    if (payload != 99) __builtin_trap();
  });
  {
    std::lock_guard<std::mutex> lock(m);
    payload = 99;
    ready = true;
  }
  cv.notify_one();
  consumer.join();
}
