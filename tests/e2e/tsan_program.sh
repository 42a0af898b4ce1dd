#!/usr/bin/env bash
# A program built with ThreadSanitizer (gcc's libtsan, clang's runtime linked in) runs under
# lockgraph as it runs alone: TSan intercepts the calls the preload library would, and both in
# one process crashed it (a null call inside TSan). `lockgraph run` starts it without the preload
# library and says so; the preload library put in front of it by hand (LD_PRELOAD, or inherited
# by a child of a preloaded shell) stands aside, says so and passes every call on to what comes
# after it (clang's interceptors in the executable call the preload's functions as the real ones;
# gcc's libtsan comes after the preload, whose functions libstdc++ calls first: TSan must still
# see every thread and lock). Same exit status, same output, TSan's own race report (or none, for
# the locked counter: a lock hidden from TSan would make one), no crash.
# Usage: tsan_program.sh LOCKGRAPH PRELOAD_LIB RACY_C LOCKED_C WORK_DIR (the race suite's C counters)
set -uo pipefail
cli=$1 preload=$2 racy=$3 locked=$4 work=$5
rm -rf "$work" && mkdir -p "$work"
failures=0
for cc in gcc clang; do
  for program in racy locked; do
    name=${program}_$cc
    $cc -g -O1 -fsanitize=thread "${!program}" -o "$work/$name" -pthread || { echo "FAILED: $name build"; exit 1; }
    "$work/$name" >"$work/$name.plain.out" 2>"$work/$name.plain.err"; plain=$?
    for way in run preload; do
      if [ $way = run ]; then
        "$cli" run -- "$work/$name" >"$work/$name.run.out" 2>"$work/$name.run.err"; run=$?
      else
        (cd "$work" && LD_PRELOAD=$preload "./$name") >"$work/$name.run.out" 2>"$work/$name.run.err"; run=$?
      fi
      problems=()
      [ "$plain" = "$run" ] || problems+=("exit $run under $way, $plain alone")
      cmp -s "$work/$name.plain.out" "$work/$name.run.out" || problems+=("stdout differs")
      races_alone=$(grep -c "WARNING: ThreadSanitizer: data race" "$work/$name.plain.err")
      races_run=$(grep -c "WARNING: ThreadSanitizer: data race" "$work/$name.run.err")
      [ "$program" = locked ] || [ "$races_alone" -gt 0 ] || problems+=("TSan found no race alone")
      [ "$races_alone" = "$races_run" ] || problems+=("TSan reported $races_run race(s) under $way, $races_alone alone")
      grep -q "DEADLYSIGNAL" "$work/$name.run.err" && problems+=("TSan crashed under $way")
      grep -q "lockgraph: this program carries ThreadSanitizer's runtime" "$work/$name.run.err" || problems+=("no note")
      # No trace of the program itself (TSan's symbolizer, a child the preload library records
      # like any program it is put in front of, may write one).
      for trace in "$work"/*.lgtrace; do
        [ -e "$trace" ] && head -c 512 "$trace" | grep -q "\"exe\":\"[^\"]*/$name\"" && problems+=("a trace of it was written")
      done
      rm -f "$work"/*.lgtrace
      if [ ${#problems[@]} = 0 ]; then
        echo "ok: $name (TSan build) under $way: exit $run as alone, $races_run race report(s) as alone, the note"
      else
        echo "FAILED: $name (TSan build) under $way: ${problems[*]}"; cat "$work/$name.run.err"; failures=$((failures + 1))
      fi
    done
  done
done
exit $failures
