// expect: race
// A process with threads forks; the child's two threads increment one counter without a lock. The
// child's trace is a file of its own (its pid), and its race is reported like any other.
#include <sys/wait.h>
#include <unistd.h>
#include <mutex>
#include <thread>
std::mutex m;
long shared_before_fork = 0;
long counter = 0;
int main() {
  std::thread before([] {
    for (int i = 0; i < 1000; ++i) {
      std::lock_guard<std::mutex> g(m);
      ++shared_before_fork;
    }
  });
  before.join();
  const pid_t child = fork();
  if (child == 0) {
    auto add = [] {
      for (int i = 0; i < 1000; ++i) ++counter;
    };
    std::thread a(add), b(add);
    a.join();
    b.join();
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
