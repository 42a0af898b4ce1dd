// expect: no race
// A value handed over through a C++20 counting semaphore.
#include <semaphore>
#include <thread>
std::counting_semaphore<1> filled(0);
long payload = 0;
int main() {
  std::thread consumer([] {
    filled.acquire();
    if (payload != 7) __builtin_trap();
  });
  payload = 7;
  filled.release();
  consumer.join();
}
