#!/usr/bin/env bash
# The whole test suite built and run under a sanitizer: address (ASan+UBSan, the default) or
# thread (TSan: our own runtime must be race-free). Usage: scripts/test-sanitized.sh [address|thread]
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-address}
build=build-$kind
cmake -S . -B "$build" -G Ninja -DLOCKGRAPH_SANITIZE="$kind" >/dev/null
cmake --build "$build" -j "$(nproc)"
# The consumer test links an unsanitized program against the sanitized runtime, so the
# sanitizer runtime cannot come first; the programs' own SEGV must stay a SEGV (the runtime's
# handler writes the trace, then the signal takes its usual effect), not a sanitizer report.
export ASAN_OPTIONS=verify_asan_link_order=0:handle_segv=0:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# TSan: the samples' intentional races are suppressed (tests/tsan.supp); its own deadlock detector
# is off (it cannot hold the 1,000 nested locks of the limits test, and lock-order is our job).
export TSAN_OPTIONS="halt_on_error=1:report_signal_unsafe=0:handle_segv=0:detect_deadlocks=0:suppressions=$PWD/tests/tsan.supp"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600
