// expect: no race
// Two phases split by a C++20 barrier: each thread writes its slot, then reads the other's.
#include <barrier>
#include <thread>
std::barrier<> phase(2);
int slots[2];
int seen[2];
void work(int me) {
  slots[me] = me + 1;
  phase.arrive_and_wait();
  seen[me] = slots[1 - me];
}
int main() {
  std::thread a(work, 0), b(work, 1);
  a.join();
  b.join();
  return seen[0] + seen[1] != 3;
}
