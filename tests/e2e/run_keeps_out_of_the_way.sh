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

echo "$passes passed, $failures failed"
[[ $failures == 0 ]]
