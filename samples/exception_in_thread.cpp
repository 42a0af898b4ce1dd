// Seed 003_95be9febe23781bc.txt, "5. Exception Handling and Debugging" and "Error Handling and
// Debugging" > "1. Handling Exceptions in Threads": the thread raises ValueError and catches it.
// Here it throws while holding a lock (the unwinder must release it) and counts errors under the
// lock. Expected: nothing.
#include <cstdio>
#include <mutex>
#include <stdexcept>

#include <lockgraph/lockgraph.h>

lockgraph::mutex lock{"lock"};
lockgraph::shared<int> errors{0, "errors"};

void may_throw_exception() {
  try {
    std::lock_guard guard(lock);
    throw std::invalid_argument("This is an error.");
  } catch (const std::invalid_argument& e) {
    std::lock_guard guard(lock);
    errors += 1;
    std::printf("Caught exception: %s\n", e.what());
  }
}

int main() {
  lockgraph::thread except_thread(may_throw_exception);
  lockgraph::thread second(may_throw_exception);
  except_thread.join();
  second.join();
  return errors.load() == 2 ? 0 : 1;
}
