#!/usr/bin/env bash
# Race detection cost, side by side in one run: plain, clang's TSan, gcc's TSan and lockgraph's
# race flags (clang and gcc builds recording every first access, and the clang build sampled:
# race_sample=periods, 10 ms of every 100 ms; and race_sample=sites, each site's first 100
# accesses per thread then one in 100), on a memory-heavy, a lock-heavy and a
# hand-off workload (bench/race_workloads.cpp). Prints median CPU seconds (user + system) and peak
# memory (max RSS) of each configuration, and each as a ratio to plain. lockgraph's figures
# include writing the trace, not the analysis afterwards (timed apart: its wall time and peak
# memory).
#
# Usage: bench/races.sh [RUNS] [BUILD_DIR]     (RUNS defaults to 5)
#   WORKLOADS="memory locks"  only these (default: memory locks mixed; also: turns, a sync-heavy
#                             hand-off through an atomic whose trace tests the analysis's memory,
#                             and scatter, millions of first accesses in one epoch, which tests
#                             its memory per accessed location)
# A configuration whose run fails is "failed", never a time, and the script then exits 1.
set -euo pipefail
runs=${1:-5}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench/races.sh: RUNS must be a positive whole number" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/.." && pwd)
build=${2:-$source_dir/build}
read -r -a workloads <<<"${WORKLOADS:-memory locks mixed}"
declare -A size=([memory]=400 [locks]=500000 [mixed]=100000 [turns]=1000000 [scatter]=3000000)
cli=$build/cli/lockgraph
libdir=$build/races
[ -x "$cli" ] && [ -f "$libdir/liblockgraph_race_entry.a" ] || { echo "bench/races.sh: build lockgraph first ($build)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "bench/races.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$here/race_workloads.cpp
g++ -std=c++17 -O2 -g "$src" -o "$work/plain" -pthread
clang++ -std=c++17 -O2 -g -fsanitize=thread "$src" -o "$work/tsan_clang"
g++ -std=c++17 -O2 -g -fsanitize=thread "$src" -o "$work/tsan_gcc"
for cc in clang++ g++; do
  $cc -std=c++17 -O2 -g -fsanitize=thread -I"$source_dir/include" -c "$src" -o "$work/lg_$cc.o"
  $cc "$work/lg_$cc.o" -o "$work/lockgraph_$cc" "$libdir/liblockgraph_race_entry.a" -L"$libdir" \
    -llockgraph_races -latomic -Wl,-rpath,"$libdir" -pthread
done
configs=(plain tsan_clang tsan_gcc lockgraph_clang++ lockgraph_g++ sampled_clang++ sites_clang++)
ln -s lockgraph_clang++ "$work/sampled_clang++"
ln -s lockgraph_clang++ "$work/sites_clang++"

# One run: "cpu_seconds max_rss_kib" on stdout, or "failed".
measure() {
  local config=$1 workload=$2 n=$3 out=$work/time.txt
  local -a command=("$work/$config" "$workload" "$n")
  local sample=
  case $config in
    sampled_*) sample=:race_sample=periods;;
    sites_*) sample=:race_sample=sites;;
  esac
  case $config in
    lockgraph_*|sampled_*|sites_*)
      rm -rf "$work/traces"
      command=(env "LOCKGRAPH_OPTIONS=trace_path=$work/traces/%p.lgtrace:verbosity=0$sample" "${command[@]}");;
    tsan_*) command=(env "TSAN_OPTIONS=report_bugs=0" "${command[@]}");;
  esac
  if /usr/bin/time -f "%U %S %M" -o "$out" "${command[@]}" >/dev/null 2>"$work/stderr.txt"; then
    awk '{printf "%.3f %d\n", $1 + $2, $3}' "$out"
  else
    echo failed
  fi
}
median() { sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }

failures=0
echo "# bench/races.sh $runs (median of $runs runs, interleaved); $(nproc) cores; $(date -u +%F)"
for w in "${workloads[@]}"; do
  declare -A cpu=() mem=()
  for ((r = 0; r < runs; ++r)); do
    for c in "${configs[@]}"; do
      result=$(measure "$c" "$w" "${size[$w]}")
      if [ "$result" = failed ]; then cpu[$c]+="failed "; continue; fi
      cpu[$c]+="${result% *} "; mem[$c]+="${result#* } "
    done
  done
  # The analysis of one lockgraph trace, timed apart.
  rm -rf "$work/traces"
  LOCKGRAPH_OPTIONS="trace_path=$work/traces/%p.lgtrace:verbosity=0" "$work/lockgraph_clang++" "$w" "${size[$w]}" >/dev/null
  trace_mb=$(du -sm "$work/traces" | cut -f1)
  /usr/bin/time -f "%e s wall, %M" -o "$work/analysis.txt" "$cli" analyze "$work/traces" >/dev/null 2>&1 || true
  analysis=$(awk '{printf "%s %s %s %.0f MiB peak", $1, $2, $3, $4 / 1024}' "$work/analysis.txt")
  echo
  echo "## $w ${size[$w]} (lockgraph trace ${trace_mb} MB, its analysis ${analysis})"
  echo "| configuration | CPU s | x plain | peak MiB | x plain |"
  echo "|---|---|---|---|---|"
  base_cpu=$(tr ' ' '\n' <<<"${cpu[plain]}" | grep -v '^$' | median)
  base_mem=$(tr ' ' '\n' <<<"${mem[plain]}" | grep -v '^$' | median)
  for c in "${configs[@]}"; do
    if grep -q failed <<<"${cpu[$c]}"; then
      echo "| $c | failed | | | |"; failures=$((failures + 1)); continue
    fi
    c_cpu=$(tr ' ' '\n' <<<"${cpu[$c]}" | grep -v '^$' | median)
    c_mem=$(tr ' ' '\n' <<<"${mem[$c]}" | grep -v '^$' | median)
    awk -v n="$c" -v c="$c_cpu" -v bc="$base_cpu" -v m="$c_mem" -v bm="$base_mem" \
      'BEGIN {printf "| %s | %.2f | %.1fx | %.1f | %.1fx |\n", n, c, c / bc, m / 1024, m / bm}'
  done
done
[ $failures = 0 ] || { echo "bench/races.sh: $failures configuration(s) failed" >&2; exit 1; }
