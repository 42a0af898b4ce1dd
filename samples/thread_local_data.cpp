// Seed 003_95be9febe23781bc.txt, "Thread Communication" > "3. Thread Local Data": set_data writes
// local_data.value in its thread; show_data in another thread finds no value. Expected: nothing.
#include <cstdio>
#include <optional>

#include <lockgraph/lockgraph.h>

thread_local std::optional<int> local_value;

void show_data() {
  LOCKGRAPH_READ(local_value, "local_data.value");
  if (!local_value)
    std::puts("No value yet");
  else
    std::printf("Value = %d\n", *local_value);
}

void set_data(int val) {
  LOCKGRAPH_WRITE(local_value, "local_data.value");
  local_value = val;
  show_data();
}

int main() {
  lockgraph::thread show_thread(show_data);
  lockgraph::thread set_thread(set_data, 5);
  show_thread.join();
  set_thread.join();
  lockgraph::thread again(show_data);
  again.join();
}
