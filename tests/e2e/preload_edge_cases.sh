#!/usr/bin/env bash
# The preload interposer on plain programs that fork, start threads from threads, lock in a
# static destructor, reuse freed mutexes' addresses, take their first locks with little stack
# left, built with g++ and with clang++: each runs to completion under
# `lockgraph run` (no hang, no crash, exit status kept), with the traces and verdicts expected.
# Then a program built with the lockgraph wrappers under `lockgraph run`: the preload library
# stands aside and the program's own runtime records, so its deadlock is found once.
#
# Usage: preload_edge_cases.sh LOCKGRAPH SOURCE WORK_DIR WRAPPED_DEADLOCK_PROGRAM
set -euo pipefail
cli=$1 source=$2 work=$3 wrapped=$4
rm -rf "$work" && mkdir -p "$work"
compilers=(g++)
command -v clang++-14 >/dev/null && compilers+=(clang++-14)
fail=0
for cxx in "${compilers[@]}"; do
  bin=$work/edge_$cxx
  "$cxx" -std=c++20 -g -O1 -pthread "$source" -o "$bin"
  for what in fork fork_exec nested_threads static_destructor timed reused_address small_stack wrapper_class; do
    dir=$work/$cxx-$what
    set +e
    timeout 120 "$cli" run --format json -o "$dir.json" --trace-dir "$dir" -- "$bin" "$what" >/dev/null 2>"$dir.err"
    status=$?
    set -e
    read -r traces deadlocks other incidents locks < <(python3 - "$dir.json" "$dir" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1]))
c = d["summary"]["cycles"]
print(len([f for f in os.listdir(sys.argv[2]) if f.endswith(".lgtrace")]), c["deadlock"],
      sum(c.values()) - c["deadlock"], d["summary"]["incidents"], d["summary"]["locks"])
PY
)
    want_status=0
    case $what in
      # Parent and child traces, the child's kept although it ends with _exit (it used to hold only
      # a header); the orders never meet in one process, and each process counts its own locks.
      fork) want="2 0 0 0 4";;
      # The child's trace ends "exec" (no false "no end record" warning, checked below).
      fork_exec) want="2 0 0 0 2";;
      # Opposite orders in threads ordered by join/start: a code-level inversion, which fails.
      nested_threads) want="1 0 1 0 2"; want_status=1;;
      static_destructor) want="1 0 0 0 2";;  # the destructor's locks are recorded, no misuse
      timed) want="1 0 1 0 3";;              # the clocklock acquisitions seen: one cycle, not a deadlock
      reused_address) want="1 0 0 0 4";;     # four mutexes, two at reused addresses: no cycle
      small_stack) want="1 0 0 0 2";;        # first locks with 6 KB of stack left: no crash
      # Two locks of a wrapper class taken in opposite orders by unordered threads.
      wrapper_class) want="1 1 0 0 2"; want_status=1;;
    esac
    got="$traces $deadlocks $other $incidents $locks"
    if grep -q "no end record" "$dir.err"; then got="$got (warned: no end record)"; fi
    if [ "$status" != "$want_status" ] || [ "$got" != "$want" ]; then
      echo "$cxx $what: exit $status, traces/deadlock/other cycles/incidents/locks $got, expected $want_status and $want"; cat "$dir.err"; fail=1
    else
      echo "$cxx $what: ok ($got)"
    fi
  done
done
# A lock wrapper class (port::Mutex, a MutexLock guard): each lock is named by where the program
# made it, not by the wrapper's own init line, and `--group-by site` keeps the two apart (they
# were one node, a lock "nested in itself", when the site was the wrapper's line).
for cxx in "${compilers[@]}"; do
  dir=$work/$cxx-wrapper_class-site
  set +e
  timeout 120 "$cli" run --group-by site --format json -o "$dir.json" -- "$work/edge_$cxx" wrapper_class >/dev/null 2>"$dir.err"
  status=$?
  set -e
  got=$(python3 - "$dir.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cycles = [f for f in d["findings"] if f["kind"] == "lock-order-inversion"]
# g++ and clang++ name the function differently ("wrapper_class", "(anonymous namespace)::wrapper_class()")
sites = sorted(("wrapper_class" if "wrapper_class" in l["site"]["function"] else l["site"]["function"]) +
               ":" + l["site_is"] for c in cycles for l in c["locks"])
lines = {l["site"]["line"] for c in cycles for l in c["locks"]}
print(len(cycles), cycles[0]["verdict"] if cycles else "-", " ".join(sites), len(lines))
PY
)
  want="1 deadlock wrapper_class:creation wrapper_class:creation 2"
  if [ "$status" != 1 ] || [ "$got" != "$want" ]; then
    echo "$cxx wrapper_class --group-by site: exit $status, '$got', expected 1 and '$want'"; cat "$dir.err"; fail=1
  else
    echo "$cxx wrapper_class --group-by site: ok ($got)"
  fi
done
# Misuse and real hangs in preload mode: a self-deadlock is reported and aborted; a real
# deadlock is ended by the watchdog (on_hang=abort) and reported as observed. Both exit 1.
bin=$work/edge_g++
for what in self_deadlock real_deadlock; do
  dir=$work/$what
  set +e
  LOCKGRAPH_OPTIONS=on_hang=abort timeout 120 "$cli" run --hang-timeout-ms 300 --format json \
    -o "$dir.json" --trace-dir "$dir" -- "$bin" "$what" >/dev/null 2>"$dir.err"
  status=$?
  set -e
  kind=$(python3 -c 'import json,sys; print(" ".join(f["kind"] for f in json.load(open(sys.argv[1]))["findings"]))' "$dir.json")
  case $what in
    self_deadlock) want="self-deadlock";;
    real_deadlock) want="deadlock-observed lock-order-inversion";;
  esac
  if [ "$status" != 1 ] || [ "$kind" != "$want" ] || ! grep -q "signal 6" "$dir.err"; then
    echo "$what: exit $status, findings '$kind', expected 1 and '$want' after SIGABRT"; cat "$dir.err"; fail=1
  else
    echo "$what: ok ($kind, the program aborted by the runtime)"
  fi
done
# A real deadlock under `lockgraph run` with no options ends by itself (the watchdog's default
# 10 s, then on_hang=abort): the runtime says so at once on stderr, each thread's waiting stack
# as module+offset (the program's own frame first), then run's report has the observed deadlock
# with named stacks; exit 1.
start=$SECONDS
set +e
timeout 60 "$cli" run -- "$bin" real_deadlock >/dev/null 2>"$work/hang.err"
status=$?
set -e
took=$((SECONDS - start))
if [ "$status" != 1 ] || [ "$took" -gt 30 ] || ! grep -q "WARNING: lockgraph: deadlock (observed)$" "$work/hang.err" ||
   ! grep -q "WARNING: lockgraph: deadlock (observed): 2 threads blocked for over 10000 ms" "$work/hang.err" ||
   [ "$(grep -c "^      #0 $bin+0x[0-9a-f]*$" "$work/hang.err")" != 2 ]; then
  echo "real deadlock, no options: exit $status after ${took} s, expected 1 within 30 s with the observed deadlock"
  cat "$work/hang.err"; fail=1
else
  echo "real deadlock, no options: ok (ended after ${took} s, observed deadlock reported)"
fi
# A wait-for cycle of timed acquisitions ends by itself: never reported as a hang (nor ended).
set +e
timeout 60 "$cli" run --hang-timeout-ms 300 --format json -o "$work/timed_cycle.json" -- "$bin" timed_cycle \
  >/dev/null 2>"$work/timed_cycle.err"
status=$?
set -e
incidents=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["incidents"])' "$work/timed_cycle.json" 2>/dev/null)
if [ "$status" != 0 ] || [ "$incidents" != 0 ]; then
  echo "timed wait-for cycle: exit $status, $incidents incident(s), expected 0 and 0"; cat "$work/timed_cycle.err"; fail=1
else
  echo "timed wait-for cycle: ok (both timed out; no hang reported, the program not ended)"
fi
# SIGTERM to `lockgraph run` (a CI timeout) reaches the program, and the report is still written.
set +e
"$cli" run -- python3 -c 'import threading, time; threading.Thread(target=time.sleep, args=(30,)).start()' \
  >/dev/null 2>"$work/term.err" &
run_pid=$!
sleep 1
kill -TERM $run_pid
wait $run_pid
status=$?
set -e
if [ "$status" != 143 ] || ! grep -q "killed by signal 15" "$work/term.err" || ! grep -q "SUMMARY: lockgraph" "$work/term.err" \
   || pgrep -f "threading.Thread\(target=time.sleep" >/dev/null; then
  echo "SIGTERM to lockgraph run: exit $status, expected 143 with the program killed and a report"
  cat "$work/term.err"; fail=1
else
  echo "SIGTERM to lockgraph run: ok (passed on to the program, report written, exit 143)"
fi
# Built with the wrappers: one trace, two locks, one deadlock (with both runtimes recording, the
# pthread mutex inside each wrapper made the wrappers look like gate locks: no deadlock at all).
dir=$work/wrapped
set +e
timeout 120 "$cli" run --format json -o "$dir.json" --trace-dir "$dir" -- "$wrapped" >/dev/null 2>"$dir.err"
status=$?
set -e
got=$(python3 - "$dir.json" "$dir" <<'PY'
import json, os, sys
try:
    d = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print("no report")
    sys.exit(0)
print(len([f for f in os.listdir(sys.argv[2]) if f.endswith(".lgtrace")]),
      d["summary"]["cycles"]["deadlock"], d["summary"]["locks"])
PY
)
if [ "$status" != 1 ] || [ "$got" != "1 1 2" ] || ! grep -q "preload library stands aside" "$dir.err"; then
  echo "wrapped program: exit $status, traces/deadlocks/locks $got, expected 1 and 1 1 2 with the note"
  cat "$dir.err"; fail=1
else
  echo "wrapped program: ok ($got, the preload library stood aside)"
fi
exit $fail
