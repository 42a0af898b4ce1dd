// Seed 003_95be9febe23781bc.txt, "Advanced Topics" > "2. Timers": Timer(5, delayed_function) runs
// the function after a delay in its own thread (here 50 ms). Expected: nothing.
#include <chrono>
#include <cstdio>
#include <thread>

#include <lockgraph/lockgraph.h>

lockgraph::shared<int> delay_ms{0, "delay_ms"};

// threading.Timer: a thread that sleeps, then calls.
template <class F>
lockgraph::thread start_timer(std::chrono::milliseconds delay, F function) {
  return lockgraph::thread([delay, function] {
    std::this_thread::sleep_for(delay);
    function();
  });
}

int main() {
  delay_ms = 50;
  lockgraph::thread timer = start_timer(std::chrono::milliseconds(50), [] {
    std::printf("This function runs after %d ms.\n", delay_ms.load());
  });
  timer.join();
}
