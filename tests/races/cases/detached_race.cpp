// expect: race
// A detached thread writes a global main reads later, with no hand-off (only time between them).
#include <thread>
long result = 0;
int main() {
  std::thread([] { result = 5; }).detach();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return result == 0;
}
