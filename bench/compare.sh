#!/usr/bin/env bash
# lockgraph against plain, ThreadSanitizer and Helgrind, in one run, on the same lock-heavy
# workloads (bench/workloads.cpp): median wall time, peak memory and the ratio to plain for each
# configuration, the trace sizes, the targets of issue 10 checked, and how the cost grows with
# threads, nesting depth and distinct chains. Installs what it needs from Debian (valgrind,
# clang, time).
#
# Usage: bench/compare.sh [RUNS] [BUILD_DIR]      (RUNS defaults to 5; Helgrind runs once)
#   WORKLOADS="nested counter"  only these workloads (default: all four)
#   CONFIGS="plain linked"      only these configurations (plain is always run; default: plain
#                               linked preload tsan); HELGRIND=0 skips Helgrind, SWEEP=0 the sweep
#
# The runs of a workload are interleaved (plain, linked, preload, tsan, plain, ...), so that a slow
# spell of a shared machine falls on every configuration alike rather than on one of them.
#
# Configurations, every one from the same source:
#   plain     g++ -O2, std types (LOCKGRAPH_DISABLE)
#   linked    g++ -O2 with the lockgraph wrappers and runtime (summary mode)
#   preload   the plain binary under liblockgraph_preload.so, as `lockgraph run` starts it
#             (hang watchdog on, 10 s); the analysis afterwards is timed apart
#   tsan      clang++-14 -O2 -fsanitize=thread, detect_deadlocks=1 (TSan's lock-order checker)
#   helgrind  the plain binary under valgrind --tool=helgrind, at a smaller scale (it is
#             100-2000x slower): its ratio is to a plain run at that same scale, in the same run
set -euo pipefail
runs=${1:-5}
if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
  echo "bench/compare.sh: RUNS must be a positive whole number, got '$runs'" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/.." && pwd)
build=${2:-$source_dir/build}

# What to run, checked before anything is installed or built.
read -r -a workloads <<<"${WORKLOADS:-nested prodcons short_threads counter}"
read -r -a configs <<<"plain ${CONFIGS:-linked preload tsan}"
configs=($(printf "%s\n" "${configs[@]}" | awk '!seen[$0]++'))  # plain once, first
for w in "${workloads[@]}"; do
  case $w in nested|prodcons|short_threads|counter) ;;
    *) echo "bench/compare.sh: unknown workload '$w' in WORKLOADS" >&2; exit 2;; esac
done
for c in "${configs[@]}"; do
  case $c in plain|linked|preload|tsan) ;;
    *) echo "bench/compare.sh: unknown configuration '$c' in CONFIGS" >&2; exit 2;; esac
done

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
if [[ " ${configs[*]} " == *" tsan "* ]]; then
  clang++-14 -std=c++20 -O2 -g -fsanitize=thread -DLOCKGRAPH_DISABLE -I"$source_dir/include" \
    "$here/workloads.cpp" -o "$bin/workloads_tsan" -pthread
fi
preload=$build/preload/liblockgraph_preload.so
cli=$build/cli/lockgraph
work=$(mktemp -d /tmp/lockgraph-compare-XXXXXX)

# Scales: each plain run takes about half a second to two seconds, so that what is measured is
# the steady state rather than process start-up and first-time stack captures.
declare -A scale=([nested]=400 [prodcons]=50 [short_threads]=20 [counter]=400)
# Helgrind's scale keeps its runs near a minute; plain there takes 0.03-0.1 s (the timer's
# resolution is 0.01 s, so these ratios are good to about 20%).
declare -A helgrind_scale=([nested]=20 [prodcons]=5 [short_threads]=2 [counter]=20)
run_config() {  # config run-id args... -> prints "seconds kilobytes"
  local config=$1 id=$2 out=$work/$1-$2
  shift 2
  mkdir -p "$out"
  local env=() cmd=()
  case $config in
    plain) cmd=("$bin/workloads_plain" "$@") ;;
    linked) cmd=("$bin/workloads_linked" "$@")
            env=("LOCKGRAPH_OPTIONS=trace_path=$out/%p.lgtrace:verbosity=0") ;;
    preload) cmd=("$bin/workloads_plain" "$@")
             env=("LD_PRELOAD=$preload" "LOCKGRAPH_OPTIONS=trace_path=$out/%p.lgtrace:verbosity=0:hang_timeout_ms=10000") ;;
    tsan) cmd=("$bin/workloads_tsan" "$@"); env=("TSAN_OPTIONS=detect_deadlocks=1 report_bugs=1") ;;
    helgrind) cmd=(valgrind --tool=helgrind -q "$bin/workloads_plain" "$@") ;;
  esac
  local status=0
  env "${env[@]}" /usr/bin/time -f "%e %M" -o "$out/time" "${cmd[@]}" >"$out/stdout" 2>"$out/stderr" || status=$?
  # A configuration that crashes (or fails) is a failure, not a time. TSan's exit 66 only says it
  # reported something.
  if [ "$status" != 0 ] && ! { [ "$config" = tsan ] && [ "$status" = 66 ]; }; then
    echo "$config $* exited with status $status (stderr: $out/stderr)" >> "$work/failures"
    echo "failed failed"
    return
  fi
  tail -1 "$out/time"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# a / b to two places; "failed" if either failed, "-" if either is missing.
ratio() {
  if [ "$1" = failed ] || [ "$2" = failed ]; then echo failed; return; fi
  awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0 && a != "" && a != "-" ? "%.2f" : "-"), a / b}'
}
seconds() { [ "$1" = failed ] && echo failed || printf "%.2f" "$1"; }
times_x() { case $1 in failed | -) echo "$1" ;; *) echo "${1}x" ;; esac; }
megabytes() { [ "$1" = failed ] && echo failed || awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# Runs every configuration of `cfgs` (an array name) n times, interleaved, with args; sets
# sec_of[config] and mem_of[config] (medians).
declare -A sec_of mem_of
measure_interleaved() {
  local -n cfgs=$1
  local n=$2 id=$3
  shift 3
  local -A times=() mems=()
  local i c t m
  for i in $(seq 1 "$n"); do
    for c in "${cfgs[@]}"; do
      read -r t m < <(run_config "$c" "$id-$i" "$@")
      times[$c]+="$t "; mems[$c]+="$m "
    done
  done
  for c in "${cfgs[@]}"; do
    if [[ " ${times[$c]}" == *" failed "* ]]; then
      sec_of[$c]=failed mem_of[$c]=failed
      continue
    fi
    sec_of[$c]=$(printf "%s\n" ${times[$c]} | median)
    mem_of[$c]=$(printf "%s\n" ${mems[$c]} | median)
  done
}

echo "lockgraph compare: $runs run(s) per configuration, interleaved$([ "${HELGRIND:-1}" = 0 ] || echo " (Helgrind once)"), $(nproc) cores, $(uname -r)"
echo "command: ${WORKLOADS:+WORKLOADS=\"$WORKLOADS\" }${CONFIGS:+CONFIGS=\"$CONFIGS\" }${HELGRIND:+HELGRIND=$HELGRIND }${SWEEP:+SWEEP=$SWEEP }bench/compare.sh $runs"
echo
printf "| workload | configuration | median wall s | peak MB | ratio to plain | trace size |\n"
printf "|---|---|---|---|---|---|\n"
declare -A result
plain_only=(plain) helgrind_only=(helgrind)
for w in "${workloads[@]}"; do
  measure_interleaved configs "$runs" "$w" "$w" "${scale[$w]}"
  for c in "${configs[@]}"; do
    sec=${sec_of[$c]} mem=${mem_of[$c]}
    result[$w,$c]=$sec
    trace="-"
    if [ "$c" = linked ] || [ "$c" = preload ]; then
      trace=$(du -cb "$work/$c-$w-1/"*.lgtrace 2>/dev/null | tail -1 | awk '{printf "%.1f KB", $1/1024}') ||
        trace="none written"
    fi
    printf "| %s (scale %s) | %s | %s | %s | %s | %s |\n" "$w" "${scale[$w]}" "$c" "$(seconds "$sec")" \
      "$(megabytes "$mem")" "$(times_x "$(ratio "$sec" "${result[$w,plain]:-}")")" "$trace"
  done
  [ "${HELGRIND:-1}" = 0 ] && continue
  # Helgrind at its own scale (once), against plain at that scale.
  measure_interleaved plain_only "$runs" "small-$w" "$w" "${helgrind_scale[$w]}"
  small_plain=${sec_of[plain]} small_mem=${mem_of[plain]}
  measure_interleaved helgrind_only 1 "$w" "$w" "${helgrind_scale[$w]}"
  sec=${sec_of[helgrind]} mem=${mem_of[helgrind]}
  result[$w,helgrind]=$(ratio "$sec" "$small_plain")
  printf "| %s (scale %s) | plain | %s | %s | 1.00x | - |\n" "$w" "${helgrind_scale[$w]}" \
    "$(seconds "$small_plain")" "$(megabytes "$small_mem")"
  printf "| %s (scale %s) | helgrind | %s | %s | %s | - |\n" "$w" "${helgrind_scale[$w]}" "$(seconds "$sec")" \
    "$(megabytes "$mem")" "$(times_x "${result[$w,helgrind]:-}")"
done

echo
echo "Targets (issue 10): linked <= 1.3x, preload <= 1.5x plain; TSan >= 5x and Helgrind >= 50x"
echo "lockgraph linked's ratio (each ratio to plain in this run)."
echo
printf "| workload | linked | preload | TSan / linked | Helgrind / linked |\n|---|---|---|---|---|\n"
for w in "${workloads[@]}"; do
  l=$(ratio "${result[$w,linked]:-}" "${result[$w,plain]:-}")
  p=$(ratio "${result[$w,preload]:-}" "${result[$w,plain]:-}")
  t=$(ratio "$(ratio "${result[$w,tsan]:-}" "${result[$w,plain]:-}")" "$l")
  h=$(ratio "${result[$w,helgrind]:-}" "$l")
  verdict() {
    [ "$1" = - ] && { echo "not run"; return; }
    [ "$1" = failed ] && { echo "FAILED (a run crashed)"; return; }
    awk -v v="$1" -v lim="$2" -v dir="$3" 'BEGIN {ok = dir == "le" ? v <= lim : v >= lim; printf "%sx: %s", v, ok ? "met" : "missed"}'
  }
  printf "| %s | %s | %s | %s | %s |\n" "$w" "$(verdict "$l" 1.3 le)" "$(verdict "$p" 1.5 le)" \
    "$(verdict "$t" 5 ge)" "$(verdict "$h" 50 ge)"
done

if [ "${SWEEP:-1}" != 0 ]; then
  echo
  echo "How the cost grows (workloads sweep THREADS DEPTH CHAINS 20: 20 million iterations, each"
  echo "taking DEPTH nested locks along one of CHAINS distinct chains; ratios to plain, medians of $runs):"
  echo
  printf "| threads | depth | distinct chains | plain s | linked | preload |\n|---|---|---|---|---|---|\n"
  sweep_configs=(plain linked preload)
  sweep_row() {
    measure_interleaved sweep_configs "$runs" "sweep-$1-$2-$3" sweep "$1" "$2" "$3" 20
    printf "| %s | %s | %s | %s | %s | %s |\n" "$1" "$2" "$3" "$(seconds "${sec_of[plain]}")" \
      "$(times_x "$(ratio "${sec_of[linked]}" "${sec_of[plain]}")")" \
      "$(times_x "$(ratio "${sec_of[preload]}" "${sec_of[plain]}")")"
  }
  for t in 1 2 4 8; do sweep_row "$t" 2 16; done
  for d in 1 4 8; do sweep_row 2 "$d" 16; done
  for c in 1 256 4096; do sweep_row 2 2 "$c"; done
fi

echo
# What lockgraph's analysis of those traces costs, apart from the run.
[[ " ${configs[*]} " == *" preload "* ]] && for w in "${workloads[@]}"; do
  /usr/bin/time -f "analysis of the preload traces of $w: %e s, %M KB" \
    "$cli" analyze "$work/preload-$w-1" >/dev/null 2>"$work/analysis-$w" || true
  tail -1 "$work/analysis-$w"
done
echo "work files: $work"

if [ -s "$work/failures" ]; then
  echo
  echo "FAILED: these runs crashed or failed, so they have no time:"
  cat "$work/failures"
  exit 1
fi
