#!/usr/bin/env bash
# `lockgraph run` keeps out of the program's way: the program's stdout is byte-identical to a plain
# run (the report goes to stderr or -o FILE), the temporary trace directory is removed unless
# --keep-traces, and a reused --trace-dir is emptied of the earlier run's traces first.
# Usage: run_keeps_out_of_the_way.sh LOCKGRAPH DEADLOCK_PROGRAM CLEAN_PROGRAM WORK_DIR
set -uo pipefail
cli=$1 deadlock=$2 clean=$3 work=$4
rm -rf "$work" && mkdir -p "$work/tmp"
export TMPDIR=$work/tmp
failures=0 passes=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then echo "ok: $1"; passes=$((passes + 1)); else echo "FAILED: $1 (got $3, expected $2)"; failures=$((failures + 1)); fi
}

"$deadlock" > "$work/plain.out"
"$cli" run -- "$deadlock" > "$work/run.out" 2> "$work/run.err"; check "a deadlock under run exits 1" 1 $?
cmp -s "$work/plain.out" "$work/run.out"; check "the program's stdout is byte-identical to a plain run" 0 $?
grep -q "WARNING: lockgraph: lock-order-inversion (potential deadlock)" "$work/run.err"; check "the report is on stderr" 0 $?
check "the temporary trace directory is removed" 0 "$(find "$work/tmp" -mindepth 1 | wc -l)"

"$cli" run -o "$work/report.txt" -- "$deadlock" > "$work/run2.out" 2> "$work/run2.err"; check "-o: exit 1" 1 $?
grep -q "potential deadlock" "$work/report.txt"; check "-o: the report is in the file" 0 $?
grep -q "WARNING" "$work/run2.err"; check "-o: nothing of the report on stderr" 1 $?

"$cli" run --keep-traces -- "$deadlock" > /dev/null 2> "$work/keep.err"; check "--keep-traces: exit 1" 1 $?
kept=$(sed -n 's/^lockgraph: traces in //p' "$work/keep.err")
ls "$kept"/*.lgtrace > /dev/null 2>&1; check "--keep-traces: the directory is kept and named" 0 $?

"$cli" run --trace-dir "$work/traces" -- "$deadlock" > /dev/null 2>&1; check "--trace-dir: first run finds the deadlock" 1 $?
"$cli" run --trace-dir "$work/traces" -- "$clean" > /dev/null 2> "$work/reuse.err"; check "--trace-dir reused: the clean program's own verdict" 0 $?
grep -q "removed 1 trace(s) of an earlier run" "$work/reuse.err"; check "--trace-dir reused: says what it removed" 0 $?
check "--trace-dir reused: only the new trace is left" 1 "$(ls "$work/traces"/*.lgtrace | wc -l)"
touch "$work/not-a-dir"
"$cli" run --trace-dir "$work/not-a-dir" -- "$clean" > /dev/null 2> "$work/bad.err"; check "--trace-dir on a file: usage error" 2 $?
grep -q "cannot use as the trace directory" "$work/bad.err"; check "--trace-dir on a file: says why" 0 $?

# SIGTERM to `lockgraph run` (a CI job's timeout) reaches the program's whole process group,
# what it started included, and run still ends with the program's status.
printf '#!/bin/sh\nsleep 300 &\necho $! > "$1"\nwait\n' > "$work/spawner.sh"
chmod +x "$work/spawner.sh"
"$cli" run -- "$work/spawner.sh" "$work/grandchild.pid" > /dev/null 2> "$work/term.err" &
run_pid=$!
for _ in $(seq 100); do [ -s "$work/grandchild.pid" ] && break; sleep 0.1; done
kill -TERM "$run_pid"
wait "$run_pid"; check "SIGTERM to run: exit 128+15 (the program's)" 143 $?
grep -q "killed by signal 15" "$work/term.err"; check "SIGTERM to run: says the program was killed" 0 $?
grandchild=$(cat "$work/grandchild.pid")
sleep 0.2
state=$(awk '{print $3}' "/proc/$grandchild/stat" 2>/dev/null || echo gone)
[ "$state" = gone ] || [ "$state" = Z ]; check "SIGTERM to run: the program's own child ended too" 0 $?

# On a terminal (script(1) gives one), the program's group has it: it reads the terminal, and
# the terminal's Ctrl-C reaches the program; run still reports.
if command -v script > /dev/null; then
  (sleep 1; echo hello) | timeout 60 script -qec "$cli run -- sh -c 'read x; echo got \$x'" /dev/null > "$work/tty.out" 2>&1
  grep -q "got hello" "$work/tty.out"; check "on a terminal: the program reads it" 0 $?
  (sleep 2; printf '\003'; sleep 2) | timeout 60 script -qec "$cli run -- sleep 30" /dev/null > "$work/ctrlc.out" 2>&1
  grep -q "lockgraph: the program was killed by signal 2" "$work/ctrlc.out"; check "on a terminal: Ctrl-C reaches the program" 0 $?
fi

echo "$passes passed, $failures failed"
[[ $failures == 0 ]]
