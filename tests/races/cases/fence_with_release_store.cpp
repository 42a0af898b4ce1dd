// expect: no race
// tsan: race (ThreadSanitizer does not model fences: it reports this correct program)
// A release store read by a relaxed load, then an acquire fence (C++ [atomics.fences]/4), and a
// seq_cst fence on the other side of a relaxed store (a seq_cst fence is a release fence too).
#include <atomic>
#include <thread>
int first = 0;
int second = 0;
int sink = 0;
std::atomic<int> a{0};
std::atomic<int> b{0};
int main() {
  std::thread producer([] {
    first = 1;
    a.store(1, std::memory_order_release);
    second = 1;
    std::atomic_thread_fence(std::memory_order_seq_cst);
    b.fetch_add(1, std::memory_order_relaxed);
  });
  std::thread consumer([] {
    while (a.load(std::memory_order_relaxed) == 0) {
    }
    while (b.load(std::memory_order_relaxed) == 0) {
    }
    std::atomic_thread_fence(std::memory_order_acquire);
    sink = first + second;
  });
  producer.join();
  consumer.join();
}
