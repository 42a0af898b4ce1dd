// Plain C++ (no lockgraph header) for the preload interposer's edge cases, one per argument:
//   fork             locks in a parent and in a fork() child (each writes its own trace)
//   fork_exec        a forked child that execs /bin/true at once
//   nested_threads   threads that start threads that take locks in opposite orders
//   static_destructor a lock taken by a static object's destructor after main returned
//   self_deadlock    locks a std::mutex twice (the runtime reports it and aborts)
//   real_deadlock    two threads forced into the inverted order: hangs for real (the watchdog ends it)
//   timed            std::timed_mutex::try_lock_for in opposite orders, and a condition
//                    variable's wait_for (libstdc++ calls the pthread *clock* variants for both)
//   timed_cycle      two threads each hold one timed mutex and wait 1.5 s for the other's with
//                    try_lock_for: a wait-for cycle that ends by itself (both time out)
//   reused_address   two heap std::mutex taken in one order and freed, then two new ones at the
//                    same addresses taken in the other order: four locks, no cycle (std::mutex
//                    never calls pthread_mutex_init or _destroy, so only the mutex's own memory
//                    can tell the new locks from the old)
//   small_stack      a thread takes its first locks with 6 KB of stack left: the runtime's slow
//                    path runs on the program's stack and must fit (it once needed over 8 KB)
//   wrapper_class    two locks of a lock wrapper class as leveldb and rocksdb write them
//                    (port::Mutex, a MutexLock guard), made at two lines and taken in opposite
//                    orders by two threads: named and grouped by where each was made
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "little_stack.h"

namespace {

std::mutex first, second;

void in_order(std::mutex& a, std::mutex& b) {
  std::lock_guard<std::mutex> ga(a);
  std::lock_guard<std::mutex> gb(b);
}

int fork_case() {
  in_order(first, second);
  pid_t child = fork();
  if (child == 0) {
    in_order(second, first);  // the child's own order: its own trace, no cycle with the parent
    std::thread t([] { in_order(second, first); });
    t.join();
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

// A forked child that execs at once (a shell, a spawner): its trace holds its header and an end
// record "exec", not the "no end record: killed" of a lost trace.
int fork_exec() {
  in_order(first, second);
  pid_t child = fork();
  if (child == 0) {
    execl("/bin/true", "true", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int nested_threads() {
  std::thread outer([] {
    std::thread a([] { in_order(first, second); });
    a.join();  // joined before b starts: ordered, not a deadlock
    std::thread b([] { in_order(second, first); });
    b.join();
  });
  outer.join();
  return 0;
}

struct LocksAtExit {
  ~LocksAtExit() { in_order(first, second); }
};

int static_destructor() {
  static LocksAtExit at_exit;
  in_order(first, second);
  return 0;
}

int timed_cycle() {
  std::timed_mutex a, b;
  std::barrier both_hold_one(2);
  auto side = [&](std::timed_mutex& mine, std::timed_mutex& theirs) {
    std::lock_guard<std::timed_mutex> hold(mine);
    both_hold_one.arrive_and_wait();
    if (theirs.try_lock_for(std::chrono::milliseconds(1500))) theirs.unlock();
    both_hold_one.arrive_and_wait();  // both gave up before either lets go
  };
  std::thread t1(side, std::ref(a), std::ref(b)), t2(side, std::ref(b), std::ref(a));
  t1.join();
  t2.join();
  return 0;
}

int timed() {
  std::timed_mutex a, b;
  std::mutex m;
  std::condition_variable cv;
  auto take = [](std::timed_mutex& x, std::timed_mutex& y) {
    if (!x.try_lock_for(std::chrono::seconds(5))) return;
    if (y.try_lock_for(std::chrono::seconds(5))) y.unlock();
    x.unlock();
  };
  std::thread t1([&] { take(a, b); });
  t1.join();
  std::thread t2([&] { take(b, a); });  // after t1: ordered, and timed anyway
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait_for(lock, std::chrono::milliseconds(10));
  }
  t2.join();
  return 0;
}

int self_deadlock() {
  first.lock();
  first.lock();
  return 0;
}

int real_deadlock() {
  std::barrier both_hold_one(2);
  std::thread t1([&] {
    std::lock_guard<std::mutex> a(first);
    both_hold_one.arrive_and_wait();
    std::lock_guard<std::mutex> b(second);
  });
  std::thread t2([&] {
    std::lock_guard<std::mutex> b(second);
    both_hold_one.arrive_and_wait();
    std::lock_guard<std::mutex> a(first);
  });
  t1.join();
  t2.join();
  return 0;
}

int reused_address() {
  auto* a = new std::mutex;
  auto* b = new std::mutex;
  in_order(*a, *b);
  const void* where_a = a;
  const void* where_b = b;
  delete a;
  delete b;
  auto* c = new std::mutex;  // glibc's allocator hands the last freed chunk out first: b's
  auto* d = new std::mutex;  // then a's
  if (static_cast<void*>(c) != where_b || static_cast<void*>(d) != where_a) {
    std::fprintf(stderr, "reused_address: the allocator did not reuse the addresses\n");
    return 3;  // the case would prove nothing
  }
  in_order(*c, *d);  // at a's and b's addresses: the opposite order
  delete c;
  delete d;
  return 0;
}

int small_stack() {
  // 3: the thread's stack was too small to leave 6 KB (the case would prove nothing)
  return little_stack::run_with_stack_left(6144, [] { in_order(first, second); }) ? 0 : 3;
}

// Out of line, as in a library: the wrapper's frames are its own in every stack.
namespace port {
class Mutex {
 public:
  [[gnu::noinline]] Mutex() { pthread_mutex_init(&mu_, nullptr); }
  [[gnu::noinline]] ~Mutex() { pthread_mutex_destroy(&mu_); }
  [[gnu::noinline]] void Lock() { pthread_mutex_lock(&mu_); }
  [[gnu::noinline]] void Unlock() { pthread_mutex_unlock(&mu_); }

 private:
  pthread_mutex_t mu_;
};
}  // namespace port

class MutexLock {
 public:
  [[gnu::noinline]] explicit MutexLock(port::Mutex* mu) : mu_(mu) { mu_->Lock(); }
  [[gnu::noinline]] ~MutexLock() { mu_->Unlock(); }

 private:
  port::Mutex* mu_;
};

int wrapper_class() {
  auto* index = new port::Mutex;
  auto* cache = new port::Mutex;
  std::atomic<int> turn{0};
  auto nested = [&turn](port::Mutex* outer, port::Mutex* inner, int mine) {
    while (turn.load() != mine) std::this_thread::yield();
    {
      MutexLock a(outer);
      MutexLock b(inner);
    }
    turn = mine + 1;
  };
  std::thread t1(nested, index, cache, 0), t2(nested, cache, index, 1);
  t1.join();
  t2.join();
  delete index;
  delete cache;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string what = argc > 1 ? argv[1] : "";
  if (what == "fork") return fork_case();
  if (what == "nested_threads") return nested_threads();
  if (what == "static_destructor") return static_destructor();
  if (what == "timed") return timed();
  if (what == "fork_exec") return fork_exec();
  if (what == "timed_cycle") return timed_cycle();
  if (what == "self_deadlock") return self_deadlock();
  if (what == "real_deadlock") return real_deadlock();
  if (what == "reused_address") return reused_address();
  if (what == "small_stack") return small_stack();
  if (what == "wrapper_class") return wrapper_class();
  std::fprintf(stderr, "usage: plain_edge_cases fork|nested_threads|static_destructor|self_deadlock|real_deadlock|\n"
               "                        timed|reused_address|small_stack|wrapper_class\n");
  return 2;
}
