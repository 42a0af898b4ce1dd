#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --tests
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 300
# Hostile input: every trace reader under libFuzzer (clang, ASan+UBSan) for 60 seconds in total.
bash tests/fuzz/run_fuzz.sh 60 build-fuzz
# The whole suite again under ASan+UBSan (scripts/test-sanitized.sh thread runs it under TSan).
bash scripts/test-sanitized.sh address
