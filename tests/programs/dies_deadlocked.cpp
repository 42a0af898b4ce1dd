// Ends in ways that leave the runtime no chance to write anything at the end. argv[1]:
//   "kill"          two threads deadlock for real (a -> b, b -> a), then the process is SIGKILLed;
//   "fork_exit"     a fork child takes a -> b in a thread and b -> a in its main thread, then
//                   _exit(0)s; the parent exits 0;
//   "fork_deadlock" a fork child deadlocks for real; its hang watchdog (started in the child: the
//                   parent's does not survive the fork) must end it with SIGABRT (run with
//                   hang_timeout_ms and on_hang=abort). The parent exits 0 if it did, 1 if the
//                   child ended otherwise, 2 if the child still hung after 20 s (then killed).
// The traces must hold every lock order taken before the end.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <mutex>
#include <thread>

#include <lockgraph/lockgraph.h>

namespace {

lockgraph::mutex a{"a"}, b{"b"};

// Two threads each take one lock and then wait for the other's: a real deadlock. Never returns.
[[noreturn]] void deadlock() {
  std::atomic<int> holding{0};
  auto take = [&holding](lockgraph::mutex& first, lockgraph::mutex& second) {
    first.lock();
    ++holding;
    while (holding.load() < 2) std::this_thread::yield();
    second.lock();
  };
  lockgraph::thread t1(take, std::ref(a), std::ref(b));
  lockgraph::thread t2(take, std::ref(b), std::ref(a));
  for (;;) pause();
}

void opposite_orders() {
  lockgraph::thread t([] { std::lock_guard x(a); std::lock_guard y(b); });
  t.join();
  std::lock_guard y(b);
  std::lock_guard x(a);
}

int wait_for(pid_t child) {
  int status = 0;
  for (int i = 0; i < 2000; ++i) {
    if (waitpid(child, &status, WNOHANG) == child) {
      if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT) return 0;
      return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(child, SIGKILL);
  waitpid(child, &status, 0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const char* how = argc > 1 ? argv[1] : "";
  { std::lock_guard x(a); }  // the parent records before it forks
  if (!std::strcmp(how, "kill")) {
    std::thread killer([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      raise(SIGKILL);
    });
    deadlock();
  }
  if (!std::strcmp(how, "fork_exit") || !std::strcmp(how, "fork_deadlock")) {
    pid_t child = fork();
    if (child == 0) {
      if (!std::strcmp(how, "fork_deadlock")) deadlock();
      opposite_orders();
      _exit(0);
    }
    int status = 0;
    if (!std::strcmp(how, "fork_exit")) return waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
    return wait_for(child);
  }
  return 64;
}
