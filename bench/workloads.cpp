// Lock-heavy workloads for bench/compare.sh, one per argument, sized by a scale factor. Built
// three ways from this one source: plain (LOCKGRAPH_DISABLE: std types), with the lockgraph
// wrappers (linked runtime), and with clang's -fsanitize=thread; the plain build also runs under
// `lockgraph run` and Helgrind.
//
//   nested         4 threads, each iteration takes 2-3 of 64 locks nested in a global order
//   prodcons       2 producers, 2 consumers, a bounded queue with a mutex and two condition variables
//   short_threads  many short threads, each takes a lock a few times and ends
//   counter        the seeds' counter: 4 threads increment a shared counter under one lock
//   sweep T D C    how cost grows: T threads, each iteration takes D nested locks (in a global
//                  order, so it never deadlocks) along one of C distinct chains; scale = millions
//                  of iterations in all
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "lockgraph/lockgraph.h"

namespace {

using Mutex = lockgraph::mutex;
using Thread = lockgraph::thread;

long nested(long scale) {
  constexpr int kLocks = 64, kThreads = 4;
  std::vector<Mutex> locks(kLocks);
  std::vector<long> counters(kLocks, 0);
  std::vector<Thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      unsigned x = 12345u + static_cast<unsigned>(t);
      for (long i = 0; i < scale * 20000; ++i) {
        x = x * 1103515245u + 12345u;
        int a = static_cast<int>(x >> 8) % kLocks, b = static_cast<int>(x >> 16) % kLocks;
        if (a == b) b = (b + 1) % kLocks;
        if (a > b) std::swap(a, b);
        std::lock_guard<Mutex> ga(locks[a]);
        std::lock_guard<Mutex> gb(locks[b]);
        ++counters[b];
        if (i % 4 == 0 && b + 1 < kLocks) {
          std::lock_guard<Mutex> gc(locks[b + 1]);
          ++counters[b + 1];
        }
      }
    });
  for (auto& t : threads) t.join();
  long sum = 0;
  for (long c : counters) sum += c;
  return sum;
}

long prodcons(long scale) {
  Mutex m;
  lockgraph::condition_variable not_empty, not_full;
  std::deque<long> queue;
  constexpr std::size_t kCapacity = 64;
  const long items = scale * 20000;
  long consumed_sum = 0;
  std::vector<Thread> threads;
  for (int p = 0; p < 2; ++p)
    threads.emplace_back([&] {
      for (long i = 0; i < items; ++i) {
        std::unique_lock<Mutex> lock(m);
        not_full.wait(lock, [&] { return queue.size() < kCapacity; });
        queue.push_back(i);
        not_empty.notify_one();
      }
    });
  for (int c = 0; c < 2; ++c)
    threads.emplace_back([&] {
      for (long i = 0; i < items; ++i) {
        std::unique_lock<Mutex> lock(m);
        not_empty.wait(lock, [&] { return !queue.empty(); });
        consumed_sum += queue.front();
        queue.pop_front();
        not_full.notify_one();
      }
    });
  for (auto& t : threads) t.join();
  return consumed_sum;
}

long short_threads(long scale) {
  Mutex m;
  long total = 0;
  for (long round = 0; round < scale * 50; ++round) {
    std::vector<Thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < 10; ++i) {
          std::lock_guard<Mutex> g(m);
          ++total;
        }
      });
    for (auto& t : threads) t.join();
  }
  return total;
}

long counter(long scale) {
  Mutex m;
  long value = 0;
  std::vector<Thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (long i = 0; i < scale * 50000; ++i) {
        std::lock_guard<Mutex> g(m);
        ++value;
      }
    });
  for (auto& t : threads) t.join();
  return value;
}

long sweep(long threads, long depth, long chains, long scale) {
  constexpr long kLocks = 1024;
  std::vector<Mutex> locks(kLocks);
  std::vector<long> counters(kLocks, 0);
  std::vector<Thread> workers;
  const long per_thread = scale * 1000000 / threads;
  for (long t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      unsigned x = 777u + static_cast<unsigned>(t);
      std::vector<std::unique_lock<Mutex>> held;
      held.reserve(static_cast<std::size_t>(depth));
      for (long i = 0; i < per_thread; ++i) {
        x = x * 1103515245u + 12345u;
        // Chain c: locks base, base + stride, ... ascending (c < 512 * 64 keeps them in range).
        long c = static_cast<long>(x >> 8) % chains;
        long base = c % 512, stride = 1 + c / 512;
        for (long k = 0; k < depth; ++k) held.emplace_back(locks[base + k * stride]);
        ++counters[base];
        while (!held.empty()) held.pop_back();
      }
    });
  for (auto& w : workers) w.join();
  long sum = 0;
  for (long c : counters) sum += c;
  return sum;
}

// The whole decimal argument in [low, high], or -1.
long parse_in_range(const char* text, long low, long high) {
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  return end != text && *end == '\0' && value >= low && value <= high ? value : -1;
}

// sweep's arguments, checked: its lock indices stay inside the 1,024 locks only for depth <= 8 and
// chains <= 512 * 64, and zero threads or chains would divide by zero.
int run_sweep(char** argv, long& result) {
  long threads = parse_in_range(argv[2], 1, 1024), depth = parse_in_range(argv[3], 1, 8);
  long chains = parse_in_range(argv[4], 1, 512 * 64), millions = parse_in_range(argv[5], 1, 100000);
  if (threads < 0 || depth < 0 || chains < 0 || millions < 0) {
    std::fprintf(stderr,
                 "workloads sweep: expected THREADS 1-1024, DEPTH 1-8, CHAINS 1-32768, MILLIONS "
                 "1-100000; got %s %s %s %s\n",
                 argv[2], argv[3], argv[4], argv[5]);
    return 2;
  }
  result = sweep(threads, depth, chains, millions);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string what = argc > 1 ? argv[1] : "";
  long scale = argc > 2 ? parse_in_range(argv[2], 1, 100000) : 10;
  if (scale < 0 && what != "sweep") {
    std::fprintf(stderr, "workloads %s: expected SCALE 1-100000, got %s\n", what.c_str(), argv[2]);
    return 2;
  }
  long result;
  if (what == "nested")
    result = nested(scale);
  else if (what == "prodcons")
    result = prodcons(scale);
  else if (what == "short_threads")
    result = short_threads(scale);
  else if (what == "counter")
    result = counter(scale);
  else if (what == "sweep" && argc == 6) {
    if (int status = run_sweep(argv, result)) return status;
  } else {
    std::fprintf(stderr,
                 "usage: workloads nested|prodcons|short_threads|counter [SCALE]\n"
                 "       workloads sweep THREADS DEPTH CHAINS MILLIONS\n");
    return 2;
  }
  std::printf("%s %ld\n", what.c_str(), result);
  return 0;
}
