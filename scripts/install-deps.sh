#!/usr/bin/env bash
# Installs the Debian 12 packages lockgraph needs, only those missing. Usage: install-deps.sh [--tests]
set -euo pipefail
packages=(cmake ninja-build g++ clang libunwind-14-dev nlohmann-json3-dev graphviz libcli11-dev
          libfmt-dev llvm-14 libgtest-dev libbenchmark-dev)
if [[ "${1:-}" == "--tests" ]]; then
  packages+=(python3 python3-jsonschema chromium libclang-rt-14-dev)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "lockgraph: every needed package is installed"
  exit 0
fi
echo "lockgraph: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
