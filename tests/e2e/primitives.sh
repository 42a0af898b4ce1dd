#!/usr/bin/env bash
# The pthread and C11 primitives beyond mutexes and rwlocks under `lockgraph run`
# (tests/programs/pthread_primitives.cpp), built with g++ and clang++, each plain (recorded by the
# preload library) and linked with the runtime library (recorded by the interposers it carries, as a
# program built with lockgraph::runtime is, with no wrapper in it): the program's output and
# exit status are those of a plain run (a robust mutex's EOWNERDEAD is an acquisition, an
# error-checking or timed relock returns what glibc returns, never aborted), and the report has
# the lock orders and misuse expected.
#
# Usage: primitives.sh LOCKGRAPH SOURCE WORK_DIR RUNTIME_LIBRARY
set -euo pipefail
cli=$1 source=$2 work=$3 runtime=$4
rm -rf "$work" && mkdir -p "$work"
compilers=(g++)
command -v clang++-14 >/dev/null && compilers+=(clang++-14)
fail=0
builds=()
for cxx in "${compilers[@]}"; do
  "$cxx" -std=c++20 -g -O1 -pthread "$source" -o "$work/primitives_$cxx"
  "$cxx" -std=c++20 -g -O1 -pthread "$source" -o "$work/primitives_${cxx}_linked" \
    "$runtime" -Wl,-rpath,"$(dirname "$runtime")"
  builds+=("$cxx" "${cxx}_linked")
done
for build in "${builds[@]}"; do
  bin=$work/primitives_$build
  cxx=$build
  for what in robust_owner_died errorcheck_relock timed_relock spin_inversion mtx_inversion sem_and_barrier \
              sem_misuse barrier_misuse reinit_live main_exits_holding cond_two_mutexes use_destroyed \
              invalid_lock cond_destroy_busy cond_destroy_woken; do
    out=$work/$cxx-$what
    set +e
    # In the work directory: a linked build run by hand writes its trace where it runs.
    (cd "$work" && "$bin" "$what") > "$out.plain"
    plain_status=$?
    timeout 60 "$cli" run --format json -o "$out.json" -- "$bin" "$what" > "$out.run" 2> "$out.err"
    status=$?
    set -e
    got=$(python3 - "$out.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cycles = ",".join(f"{k}:{v}" for k, v in sorted(d["summary"]["cycles"].items()) if v) or "-"
incidents = ",".join(sorted(f["kind"] for f in d["findings"] if f["kind"] != "lock-order-inversion")) or "-"
print(f"cycles {cycles} incidents {incidents} locks {d['summary']['locks']}")
PY
)
    case $what in
      # The dead owner's hold is reported (it ended holding a lock); main's EOWNERDEAD is an
      # acquisition: no hang, no false unlock-not-owner.
      robust_owner_died) want="cycles - incidents exit-holding locks 1"; want_status=1;;
      errorcheck_relock|timed_relock) want="cycles - incidents self-deadlock locks 1"; want_status=1;;
      # Taken in opposite orders by threads ordered by join (thrd_join for C11): a code-level
      # inversion, which fails the run.
      spin_inversion|mtx_inversion) want="cycles ordered:1 incidents - locks 2"; want_status=1;;
      sem_and_barrier) want="cycles - incidents - locks 0"; want_status=0;;
      sem_misuse) want="cycles - incidents sem-misuse locks 0"; want_status=1;;
      barrier_misuse) want="cycles - incidents barrier-misuse locks 0"; want_status=1;;
      # The hold of the lock as it was before the init stays: main ends holding it.
      reinit_live) want="cycles - incidents exit-holding,reinit-live locks 2"; want_status=1;;
      main_exits_holding) want="cycles - incidents exit-holding locks 1"; want_status=1;;
      # main holds m1 then m2 (to release both waiters) and nobody takes them the other way.
      cond_two_mutexes) want="cycles - incidents cond-mutex-mismatch locks 2"; want_status=1;;
      # Each refused call once: the lock, the unlock and the second destroy.
      use_destroyed) want="cycles - incidents use-destroyed,use-destroyed,use-destroyed locks 1"; want_status=1;;
      invalid_lock) want="cycles - incidents invalid-lock,invalid-lock locks 1"; want_status=1;;
      cond_destroy_busy) want="cycles - incidents cond-destroy-busy locks 1"; want_status=1;;
      cond_destroy_woken) want="cycles - incidents - locks 1"; want_status=0;;
    esac
    if ! cmp -s "$out.plain" "$out.run"; then
      echo "$cxx $what: the program's output differs under lockgraph run"; diff "$out.plain" "$out.run" || true; fail=1
    elif [ "$plain_status" != 0 ] || [ "$status" != "$want_status" ] || [ "$got" != "$want" ]; then
      echo "$cxx $what: plain exit $plain_status, run exit $status, '$got'; expected 0, $want_status, '$want'"
      cat "$out.err"; fail=1
    else
      echo "$cxx $what: ok ($got, output as plain)"
    fi
  done
done
exit $fail
