// Workloads for the race-detection benchmark (bench/races.sh), plain std code built five ways
// (plain, clang TSan, gcc TSan, lockgraph's race flags with clang and with gcc).
//   memory N   two threads each sweep their own 4 MiB array N times, reading and writing every
//              word, and add to a shared total under a mutex after each sweep (memory-heavy: most
//              accesses repeat within a sync epoch)
//   locks N    four threads each take a mutex N times to bump a shared counter (lock-heavy)
//   mixed N    two threads hand 1,024-word buffers over through a mutex-protected queue, N times
//              (every buffer written by one thread, read by another: no access repeats)
//   turns N    two threads take turns N times each through an atomic flag (release store,
//              acquire load), bumping a shared counter in their turn (sync-heavy: every turn is
//              a hand-off, as in lock-free code; a trace of millions of sync events to analyze)
//   scatter N  a thread adds to N random bytes of a 64 MiB array in one sync epoch; main joins
//              it and does the same (no race: a trace of millions of first accesses of one epoch
//              each, as compressors write; it tests the analysis's memory per accessed location)
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace {

std::mutex total_lock;
long total = 0;

void memory_heavy(long sweeps) {
  auto work = [sweeps] {
    std::vector<long> data(512 * 1024, 1);
    for (long s = 0; s < sweeps; ++s) {
      long sum = 0;
      for (long& x : data) {
        x = x * 3 + 1;
        sum += x;
      }
      std::lock_guard<std::mutex> g(total_lock);
      total += sum & 1;
    }
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
}

void lock_heavy(long rounds) {
  auto work = [rounds] {
    for (long i = 0; i < rounds; ++i) {
      std::lock_guard<std::mutex> g(total_lock);
      ++total;
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(work);
  for (auto& t : threads) t.join();
}

void mixed(long buffers) {
  std::deque<std::vector<long>*> queue;
  std::mutex queue_lock;
  std::thread producer([&] {
    for (long i = 0; i < buffers; ++i) {
      auto* buffer = new std::vector<long>(1024);
      for (long j = 0; j < 1024; ++j) (*buffer)[j] = i + j;
      std::lock_guard<std::mutex> g(queue_lock);
      queue.push_back(buffer);
    }
  });
  std::thread consumer([&] {
    for (long taken = 0; taken < buffers;) {
      std::vector<long>* buffer = nullptr;
      {
        std::lock_guard<std::mutex> g(queue_lock);
        if (!queue.empty()) {
          buffer = queue.front();
          queue.pop_front();
        }
      }
      if (!buffer) {
        std::this_thread::yield();
        continue;
      }
      long sum = 0;
      for (long x : *buffer) sum += x;
      total += sum & 1;
      delete buffer;
      ++taken;
    }
  });
  producer.join();
  consumer.join();
}

void turns(long rounds) {
  std::atomic<int> turn{0};
  auto player = [&turn, rounds](int me) {
    for (long i = 0; i < rounds; ++i) {
      while (turn.load(std::memory_order_acquire) != me) {
      }
      ++total;
      turn.store(1 - me, std::memory_order_release);
    }
  };
  std::thread a(player, 0), b(player, 1);
  a.join();
  b.join();
}

void scatter(long n) {
  std::vector<unsigned char> bytes(std::size_t{64} << 20);
  auto add = [&bytes, n](unsigned seed) {
    for (long i = 0; i < n; ++i) {
      seed = seed * 1103515245u + 12345u;  // the C standard's example generator
      ++bytes[(seed >> 3) % bytes.size()];
    }
  };
  std::thread helper(add, 1u);
  helper.join();
  add(2u);
  for (unsigned char b : bytes) total += b;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: race_workloads memory|locks|mixed|turns|scatter N\n");
    return 2;
  }
  long n = std::atol(argv[2]);
  if (!std::strcmp(argv[1], "memory")) memory_heavy(n);
  else if (!std::strcmp(argv[1], "locks")) lock_heavy(n);
  else if (!std::strcmp(argv[1], "mixed")) mixed(n);
  else if (!std::strcmp(argv[1], "turns")) turns(n);
  else if (!std::strcmp(argv[1], "scatter")) scatter(n);
  else return 2;
  std::printf("%ld\n", total);
}
