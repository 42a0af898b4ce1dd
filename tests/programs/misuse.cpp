// Lock misuse and a real deadlock, one per argument, for the incident tests:
//   self_deadlock unlock_not_held unlock_not_owner destroy_held exit_holding wait_not_held
//   real_deadlock (two threads forced into the inverted order: it really hangs)
#include <atomic>
#include <barrier>
#include <cstdio>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

#include "lockgraph/lockgraph.h"

namespace {

void wait_until(const std::atomic<int>& flag, int value) {
  while (flag.load() < value) std::this_thread::yield();
}

int self_deadlock() {
  lockgraph::mutex m{"relocked"};
  m.lock();
  m.lock();  // never returns: the runtime reports and aborts (self_deadlock=abort)
  return 0;
}

int unlock_not_held() {
  lockgraph::mutex m{"never_locked"};
  m.unlock();
  return 0;
}

int unlock_not_owner() {
  lockgraph::mutex m{"owned_by_worker"};
  std::atomic<int> step{0};
  lockgraph::thread worker([&] {
    m.lock();
    step = 1;
    wait_until(step, 2);
    m.unlock();  // its own hold, as far as it knows
  });
  wait_until(step, 1);
  m.unlock();  // main does not own it
  step = 2;
  worker.join();
  return 0;
}

int destroy_held() {
  auto* m = new lockgraph::mutex{"deleted_while_locked"};
  m->lock();
  delete m;
  return 0;
}

int exit_holding() {
  // Leaked: destroying it, still locked, would be a second misuse (destroy-held).
  auto* m = new lockgraph::mutex{"left_locked"};
  lockgraph::thread worker([m] { m->lock(); });
  worker.join();
  return 0;
}

int wait_not_held() {
  lockgraph::mutex m{"not_held_for_wait"};
  lockgraph::condition_variable cv;
  std::unique_lock<lockgraph::mutex> lock(m, std::defer_lock);
  try {
    cv.wait(lock);  // std refuses (the lock does not own its mutex) after the runtime reported
  } catch (const std::system_error&) {
  }
  return 0;
}

int real_deadlock() {
  lockgraph::mutex a{"first"}, b{"second"};
  std::barrier both_hold_one(2);
  lockgraph::thread t1([&] {
    std::lock_guard<lockgraph::mutex> ga(a);
    both_hold_one.arrive_and_wait();
    std::lock_guard<lockgraph::mutex> gb(b);
  });
  lockgraph::thread t2([&] {
    std::lock_guard<lockgraph::mutex> gb(b);
    both_hold_one.arrive_and_wait();
    std::lock_guard<lockgraph::mutex> ga(a);
  });
  t1.join();
  t2.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string what = argc > 1 ? argv[1] : "";
  if (what == "self_deadlock") return self_deadlock();
  if (what == "unlock_not_held") return unlock_not_held();
  if (what == "unlock_not_owner") return unlock_not_owner();
  if (what == "destroy_held") return destroy_held();
  if (what == "exit_holding") return exit_holding();
  if (what == "wait_not_held") return wait_not_held();
  if (what == "real_deadlock") return real_deadlock();
  std::fprintf(stderr, "usage: misuse self_deadlock|unlock_not_held|unlock_not_owner|destroy_held|"
                       "exit_holding|wait_not_held|real_deadlock\n");
  return 2;
}
