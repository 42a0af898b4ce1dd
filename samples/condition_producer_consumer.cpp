// Seed 003_95be9febe23781bc.txt, "Thread Synchronization" > "4. Condition": a producer appends five
// items under the condition's lock, a consumer pops them. Expected: nothing.
#include <cstdio>
#include <mutex>
#include <vector>

#include <lockgraph/lockgraph.h>

lockgraph::mutex condition_lock{"condition"};
lockgraph::condition_variable condition;
std::vector<int> queue;
bool produced = false;

void producer() {
  std::lock_guard guard(condition_lock);
  for (int i = 0; i < 5; ++i) {
    LOCKGRAPH_WRITE(queue, "queue");
    queue.push_back(i);
  }
  produced = true;
  condition.notify_all();
}

void consumer() {
  std::unique_lock guard(condition_lock);
  condition.wait(guard, [] { return produced; });  // the seed consumes what is there; wait for it
  while (true) {
    LOCKGRAPH_READ(queue, "queue");
    if (queue.empty()) break;
    LOCKGRAPH_WRITE(queue, "queue");
    int item = queue.front();
    queue.erase(queue.begin());
    std::printf("Consumed %d\n", item);
  }
}

int main() {
  lockgraph::thread prod(producer);
  lockgraph::thread cons(consumer);
  prod.join();
  cons.join();
}
