// Cost of an annotated access on the fast path (the same variable again within one sync epoch,
// which the runtime filters thread-locally) against a plain volatile access, and a shared<int>
// increment against a plain one.
//
// Run: build/bench/access_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <lockgraph/lockgraph.h>

extern "C" const char* lockgraph_default_options() {
  return "trace_path=/tmp/lockgraph-access-bench-%p.lgtrace:verbosity=0";
}

void plain_increment(benchmark::State& state) {
  static thread_local volatile int value = 0;
  for (auto _ : state) value = value + 1;
}

void shared_increment(benchmark::State& state) {
  static thread_local lockgraph::shared<int> value{0, "value"};
  for (auto _ : state) value += 1;
}

void annotated_write(benchmark::State& state) {
  static thread_local volatile int value = 0;
  for (auto _ : state) {
    LOCKGRAPH_WRITE(value, "value");
    value = value + 1;
  }
}

BENCHMARK(plain_increment)->Name("increment/plain");
BENCHMARK(shared_increment)->Name("increment/lockgraph_shared");
BENCHMARK(annotated_write)->Name("increment/LOCKGRAPH_WRITE");

BENCHMARK_MAIN();
