// expect: no race
// A hand-off through an acq_rel exchange: the consumer takes the pointer the producer published.
#include <atomic>
#include <thread>
struct Node {
  int value;
};
std::atomic<Node*> slot{nullptr};
int main() {
  std::thread producer([] {
    Node* n = new Node{5};
    slot.exchange(n, std::memory_order_acq_rel);
  });
  std::thread consumer([] {
    Node* n;
    while ((n = slot.exchange(nullptr, std::memory_order_acq_rel)) == nullptr) {
    }
    if (n->value != 5) __builtin_trap();
    delete n;
  });
  producer.join();
  consumer.join();
}
