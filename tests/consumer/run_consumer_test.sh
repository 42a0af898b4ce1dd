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
# What a package holds: versioned runtimes, the LICENSE, no headers of libraries it does not install.
readelf -d "$work/prefix/lib/liblockgraph_runtime.so" | grep -q "SONAME.*\[liblockgraph_runtime.so.0\]"
test -f "$work/prefix/share/doc/lockgraph/LICENSE"
test ! -e "$work/prefix/include/lockgraph/analysis" && test ! -e "$work/prefix/include/lockgraph/viz"
cmake -S "$source/tests/consumer" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_FLAGS="$flags" >/dev/null
cmake --build "$work/build" >/dev/null
LOCKGRAPH_OPTIONS="trace_path=$work/traces/%p.lgtrace:verbosity=0" "$work/build/consumer"
status=0
"$work/prefix/bin/lockgraph" analyze "$work/traces" >"$work/report.txt" || status=$?
grep -q "first --> second --> first\|second --> first --> second" "$work/report.txt"
# -DLOCKGRAPH_ENABLE=OFF: the same project builds plain (wrappers as std types, nothing of
# lockgraph linked, no trace written).
cmake -S "$source/tests/consumer" -B "$work/build_off" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_FLAGS="$flags" -DLOCKGRAPH_ENABLE=OFF >/dev/null
cmake --build "$work/build_off" >/dev/null
for program in consumer consumer_races; do
  [ -x "$work/build_off/$program" ] || continue
  if ldd "$work/build_off/$program" | grep -q lockgraph || nm "$work/build_off/$program" | grep -q " __tsan_"; then
    echo "LOCKGRAPH_ENABLE=OFF: $program still carries lockgraph"; exit 1
  fi
done
(cd "$work/build_off" && LOCKGRAPH_OPTIONS= ./consumer)
if ls "$work/build_off"/*.lgtrace >/dev/null 2>&1; then echo "LOCKGRAPH_ENABLE=OFF: a trace was written"; exit 1; fi
echo "LOCKGRAPH_ENABLE=OFF: built plain, no trace"
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
# Races in plain code, from the installed package: CMake's lockgraph_instrument(... RACES), and a
# hand-written two-step build with pkg-config (C with gcc, C++ with clang++), never linking TSan.
if [ -z "$sanitizer" ]; then
  races_found() {  # program: run it under the installed CLI, expect exit 1 with a data race
    local out=$1; shift
    local rs=0
    "$work/prefix/bin/lockgraph" run --format json -o "$out.json" --trace-dir "$out.traces" -- "$@" >/dev/null 2>&1 || rs=$?
    test "$rs" = 1
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["summary"]["races_checked"]; assert any(f["kind"]=="data-race" for f in d["findings"])' "$out.json"
  }
  races_found "$work/cmake_races" "$work/build/consumer_races"
  export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
  gcc -std=gnu11 $(pkg-config --cflags lockgraph-races) -c "$source/tests/consumer/racy.c" -o "$work/racy.o"
  gcc "$work/racy.o" -o "$work/racy_c" $(pkg-config --libs lockgraph-races)
  clang++ -std=c++17 $(pkg-config --cflags lockgraph-races) -c "$source/tests/consumer/races.cpp" -o "$work/races.o"
  clang++ "$work/races.o" -o "$work/races_cxx" $(pkg-config --libs lockgraph-races)
  for program in "$work/racy_c" "$work/races_cxx"; do
    if ldd "$program" | grep -q -e tsan -e clang_rt; then echo "$program links a sanitizer runtime"; exit 1; fi
    races_found "$program" "$program"
  done
  # A project that knows nothing of lockgraph, every target instrumented from its configure line
  # (the race is in its library's code, static or shared); with -fsanitize=thread in its flags,
  # refused.
  project_include="$work/prefix/lib/cmake/lockgraph/lockgraph_races_project.cmake"
  for shared in OFF ON; do
    cmake -S "$source/tests/consumer/unaware" -B "$work/unaware_$shared" -G Ninja -DCMAKE_C_COMPILER=gcc \
      -DBUILD_SHARED_LIBS=$shared -DCMAKE_PROJECT_INCLUDE="$project_include" >/dev/null
    cmake --build "$work/unaware_$shared" >/dev/null
    races_found "$work/unaware_races_$shared" "$work/unaware_$shared/unaware"
  done
  ldd "$work/unaware_ON/unaware" | grep libjob.so >/dev/null  # the shared library's code raced
  if cmake -S "$source/tests/consumer/unaware" -B "$work/unaware_bad" -DCMAKE_C_FLAGS=-fsanitize=thread \
       -DCMAKE_PROJECT_INCLUDE="$project_include" >"$work/unaware_bad.txt" 2>&1; then
    echo "CMAKE_PROJECT_INCLUDE with -fsanitize=thread in CMAKE_C_FLAGS was accepted"; exit 1
  fi
  grep -q "CMAKE_PROJECT_INCLUDE=.*lockgraph_races_project.cmake:" "$work/unaware_bad.txt"
  grep -q "'-fsanitize=' thread (on the link line)" "$work/unaware_bad.txt"
  # The wrappers' package too.
  pkg-config --cflags --libs lockgraph | grep -q -- -llockgraph_runtime
  # -fsanitize=thread on the link line is a configure-time error, not a broken program.
  mkdir -p "$work/bad"
  printf 'cmake_minimum_required(VERSION 3.25)
project(bad LANGUAGES CXX)
find_package(lockgraph CONFIG REQUIRED)
add_executable(bad races.cpp)
lockgraph_instrument(bad RACES)
' >"$work/bad/CMakeLists.txt"
  cp "$source/tests/consumer/races.cpp" "$work/bad/"
  if cmake -S "$work/bad" -B "$work/bad/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
       -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread >"$work/bad.txt" 2>&1; then
    echo "a link line with -fsanitize=thread was accepted"; exit 1
  fi
  grep -q "lockgraph_instrument(bad RACES): '-fsanitize=' thread" "$work/bad.txt"
  # By hand, -fsanitize=thread on the link line too puts TSan's runtime beside lockgraph's (gcc's
  # libtsan, clang's linked in): the runtime says so at start, and the analysis says races were
  # not checked and is incomplete (exit 4), whatever became of the program (TSan's runtime and
  # lockgraph's entry points together may crash it).
  for cc in gcc clang; do
    $cc "$work/racy.o" -o "$work/racy_both_$cc" -fsanitize=thread $(pkg-config --libs lockgraph-races)
    rs=0
    "$work/prefix/bin/lockgraph" run --format json -o "$work/both_$cc.json" --trace-dir "$work/both_$cc.traces" -- \
      "$work/racy_both_$cc" >/dev/null 2>"$work/both_$cc.err" || rs=$?
    test "$rs" = 4 || { echo "$cc, both runtimes: lockgraph run exit $rs, expected 4"; cat "$work/both_$cc.err"; exit 1; }
    grep -q "ThreadSanitizer's own runtime is linked into this program" "$work/both_$cc.err"
    python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; assert not s["races_checked"] and not s["complete"] and "-fsanitize=thread" in s["incomplete"], s' "$work/both_$cc.json"
  done
  echo "races found in plain code built with CMake (one target, and a whole project from its configure line) and with pkg-config (gcc, clang++); -fsanitize=thread on the link line refused, and said at run time when a hand-written link had it"
fi
echo "consumer built against the installed package; installed CLI exit $status"
