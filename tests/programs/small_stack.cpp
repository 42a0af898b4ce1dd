// A thread that takes its first locks with only a few kilobytes of stack left: the runtime's
// slow path (a new chain: a stack capture and a chain record) runs on the program's stack, so it
// must fit in what a program may leave. The capture once kept 7 KB of arrays on the stack; this
// thread then crashed under lockgraph though it runs fine alone.
//
// Argument: the bytes of stack to leave free (default 6144). Exit code 0, one a -> b chain.
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include <lockgraph/lockgraph.h>

#include "little_stack.h"

namespace {

lockgraph::mutex a{"a"}, b{"b"};
std::size_t g_leave = 6144;

[[gnu::noinline]] void take_both() {
  std::lock_guard outer(a);
  std::lock_guard inner(b);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) g_leave = std::strtoul(argv[1], nullptr, 10);
  take_both();  // the main thread first: every function the path calls is bound now
  if (!little_stack::run_with_stack_left(g_leave, take_both)) {
    std::fprintf(stderr, "small_stack: a 64 KB thread stack cannot leave %zu bytes free\n", g_leave);
    return 3;  // the run would prove nothing
  }
  std::puts("done");
  return 0;
}
