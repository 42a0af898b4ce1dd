#!/usr/bin/env bash
# Configures and builds lockgraph into build/ (RelWithDebInfo, Ninja, 2 jobs).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLOCKGRAPH_BUILD_TESTS=ON -DLOCKGRAPH_BUILD_SAMPLES=ON -DLOCKGRAPH_BUILD_BENCH=ON "$@" >/dev/null
cmake --build build -j "$(nproc)"
