// Seed 000_dfb30a89f5bc38ac.txt, "Inter-thread Communication" > "Shared Variables with Lock": a
// producer appends "data" to a list under a lock, a consumer pops it under the same lock; and
// "queue.Queue for Thread-safe Messaging". Expected: nothing.
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include <lockgraph/lockgraph.h>

#include "support/blocking_queue.h"

lockgraph::mutex lock{"lock"};
std::vector<std::string> queue;

void producer() {
  std::lock_guard guard(lock);
  LOCKGRAPH_WRITE(queue, "queue");
  queue.push_back("data");
}

void consumer() {
  std::lock_guard guard(lock);
  LOCKGRAPH_READ(queue, "queue");
  if (!queue.empty()) {
    LOCKGRAPH_WRITE(queue, "queue");
    std::printf("%s\n", queue.front().c_str());
    queue.erase(queue.begin());
  }
}

samples::BlockingQueue<std::string> messages;

int main() {
  lockgraph::thread p(producer);
  lockgraph::thread c(consumer);
  p.join();
  c.join();
  lockgraph::thread sender([] { messages.put("message"); });
  lockgraph::thread receiver([] { std::printf("Received: %s\n", messages.get().c_str()); });
  sender.join();
  receiver.join();
}
