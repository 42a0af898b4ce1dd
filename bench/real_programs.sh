#!/usr/bin/env bash
# Real multithreaded Debian programs under `lockgraph run`, against plain runs in the same
# session: median wall time of each (runs interleaved, plain first), the ratio, whether the
# program's output and exit status were those of the plain run, and what lockgraph saw (threads,
# locks, findings). Installs the programs from Debian if missing.
#
# Usage: bench/real_programs.sh [RUNS] [BUILD_DIR]     (RUNS defaults to 3)
#   PROGRAMS="pigz zstd"   only these (default: pigz lbzip2 pbzip2 zstd xz sysbench_mutex
#                          sysbench_threads stress_mutex)
set -euo pipefail
runs=${1:-3}
if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
  echo "bench/real_programs.sh: RUNS must be a positive whole number, got '$runs'" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
build=${2:-$here/../build}
cli=$build/cli/lockgraph
[ -x "$cli" ] || { echo "bench/real_programs.sh: no $cli: build first (scripts/build.sh)" >&2; exit 2; }
read -r -a programs <<<"${PROGRAMS:-pigz lbzip2 pbzip2 zstd xz sysbench_mutex sysbench_threads stress_mutex}"

need=()
for tool in pigz lbzip2 pbzip2 zstd xz sysbench stress-ng python3; do
  command -v "$tool" >/dev/null || need+=("${tool/xz/xz-utils}")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/lockgraph-real-XXXXXX)
trap 'rm -rf "$work"' EXIT
# 40 MB of text that compresses (base64 of random bytes) and 8 MB for xz, which is slower.
head -c 30000000 /dev/urandom | base64 > "$work/input.txt"
head -c 8000000 "$work/input.txt" > "$work/small.txt"

# The command line of each program; "compare" if its output must equal the plain run's
# (sysbench and stress-ng print timings).
command_of() {
  case $1 in
    pigz) echo "compare pigz -p 2 -c $work/input.txt";;
    lbzip2) echo "compare lbzip2 -n 2 -c $work/input.txt";;
    pbzip2) echo "compare pbzip2 -p2 -c $work/input.txt";;
    zstd) echo "compare zstd -q -T2 -c $work/input.txt";;
    xz) echo "compare xz -T2 -c $work/small.txt";;
    sysbench_mutex) echo "timings sysbench mutex --threads=4 --mutex-num=64 --mutex-locks=20000 run";;
    sysbench_threads) echo "timings sysbench threads --threads=4 --thread-locks=8 --events=5000 --time=0 run";;
    stress_mutex) echo "timings stress-ng --mutex 2 --mutex-ops 200000 --quiet";;
    *) echo "bench/real_programs.sh: unknown program '$1'" >&2; exit 2;;
  esac
}

timed() {  # runs "$@": its stdout to $out, its status in $status, its wall time (s) in $elapsed
  local start
  start=$(date +%s%N)
  set +e
  "$@" > "$out" 2> "$work/stderr"
  status=$?
  set -e
  elapsed=$(python3 -c "print(f'{($(date +%s%N) - $start) / 1e9:.3f}')")
}

median() { printf "%s\n" "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "lockgraph real programs: $runs run(s) each, interleaved, $(nproc) cores, $(uname -r)"
echo "command: bench/real_programs.sh $*"
echo
echo "| program | plain s | lockgraph run s | ratio | output and exit as plain | threads | locks | findings |"
echo "|---|---|---|---|---|---|---|---|"
for program in "${programs[@]}"; do
  read -r kind cmd <<<"$(command_of "$program")"
  read -r -a argv <<<"$cmd"
  plain=() traced=()
  same=yes
  for ((i = 0; i < runs; i++)); do
    out=$work/plain.out; timed "${argv[@]}"; plain+=("$elapsed"); plain_status=$status
    out=$work/run.out; timed "$cli" run --format json -o "$work/report.json" -- "${argv[@]}"
    traced+=("$elapsed"); run_status=$status
    # run exits with the program's status unless it found something (1).
    if [ "$kind" = compare ] && ! cmp -s "$work/plain.out" "$work/run.out"; then same="NO: output differs"; fi
    if [ "$run_status" != "$plain_status" ] && [ "$run_status" != 1 ]; then same="NO: exit $run_status, plain $plain_status"; fi
    if [ "$kind" != compare ] && [ "$same" = yes ]; then same="exit as plain (output has timings)"; fi
  done
  read -r threads locks findings < <(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(s["threads"], s["locks"], s["failing"])' "$work/report.json")
  p=$(median "${plain[@]}") t=$(median "${traced[@]}")
  ratio=$(python3 -c "print(f'{$t / $p:.2f}x' if $p > 0 else '-')")
  echo "| $program | $p | $t | $ratio | $same | $threads | $locks | $findings |"
done
