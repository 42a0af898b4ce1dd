// A thread that takes its first locks with only a few kilobytes of stack left: the runtime's
// slow path (a new chain: a stack capture and a chain record) runs on the program's stack, so it
// must fit in what a program may leave. The capture once kept 7 KB of arrays on the stack; this
// thread then crashed under lockgraph though it runs fine alone.
//
// Argument: the bytes of stack to leave free (default 6144). Exit code 0, one a -> b chain.
#include <alloca.h>
#include <pthread.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <lockgraph/lockgraph.h>

namespace {

lockgraph::mutex a{"a"}, b{"b"};
std::size_t g_leave = 6144;

[[gnu::noinline]] void take_both() {
  std::lock_guard outer(a);
  std::lock_guard inner(b);
}

// The bytes of this thread's stack below the caller's frame (glibc: pthread_getattr_np gives the
// usable stack, above the guard page).
[[gnu::noinline]] std::size_t stack_left() {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) std::abort();
  void* lowest = nullptr;
  std::size_t size = 0;
  pthread_attr_getstack(&attr, &lowest, &size);
  pthread_attr_destroy(&attr);
  char here;
  return static_cast<std::size_t>(&here - static_cast<char*>(lowest));
}

void* thread_main(void*) {
  std::size_t left = stack_left();
  if (left <= g_leave + 1024) std::abort();
  // Use up all but g_leave bytes (touched, so they are really in use), then lock.
  std::size_t pad = left - g_leave - 512;  // 512: this frame and stack_left's
  char* used = static_cast<char*>(alloca(pad));
  std::memset(used, 1, pad);
  asm volatile("" : : "r"(used) : "memory");
  take_both();
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) g_leave = std::strtoul(argv[1], nullptr, 10);
  take_both();  // the main thread first: every function the path calls is bound now
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  pthread_t thread;
  if (pthread_create(&thread, &attr, thread_main, nullptr) != 0) return 1;
  pthread_join(thread, nullptr);
  std::puts("done");
  return 0;
}
