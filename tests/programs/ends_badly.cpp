// Takes two locks in opposite orders in two threads, then ends the way argv[1] says: "abort",
// "segv", "term", "exit" (std::exit from a thread), "quick_exit", "_exit", "_Exit", "exec" (into
// /bin/true, which records nothing), "stack_overflow"
// (runaway recursion: a SIGSEGV with no stack left to handle it on), "alarm" (SIGALRM from
// alarm(1)), "hup", "pipe", "usr1" (raised), "ignored_pipe" (SIGPIPE ignored by the program before
// it takes a lock, then raised: it must stay ignored), "kill" (SIGKILL: no handler runs) or
// "return". The trace must hold both orders whatever the ending.
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <lockgraph/lockgraph.h>

lockgraph::mutex a{"a"}, b{"b"};

// Recurses `depth` times (the caller passes more than any stack holds), 256 bytes a frame.
[[gnu::noinline]] int recurse(long depth, volatile char* below) {
  volatile char frame[256];
  frame[0] = below ? static_cast<char>(below[0] + 1) : 0;
  if (depth == 0) return frame[0];
  return recurse(depth - 1, frame) + frame[1];  // used after the call: not a tail call
}

int main(int argc, char** argv) {
  const char* how = argc > 1 ? argv[1] : "return";
  if (!std::strcmp(how, "ignored_pipe")) std::signal(SIGPIPE, SIG_IGN);
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
    if (!std::strcmp(how, "_exit")) _exit(5);
    if (!std::strcmp(how, "_Exit")) std::_Exit(6);
    if (!std::strcmp(how, "exec")) execl("/bin/true", "true", static_cast<char*>(nullptr));
    if (!std::strcmp(how, "alarm")) {
      alarm(1);
      for (;;) pause();
    }
    if (!std::strcmp(how, "hup")) std::raise(SIGHUP);
    if (!std::strcmp(how, "pipe") || !std::strcmp(how, "ignored_pipe")) std::raise(SIGPIPE);
    if (!std::strcmp(how, "usr1")) std::raise(SIGUSR1);
    if (!std::strcmp(how, "kill")) std::raise(SIGKILL);
    if (!std::strcmp(how, "stack_overflow")) return recurse(argc * 1000000000L, nullptr);
  }
  return 0;
}
