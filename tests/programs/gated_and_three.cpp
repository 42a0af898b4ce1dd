// Real programs for two verdicts (argv[1]):
//   gated  two threads take A then B and B then A, both while holding G -> a `gated` cycle
//   three  three threads take A->B, B->C, C->A at different times      -> a 3-lock `deadlock`
//   held_across  main takes A, starts and joins a thread, then takes B: A's hold spans the
//                thread's life (the runtime's seg_held records say so)
//   mixed  std::threads take the wrapper A and a plain std::mutex P in opposite orders (a 2-lock
//          `deadlock`), and main a wrapper shared_mutex S and a plain std::shared_mutex Q: each
//          lock is recorded once, the wrappers' std insides never
// Plain atomic flags keep the orders apart in time (never hanging) without ordering the threads
// for the analyzer.
#include <atomic>
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include <lockgraph/lockgraph.h>

lockgraph::mutex gate{"G"}, a{"A"}, b{"B"}, c{"C"};
std::atomic<int> turn{0};

void wait_turn(int mine) {
  while (turn.load() != mine) std::this_thread::yield();
}

void nested(lockgraph::mutex& outer, lockgraph::mutex& inner, int mine) {
  wait_turn(mine);
  {
    std::lock_guard x(outer);
    std::lock_guard y(inner);
  }
  turn = mine + 1;
}

void mixed() {
  std::mutex plain;
  auto nested_mixed = [&](bool wrapper_first, int mine) {
    wait_turn(mine);
    if (wrapper_first) {
      std::lock_guard x(a);
      std::lock_guard y(plain);
    } else {
      std::lock_guard x(plain);
      std::lock_guard y(a);
    }
    turn = mine + 1;
  };
  std::thread t1(nested_mixed, true, 0), t2(nested_mixed, false, 1);
  t1.join();
  t2.join();
  lockgraph::shared_mutex s{"S"};
  std::shared_mutex q;
  std::shared_lock x(s);
  std::unique_lock y(q);
}

int main(int argc, char** argv) {
  if (argc > 1 && !std::strcmp(argv[1], "mixed")) {
    mixed();
  } else if (argc > 1 && !std::strcmp(argv[1], "held_across")) {
    std::lock_guard first(a);
    lockgraph::thread t([] { std::lock_guard only(c); });
    t.join();
    std::lock_guard second(b);
  } else if (argc > 1 && !std::strcmp(argv[1], "gated")) {
    auto gated = [](lockgraph::mutex& outer, lockgraph::mutex& inner, int mine) {
      wait_turn(mine);
      {
        std::lock_guard g(gate);
        std::lock_guard x(outer);
        std::lock_guard y(inner);
      }
      turn = mine + 1;
    };
    lockgraph::thread t1(gated, std::ref(a), std::ref(b), 0), t2(gated, std::ref(b), std::ref(a), 1);
    t1.join();
    t2.join();
  } else {
    lockgraph::thread t1(nested, std::ref(a), std::ref(b), 0), t2(nested, std::ref(b), std::ref(c), 1),
        t3(nested, std::ref(c), std::ref(a), 2);
    t1.join();
    t2.join();
    t3.join();
  }
}
