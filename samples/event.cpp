// Seed 003_95be9febe23781bc.txt, "Thread Synchronization" > "3. Event": a waiter blocks until a
// setter sets the event; here the setter also publishes a value the waiter then reads.
// Expected: nothing (the event orders the write before the read).
#include <cstdio>

#include <lockgraph/lockgraph.h>

#include "support/event.h"

samples::Event event;
lockgraph::shared<int> payload{0, "payload"};

void wait_for_event() {
  std::puts("Waiting for event to be set.");
  event.wait();
  std::printf("Event has been set. payload = %d\n", payload.load());
}

void set_event() {
  std::puts("Setting event.");
  payload = 42;
  event.set();
}

int main() {
  lockgraph::thread waiter(wait_for_event);
  lockgraph::thread setter(set_event);
  waiter.join();
  setter.join();
}
