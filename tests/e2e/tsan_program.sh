#!/usr/bin/env bash
# A program built with ThreadSanitizer (gcc's libtsan, clang's runtime linked in) runs under
# `lockgraph run` as it runs alone: TSan intercepts the calls the preload library would, and both
# in one process crashed it (a null call inside TSan), so run starts it without the preload
# library and says so. Same exit status, same output, TSan's own race report (or none, for the
# locked counter), no crash.
# Usage: tsan_program.sh LOCKGRAPH RACY_C LOCKED_C WORK_DIR (the race suite's C counters)
set -uo pipefail
cli=$1 racy=$2 locked=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
failures=0
for cc in gcc clang; do
  for program in racy locked; do
    name=${program}_$cc
    $cc -g -O1 -fsanitize=thread "${!program}" -o "$work/$name" -pthread || { echo "FAILED: $name build"; exit 1; }
    "$work/$name" >"$work/$name.plain.out" 2>"$work/$name.plain.err"; plain=$?
    "$cli" run -- "$work/$name" >"$work/$name.run.out" 2>"$work/$name.run.err"; run=$?
    problems=()
    [ "$plain" = "$run" ] || problems+=("exit $run under run, $plain alone")
    cmp -s "$work/$name.plain.out" "$work/$name.run.out" || problems+=("stdout differs")
    races_alone=$(grep -c "WARNING: ThreadSanitizer: data race" "$work/$name.plain.err")
    races_run=$(grep -c "WARNING: ThreadSanitizer: data race" "$work/$name.run.err")
    [ "$program" = locked ] || [ "$races_alone" -gt 0 ] || problems+=("TSan found no race alone")
    [ "$races_alone" = "$races_run" ] || problems+=("TSan reported $races_run race(s) under run, $races_alone alone")
    grep -q "DEADLYSIGNAL" "$work/$name.run.err" && problems+=("TSan crashed under run")
    grep -q "lockgraph: this program carries ThreadSanitizer's runtime" "$work/$name.run.err" || problems+=("no note")
    if [ ${#problems[@]} = 0 ]; then
      echo "ok: $name (TSan build) under run: exit $run as alone, $races_run race report(s) as alone, the note"
    else
      echo "FAILED: $name (TSan build) under run: ${problems[*]}"; cat "$work/$name.run.err"; failures=$((failures + 1))
    fi
  done
done
exit $failures
