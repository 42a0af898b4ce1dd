#!/usr/bin/env bash
# lockgraph against plain, ThreadSanitizer and Helgrind, in one run, on the same lock-heavy
# workloads (bench/workloads.cpp): median wall time, peak memory and the ratio to plain for each
# configuration, plus the trace sizes. Installs what it needs from Debian (valgrind, clang, time).
#
# Usage: bench/compare.sh [RUNS] [BUILD_DIR]      (RUNS defaults to 3)
# Helgrind, 100-2000x slower, runs HELGRIND_RUNS times (default 1) so the script ends in minutes.
#
# Configurations, every one from the same source:
#   plain     g++ -O2, std types (LOCKGRAPH_DISABLE)
#   linked    g++ -O2 with the lockgraph wrappers and runtime (summary mode)
#   preload   the plain binary under liblockgraph_preload.so, as `lockgraph run` starts it
#             (hang watchdog on, 10 s); the analysis afterwards is timed apart
#   tsan      clang++-14 -O2 -fsanitize=thread, detect_deadlocks=1 (TSan's lock-order checker)
#   helgrind  the plain binary under valgrind --tool=helgrind
set -euo pipefail
runs=${1:-3}
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/.." && pwd)
build=${2:-$source_dir/build}

need=()
command -v valgrind >/dev/null || need+=(valgrind)
command -v clang++-14 >/dev/null || need+=(clang)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

cmake --build "$build" --target workloads_plain workloads_linked lockgraph lockgraph_preload >/dev/null
bin=$build/bench
clang++-14 -std=c++20 -O2 -g -fsanitize=thread -DLOCKGRAPH_DISABLE -I"$source_dir/include" \
  "$here/workloads.cpp" -o "$bin/workloads_tsan" -pthread
preload=$build/preload/liblockgraph_preload.so
cli=$build/cli/lockgraph
work=$(mktemp -d /tmp/lockgraph-compare-XXXXXX)

# Scales: each plain run takes a few tenths of a second (Helgrind then takes tens of seconds).
declare -A scale=([nested]=40 [prodcons]=5 [short_threads]=2 [counter]=40)
workloads=(nested prodcons short_threads counter)
configs=(plain linked preload tsan helgrind)

run_config() {  # config workload scale run -> prints "seconds kilobytes"
  local config=$1 w=$2 s=$3 i=$4 out=$work/$1-$2-$4
  mkdir -p "$out"
  case $config in
    plain) cmd=("$bin/workloads_plain" "$w" "$s"); env=() ;;
    linked) cmd=("$bin/workloads_linked" "$w" "$s")
            env=("LOCKGRAPH_OPTIONS=trace_path=$out/%p.lgtrace:verbosity=0") ;;
    preload) cmd=("$bin/workloads_plain" "$w" "$s")
             env=("LD_PRELOAD=$preload" "LOCKGRAPH_OPTIONS=trace_path=$out/%p.lgtrace:verbosity=0:hang_timeout_ms=10000") ;;
    tsan) cmd=("$bin/workloads_tsan" "$w" "$s"); env=("TSAN_OPTIONS=detect_deadlocks=1 report_bugs=1") ;;
    helgrind) cmd=(valgrind --tool=helgrind -q "$bin/workloads_plain" "$w" "$s"); env=() ;;
  esac
  env "${env[@]}" /usr/bin/time -f "%e %M" -o "$out/time" "${cmd[@]}" >"$out/stdout" 2>"$out/stderr" || true
  cat "$out/time" | tail -1
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "lockgraph compare: $runs run(s) per configuration, $(nproc) cores, $(uname -r)"
echo "command: bench/compare.sh $runs"
echo
echo "(helgrind: ${HELGRIND_RUNS:-1} run(s))"
printf "| workload | configuration | median wall s | peak MB | ratio to plain | trace size |\n"
printf "|---|---|---|---|---|---|\n"
for w in "${workloads[@]}"; do
  s=${scale[$w]}
  declare -A secs=() mem=()
  for c in "${configs[@]}"; do
    times=(); mems=()
    n=$runs
    [ "$c" = helgrind ] && n=${HELGRIND_RUNS:-1}
    for i in $(seq 1 "$n"); do
      read -r t m < <(run_config "$c" "$w" "$s" "$i")
      times+=("$t"); mems+=("$m")
    done
    secs[$c]=$(printf "%s\n" "${times[@]}" | median)
    mem[$c]=$(printf "%s\n" "${mems[@]}" | median)
  done
  for c in "${configs[@]}"; do
    trace="-"
    if [ "$c" = linked ] || [ "$c" = preload ]; then
      trace=$(du -cb "$work/$c-$w-1/"*.lgtrace 2>/dev/null | tail -1 | awk '{printf "%.1f KB", $1/1024}')
    fi
    ratio=$(awk -v a="${secs[$c]}" -v b="${secs[plain]}" 'BEGIN {printf (b > 0 ? "%.2fx" : "-"), a / b}')
    printf "| %s (scale %s) | %s | %.2f | %.1f | %s | %s |\n" "$w" "$s" "$c" "${secs[$c]}" \
      "$(awk -v k="${mem[$c]}" 'BEGIN {print k / 1024}')" "$ratio" "$trace"
  done
  unset secs mem
done
echo
# What lockgraph's analysis of those traces costs, apart from the run.
for w in "${workloads[@]}"; do
  /usr/bin/time -f "analysis of the preload traces of $w: %e s, %M KB" \
    "$cli" analyze "$work/preload-$w-1" >/dev/null 2>"$work/analysis-$w" || true
  tail -1 "$work/analysis-$w"
done
echo "work files: $work"
