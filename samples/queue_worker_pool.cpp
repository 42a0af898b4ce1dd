// Seeds 001_b3ec0cea55c5c396.txt "Practical Pattern: Worker Queue" (4 workers, q.join(), then a
// None poison pill per worker) and 002_96dffee7bc39aca5.txt "Thread-Safe Queues" (producer and
// consumer). Workers write each item's result; main reads them after q.join(). Expected: nothing.
#include <cstdio>
#include <optional>
#include <vector>

#include <lockgraph/lockgraph.h>

#include "support/blocking_queue.h"

samples::BlockingQueue<std::optional<int>> q;
int results[20];

void process(int item) {
  LOCKGRAPH_WRITE(results[item], "results");
  results[item] = item * item;
}

void worker() {
  while (true) {
    std::optional<int> item = q.get();
    if (!item) {
      q.task_done();
      break;
    }
    process(*item);
    q.task_done();
  }
}

int main() {
  std::vector<lockgraph::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(worker);
  for (int item = 0; item < 20; ++item) q.put(item);
  q.join();
  long sum = 0;
  for (int item = 0; item < 20; ++item) {
    LOCKGRAPH_READ(results[item], "results");
    sum += results[item];
  }
  std::printf("sum of squares = %ld\n", sum);
  for (std::size_t i = 0; i < threads.size(); ++i) q.put(std::nullopt);
  for (auto& t : threads) t.join();  // the seed's daemon workers; joined here so the process ends cleanly
}
