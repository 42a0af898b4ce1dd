// Lock+unlock pair (summary mode, known chain). Flat (one lock) and nested (two deep), one thread
// and two threads (each with its own locks: this measures what the instrumentation adds, not
// contention on a shared cache line). Built twice:
//   lock_bench_plain  no runtime (LOCKGRAPH_DISABLE): std::mutex, the baseline
//   lock_bench        linked with the runtime: lockgraph::mutex (the wrapper), and a std::mutex
//                     that is no wrapper (recorded by the runtime library's interposer)
//
// Run: build/bench/lock_bench_plain --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//      build/bench/lock_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <mutex>

#include <lockgraph/lockgraph.h>

// The benchmark's trace goes to /tmp, quietly; LOCKGRAPH_OPTIONS still overrides.
extern "C" const char* lockgraph_default_options() {
  return "trace_path=/tmp/lockgraph-bench-%p.lgtrace:verbosity=0";
}

template <class Mutex>
void flat(benchmark::State& state) {
  static thread_local Mutex m;
  for (auto _ : state) {
    m.lock();
    m.unlock();
  }
}

template <class Mutex>
void nested(benchmark::State& state) {
  static thread_local Mutex outer, inner;
  for (auto _ : state) {
    outer.lock();
    inner.lock();
    inner.unlock();
    outer.unlock();
  }
}

#ifdef LOCKGRAPH_DISABLE
BENCHMARK(flat<std::mutex>)->Name("flat/plain_std_mutex")->Threads(1)->Threads(2);
BENCHMARK(nested<std::mutex>)->Name("nested2/plain_std_mutex")->Threads(1)->Threads(2);
#else
BENCHMARK(flat<std::mutex>)->Name("flat/recorded_std_mutex")->Threads(1)->Threads(2);
BENCHMARK(flat<lockgraph::mutex>)->Name("flat/lockgraph_mutex")->Threads(1)->Threads(2);
BENCHMARK(nested<std::mutex>)->Name("nested2/recorded_std_mutex")->Threads(1)->Threads(2);
BENCHMARK(nested<lockgraph::mutex>)->Name("nested2/lockgraph_mutex")->Threads(1)->Threads(2);
#endif

BENCHMARK_MAIN();
