// expect: race
// The flag is handed over under the mutex, but the payload is written after the notify, outside it.
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unistd.h>
std::mutex m;
std::condition_variable cv;
bool ready = false;
long payload = 0;
long seen = 0;
int main() {
  std::thread consumer([] {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [] { return ready; });
    lock.unlock();
    usleep(10000);
    seen = payload;
  });
  {
    std::lock_guard<std::mutex> lock(m);
    ready = true;
  }
  cv.notify_one();
  payload = 99;
  consumer.join();
  return seen < 0;
}
