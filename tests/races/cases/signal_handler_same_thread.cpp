// expect: no race
// A signal handler and the code it interrupts run on one thread: never a race between them.
#include <csignal>
#include <thread>
#include <unistd.h>
volatile std::sig_atomic_t hits = 0;
long counter = 0;
void on_signal(int) { hits = hits + 1; }
int main() {
  std::signal(SIGUSR1, on_signal);
  std::thread worker([] { for (int i = 0; i < 1000; ++i) ++counter; });
  worker.join();
  raise(SIGUSR1);
  counter += hits;
  return counter != 1001;
}
