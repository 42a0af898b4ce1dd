// Plain C++ (no lockgraph header) for the preload interposer's edge cases, one per argument:
//   fork             locks in a parent and in a fork() child (each writes its own trace)
//   nested_threads   threads that start threads that take locks in opposite orders
//   static_destructor a lock taken by a static object's destructor after main returned
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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

}  // namespace

int main(int argc, char** argv) {
  std::string what = argc > 1 ? argv[1] : "";
  if (what == "fork") return fork_case();
  if (what == "nested_threads") return nested_threads();
  if (what == "static_destructor") return static_destructor();
  std::fprintf(stderr, "usage: plain_edge_cases fork|nested_threads|static_destructor\n");
  return 2;
}
