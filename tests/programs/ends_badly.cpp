// Takes two locks in opposite orders in two threads, then ends the way argv[1] says: "abort",
// "segv", "term", "exit" (std::exit from a thread), "quick_exit", or "return". The trace must hold
// both orders whatever the ending.
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <lockgraph/lockgraph.h>

lockgraph::mutex a{"a"}, b{"b"};

int main(int argc, char** argv) {
  const char* how = argc > 1 ? argv[1] : "return";
  lockgraph::thread t1([] { std::lock_guard x(a); std::lock_guard y(b); });
  t1.join();
  {
    std::lock_guard y(b);
    std::lock_guard x(a);  // still held below when the process dies
    if (!std::strcmp(how, "abort")) std::abort();
    if (!std::strcmp(how, "segv")) std::raise(SIGSEGV);
    if (!std::strcmp(how, "term")) std::raise(SIGTERM);
    if (!std::strcmp(how, "exit")) std::exit(3);
    if (!std::strcmp(how, "quick_exit")) std::quick_exit(4);
  }
  return 0;
}
