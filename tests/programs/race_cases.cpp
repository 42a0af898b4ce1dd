// The race detector's checks from issue 4, one per argv[1]; each runs its threads and exits 0.
//   global_write_write  two threads write one global, no lock            -> 1 race
//   sleep_separated     a write, then (after a sleep, not a sync) a read  -> 1 race
//   heap_field          a field of a heap object written by two threads   -> 1 race
//   slots_after_join    per-thread slots written, read by main after join -> no race
// The same with the standard library's threads (no wrapper tells the runtime: its interposers see
// pthread_create, pthread_join and pthread_cond_* in a linked program too):
//   std_join            written in std::threads, read by main after join  -> no race
//   std_start           written by main, read by the std::thread it starts -> no race
//   std_cv_handoff      written, then handed over by std::condition_variable to a waiting
//                       std::thread, which reads it                         -> no race
//   std_write_write     two std::threads write one global, no lock           -> 1 race
//   sem_handoff         written, sem_post; the other thread's sem_wait, then read -> no race
//   barrier_phases      each thread writes its slot, pthread_barrier_wait, reads the other's
//                                                                           -> no race
// The lockgraph::sync wrappers' timed and split calls order as their plain calls do:
//   semaphore_timed     written, release; the other thread's try_acquire_for, then read -> no race
//   barrier_split       each thread writes its slot, arrive() then wait(token), reads the other's
//                                                                           -> no race
#include <pthread.h>
#include <semaphore.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
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
  } else if (!std::strcmp(which, "std_join")) {
    long slots[2] = {};
    std::thread a([&] { LOCKGRAPH_WRITE(slots[0], "std_slots"); slots[0] = 1; });
    std::thread b([&] { LOCKGRAPH_WRITE(slots[1], "std_slots"); slots[1] = 2; });
    a.join();
    b.join();
    LOCKGRAPH_READ(slots[0], "std_slots");
    LOCKGRAPH_READ(slots[1], "std_slots");
    return slots[0] + slots[1] == 3 ? 0 : 1;
  } else if (!std::strcmp(which, "std_start")) {
    LOCKGRAPH_WRITE(global_value, "global_value");
    global_value = 7;
    std::thread reader([] { LOCKGRAPH_READ(global_value, "global_value"); });
    reader.join();
  } else if (!std::strcmp(which, "std_cv_handoff")) {
    // The reader is waiting before the value is written, so the hand-off goes through the
    // condition variable (a reader that found `ready` already set would be ordered by the mutex).
    std::mutex m;
    std::condition_variable cv;
    bool waiting = false, ready = false;
    std::thread reader([&] {
      std::unique_lock lock(m);
      waiting = true;
      cv.notify_all();
      cv.wait(lock, [&] { return ready; });
      lock.unlock();
      LOCKGRAPH_READ(global_value, "global_value");
    });
    {
      std::unique_lock lock(m);
      cv.wait(lock, [&] { return waiting; });
    }
    LOCKGRAPH_WRITE(global_value, "global_value");
    global_value = 9;
    {
      std::lock_guard lock(m);
      ready = true;
    }
    cv.notify_all();
    reader.join();
  } else if (!std::strcmp(which, "std_write_write")) {
    auto write = [] { LOCKGRAPH_WRITE(global_value, "global_value"); global_value = 1; };
    std::thread a(write), b(write);
    a.join();
    b.join();
  } else if (!std::strcmp(which, "sem_handoff")) {
    sem_t handed;
    sem_init(&handed, 0, 0);
    std::thread reader([&] {
      sem_wait(&handed);
      LOCKGRAPH_READ(global_value, "global_value");
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the reader waits first
    LOCKGRAPH_WRITE(global_value, "global_value");
    global_value = 5;
    sem_post(&handed);
    reader.join();
    sem_destroy(&handed);
  } else if (!std::strcmp(which, "barrier_phases")) {
    long slots[2] = {};
    pthread_barrier_t phase;
    pthread_barrier_init(&phase, nullptr, 2);
    auto work = [&](int mine) {
      LOCKGRAPH_WRITE(slots[mine], "phase_slots");
      slots[mine] = mine + 1;
      pthread_barrier_wait(&phase);
      LOCKGRAPH_READ(slots[1 - mine], "phase_slots");
    };
    std::thread a(work, 0), b(work, 1);
    a.join();
    b.join();
    pthread_barrier_destroy(&phase);
  } else if (!std::strcmp(which, "semaphore_timed")) {
    lockgraph::binary_semaphore handed(0);
    std::thread reader([&] {
      while (!handed.try_acquire_for(std::chrono::milliseconds(5))) {
      }
      LOCKGRAPH_READ(global_value, "global_value");
    });
    LOCKGRAPH_WRITE(global_value, "global_value");
    global_value = 6;
    handed.release();
    reader.join();
  } else if (!std::strcmp(which, "barrier_split")) {
    long slots[2] = {};
    lockgraph::barrier phase(2);
    auto work = [&](int mine) {
      LOCKGRAPH_WRITE(slots[mine], "split_slots");
      slots[mine] = mine + 1;
      phase.wait(phase.arrive());
      LOCKGRAPH_READ(slots[1 - mine], "split_slots");
    };
    std::thread a(work, 0), b(work, 1);
    a.join();
    b.join();
  } else {
    return 2;
  }
  return 0;
}
