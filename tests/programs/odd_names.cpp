// Names as the system gives them, bytes that are not UTF-8 included: a lock named "caf\xe9" (Latin-1)
// and a thread named "w\xff" take two locks. The trace must stay valid UTF-8 and keep the names
// readable (the bytes written as \xNN). And a global wrapper given no name, which the report must
// name after its symbol.
#include <lockgraph/lockgraph.h>

#include <mutex>

lockgraph::mutex latin1{"caf\xe9"}, plain{"plain"};
lockgraph::mutex unnamed_global;

int main() {
  lockgraph::thread t([] {
    lockgraph::set_thread_name("w\xff");
    std::lock_guard a(latin1);
    std::lock_guard b(plain);
    std::lock_guard c(unnamed_global);
  });
  t.join();
  return 0;
}
