// expect: no race
// A process with threads forks; the child's threads share only what a mutex orders, and read what
// the parent's threads wrote before the fork: the child's memory is its own copy, so nothing it
// does races with the parent.
#include <sys/wait.h>
#include <unistd.h>
#include <mutex>
#include <thread>
#include <vector>
std::mutex m;
long written_before_fork = 0;
long counter = 0;
int main() {
  std::vector<long> data(4096, 1);
  std::thread before([&] {
    for (long& x : data) x += 1;
    std::lock_guard<std::mutex> g(m);
    written_before_fork = 7;
  });
  before.join();
  const pid_t child = fork();
  if (child == 0) {
    auto add = [&] {
      long sum = 0;
      for (long x : data) sum += x;
      std::lock_guard<std::mutex> g(m);
      counter += sum + written_before_fork;
    };
    std::thread a(add), b(add);
    a.join();
    b.join();
    _exit(counter == 2 * (2 * 4096 + 7) ? 0 : 1);
  }
  for (long& x : data) x = 0;  // the parent's own copy
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
