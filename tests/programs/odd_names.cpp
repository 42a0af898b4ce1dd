// Names as the system gives them, bytes that are not UTF-8 included: a lock named "caf\xe9" (Latin-1)
// and a thread named "w\xff" take two locks. The trace must stay valid UTF-8 and keep the names
// readable (the bytes written as \xNN).
#include <lockgraph/lockgraph.h>

#include <mutex>

lockgraph::mutex latin1{"caf\xe9"}, plain{"plain"};

int main() {
  lockgraph::thread t([] {
    lockgraph::set_thread_name("w\xff");
    std::lock_guard a(latin1);
    std::lock_guard b(plain);
  });
  t.join();
  return 0;
}
