#!/usr/bin/env bash
# Fuzzes every trace reader with libFuzzer (clang, ASan+UBSan) for SECONDS in total.
#
# Usage: tests/fuzz/run_fuzz.sh SECONDS [BUILD_DIR]
#
# Builds the fuzz targets in BUILD_DIR (default build-fuzz), seeds each corpus from real traces
# (../shared/traces for STD and RapidBin, tests/fuzz/seeds for lockgraph's own), runs each reader
# for a third of the time on the available cores, and prints executions and coverage per reader.
# Corpora persist in BUILD_DIR/corpus, so runs add up. Exits non-zero on any crash, leak, hang
# (10 s per input) or sanitizer report; the reproducer is left in BUILD_DIR/artifacts.
set -euo pipefail
seconds=${1:?usage: run_fuzz.sh SECONDS [BUILD_DIR]}
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
build=${2:-$source_dir/build-fuzz}
shared=$source_dir/../shared

CXX=${CXX_FUZZ:-clang++-14} cmake -S "$source_dir" -B "$build" -G Ninja -DLOCKGRAPH_FUZZ=ON \
  -DLOCKGRAPH_BUILD_TESTS=OFF -DLOCKGRAPH_BUILD_SAMPLES=OFF -DLOCKGRAPH_BUILD_BENCH=OFF >/dev/null
# Quiet unless it fails: ninja prints a compiler's errors on stdout.
if ! cmake --build "$build" --target fuzz_lgtrace fuzz_std fuzz_rapidbin >"$build/build.log" 2>&1; then
  cat "$build/build.log"
  echo "run_fuzz.sh: the fuzz targets did not build (clang)" >&2
  exit 1
fi

mkdir -p "$build/corpus/lgtrace" "$build/corpus/std" "$build/corpus/rapidbin" "$build/artifacts"
cp -n "$here"/seeds/*.lgtrace "$build/corpus/lgtrace/" 2>/dev/null || true
if [ -d "$shared/traces" ]; then
  # Small real traces only: a seed of megabytes makes every mutation slow.
  find "$shared/traces" -name '*.std' -size -40k -exec cp -n {} "$build/corpus/std/" \;
  find "$shared/traces" -name '*.data' -size -40k -exec cp -n {} "$build/corpus/rapidbin/" \;
fi

per_reader=$(( seconds / 3 > 1 ? seconds / 3 : 1 ))
jobs=${FUZZ_JOBS:-$(nproc)}
status=0
for reader in lgtrace std rapidbin; do
  log=$build/fuzz_$reader.log
  if ! "$build/tests/fuzz/fuzz_$reader" "$build/corpus/$reader" -max_total_time="$per_reader" \
      -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
      -artifact_prefix="$build/artifacts/${reader}-" -fork="$jobs" -ignore_crashes=0 \
      >"$log" 2>&1; then
    echo "fuzz_$reader: FAILED (see $log and $build/artifacts)"
    grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -5 || true
    status=1
  fi
  # With -fork, the parent's progress lines "#N: cov: C ft: F corp: ... exec/s: E" sum the jobs.
  last=$( (grep -E '^#[0-9]+' "$log" || true) | tail -1)
  execs=$( (echo "$last" | grep -Eo '^#[0-9]+' || echo "#?") | tr -d '#')
  cov=$( (echo "$last" | grep -Eo 'cov: [0-9]+' || echo "cov: ?") | grep -Eo '[0-9?]+$')
  ft=$( (echo "$last" | grep -Eo 'ft: [0-9]+' || echo "ft: ?") | grep -Eo '[0-9?]+$')
  echo "fuzz_$reader: ${per_reader}s, $execs executions, coverage $cov edges, $ft features, corpus $(ls "$build/corpus/$reader" | wc -l) inputs"
done
exit $status
