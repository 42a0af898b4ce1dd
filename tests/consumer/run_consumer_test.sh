#!/usr/bin/env bash
# Installs the build into a fresh prefix, builds tests/consumer against it with find_package, runs
# it, and analyses its trace with the installed CLI.
# Usage: run_consumer_test.sh BUILD_DIR SOURCE_DIR WORK_DIR [SANITIZER]
# With SANITIZER (address|thread, the build's LOCKGRAPH_SANITIZE) the consumer is built with it
# too: a sanitized runtime needs a sanitized program.
set -euo pipefail
build=$1 source=$2 work=$3 sanitizer=${4:-}
flags=""
[ "$sanitizer" = address ] && flags="-fsanitize=address,undefined"
[ "$sanitizer" = thread ] && flags="-fsanitize=thread"
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/lockgraph/lockgraph.h"
test -x "$work/prefix/bin/lockgraph"
cmake -S "$source/tests/consumer" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_FLAGS="$flags" >/dev/null
cmake --build "$work/build" >/dev/null
LOCKGRAPH_OPTIONS="trace_path=$work/traces/%p.lgtrace:verbosity=0" "$work/build/consumer"
status=0
"$work/prefix/bin/lockgraph" analyze "$work/traces" >"$work/report.txt" || status=$?
grep -q "first --> second --> first\|second --> first --> second" "$work/report.txt"
# The installed interposer, found by the installed CLI beside it (../lib), on a plain program
# (skipped in sanitizer builds, where the sanitizer owns the pthread interceptors).
test -f "$work/prefix/lib/liblockgraph_preload.so"
if [ -z "$sanitizer" ]; then
  printf '#include <mutex>\n#include <thread>\nstd::mutex a, b;\nint main() {\n  std::thread([] { std::scoped_lock l(a); std::lock_guard g(b); }).join();\n  std::lock_guard g(b); std::lock_guard h(a);\n}\n' >"$work/plain.cpp"
  g++ -std=c++17 -g -pthread "$work/plain.cpp" -o "$work/plain"
  run_status=0
  "$work/prefix/bin/lockgraph" run --all --trace-dir "$work/run" -- "$work/plain" >"$work/run.txt" 2>&1 || run_status=$?
  grep -q "Chain exists of" "$work/run.txt"
  echo "installed lockgraph run exit $run_status (an inverted pair, ordered by join)"
fi
# docs/ci.md's ctest recipe: the program as a test under `lockgraph run`; its inversion fails the
# test, with the report in ctest's output (not in sanitizer builds: the preload library would come
# before the sanitizer's runtime).
if [ -z "$sanitizer" ]; then
  ctest_status=0
  ctest --test-dir "$work/build" --output-on-failure >"$work/ctest.txt" 2>&1 || ctest_status=$?
  test "$ctest_status" != 0
  grep -q "0% tests passed, 1 tests failed out of 1" "$work/ctest.txt"
  grep -q "lock-order-inversion" "$work/ctest.txt"
  echo "its ctest test under lockgraph run failed on the finding, as it should"
fi
echo "consumer built against the installed package; installed CLI exit $status"
