// A consumer spin-waits on an acquire load of a flag that a producer raises with a release store,
// round after round: what the producer wrote before each store is ordered before the consumer's
// reads after its wait; what it writes after the store is not (one race, on `late`). Prints the
// flag's address and how many turns the consumer's spins took (spin_wait.sh).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

constexpr int kRounds = 5;
long data[kRounds + 1];
long late = 0;
std::atomic<int> flag{0};

int main() {
  long turns = 0;
  std::thread producer([] {
    for (int round = 1; round <= kRounds; ++round) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      data[round] = round;
      flag.store(round, std::memory_order_release);
    }
    late = 1;  // after the last release: the consumer's read of it races
  });
  std::thread consumer([&turns] {
    for (int round = 1; round <= kRounds; ++round) {
      while (flag.load(std::memory_order_acquire) < round) ++turns;
      if (data[round] != round) __builtin_trap();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::printf("late %ld\n", late);
  });
  producer.join();
  consumer.join();
  std::printf("%p %ld\n", static_cast<void*>(&flag), turns);
}
