// Seeds 002_96dffee7bc39aca5.txt "Barrier for phased processing" (Barrier(3)) and
// 003_95be9febe23781bc.txt "Advanced Topics" > "3. Barrier" (Barrier(2)): each thread writes its
// slot, waits at the barrier, then reads every slot. Expected: nothing.
#include <cstdio>
#include <vector>

#include <lockgraph/lockgraph.h>

constexpr int kThreads = 3;
lockgraph::barrier barrier(kThreads);
int slots[kThreads];

void process_phase(int phase) {
  LOCKGRAPH_WRITE(slots[phase], "slots");
  slots[phase] = phase * 10;
  std::printf("Thread-%d is waiting at the barrier.\n", phase);
  barrier.arrive_and_wait();
  int sum = 0;
  for (int i = 0; i < kThreads; ++i) {
    LOCKGRAPH_READ(slots[i], "slots");
    sum += slots[i];
  }
  std::printf("Thread-%d passed the barrier, sum = %d\n", phase, sum);
}

int main() {
  std::vector<lockgraph::thread> threads;
  for (int i = 0; i < kThreads; ++i) threads.emplace_back(process_phase, i);
  for (auto& t : threads) t.join();
}
