#!/usr/bin/env bash
# Installs the build into a fresh prefix, builds tests/consumer against it with find_package, runs
# it, and analyses its trace with the installed CLI.
# Usage: run_consumer_test.sh BUILD_DIR SOURCE_DIR WORK_DIR
set -euo pipefail
build=$1 source=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/lockgraph/lockgraph.h"
test -x "$work/prefix/bin/lockgraph"
cmake -S "$source/tests/consumer" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
LOCKGRAPH_OPTIONS="trace_path=$work/traces/%p.lgtrace:verbosity=0" "$work/build/consumer"
status=0
"$work/prefix/bin/lockgraph" analyze "$work/traces" >"$work/report.txt" || status=$?
grep -q "first --> second --> first\|second --> first --> second" "$work/report.txt"
echo "consumer built against the installed package; installed CLI exit $status"
