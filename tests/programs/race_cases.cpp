// The race detector's checks from issue 4, one per argv[1]; each runs its threads and exits 0.
//   global_write_write  two threads write one global, no lock            -> 1 race
//   sleep_separated     a write, then (after a sleep, not a sync) a read  -> 1 race
//   heap_field          a field of a heap object written by two threads   -> 1 race
//   slots_after_join    per-thread slots written, read by main after join -> no race
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include <lockgraph/lockgraph.h>

int global_value = 0;

struct Account {
  int id = 0;
  long balance = 0;
};

int main(int argc, char** argv) {
  const char* which = argc > 1 ? argv[1] : "";
  if (!std::strcmp(which, "global_write_write")) {
    auto write = [] { LOCKGRAPH_WRITE(global_value, "global_value"); global_value = 1; };
    lockgraph::thread a(write), b(write);
    a.join();
    b.join();
  } else if (!std::strcmp(which, "sleep_separated")) {
    lockgraph::shared<int> flag{0, "flag"};
    lockgraph::thread writer([&] { flag = 1; });
    lockgraph::thread reader([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a sleep orders nothing
      (void)flag.load();
    });
    writer.join();
    reader.join();
  } else if (!std::strcmp(which, "heap_field")) {
    auto account = std::make_unique<Account>();
    auto deposit = [&] {
      LOCKGRAPH_WRITE(account->balance, "Account::balance");
      account->balance += 10;
    };
    lockgraph::thread a(deposit), b(deposit);
    a.join();
    b.join();
  } else if (!std::strcmp(which, "slots_after_join")) {
    std::vector<long> slots(4);
    std::vector<lockgraph::thread> threads;
    for (int i = 0; i < 4; ++i)
      threads.emplace_back([&slots, i] {
        LOCKGRAPH_WRITE(slots[i], "slots");
        slots[i] = i * i;
      });
    for (auto& t : threads) t.join();
    long sum = 0;
    for (int i = 0; i < 4; ++i) {
      LOCKGRAPH_READ(slots[i], "slots");
      sum += slots[i];
    }
    return sum == 14 ? 0 : 1;
  } else {
    return 2;
  }
  return 0;
}
