#!/bin/bash
# A busy race-flag program writes most of its records into pieces of the trace each thread keeps
# (runtime/trace_file.h, TraceRegion): a finished trace then has NUL runs where pieces were not
# filled, and a SIGKILLed one also pieces cut mid-copy. Both must load: the finished one without
# a warning, the killed one with only the warnings of a kill, and every record that reached the
# file read.
# Usage: killed_run.sh LOCKGRAPH RACES_LIB_DIR INCLUDE_DIR WORKLOAD_SOURCE WORK_DIR
set -euo pipefail
cli=$1 libdir=$2 include=$3 source=$4 work=$5
rm -rf "$work" && mkdir -p "$work"
source "$(dirname "$0")/race_build.sh"
race_build "$source" "$work/w"

summary() {  # trace-dir -> "threads warnings..." from the JSON report
  "$cli" analyze --format json -o "$work/report.json" "$1" >/dev/null 2>&1 || true
  python3 - "$work/report.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(d["summary"]["threads"])
for w in d["warnings"]: print(w)
PY
}

# The hand-off workload: its records cannot be dropped (every release is acquired by the other
# thread), so each thread writes enough to keep pieces of its own. Main, producer, consumer.
LOCKGRAPH_OPTIONS="trace_path=$work/finished/%p.lgtrace:verbosity=0" "$work/w" mixed 20000 >/dev/null
trace=$(ls "$work"/finished/*.lgtrace)
nuls=$(tr -cd '\0' <"$trace" | wc -c)
[ "$nuls" -gt 0 ] || { echo "no unfilled piece in the finished trace: the pieces were not used"; exit 1; }
out=$(summary "$work/finished")
[ "$out" = 3 ] || { echo "finished trace: expected 3 threads and no warning, got:"; echo "$out"; exit 1; }
echo "finished: $nuls NUL bytes of unfilled pieces skipped without a warning; 3 threads"

LOCKGRAPH_OPTIONS="trace_path=$work/killed/%p.lgtrace:verbosity=0" "$work/w" mixed 100000000 >/dev/null &
pid=$!
sleep 1
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
trace=$(ls "$work"/killed/*.lgtrace)
syncs=$("$cli" export --format text "$trace" | grep -a -c '^S ' || true)
[ "$syncs" -gt 10000 ] || { echo "killed trace: only $syncs sync lines"; exit 1; }
out=$(summary "$work/killed")
[ "$(head -1 <<<"$out")" = 3 ] || { echo "killed trace: expected 3 threads, got:"; echo "$out"; exit 1; }
# Only what a kill explains: no end record, and records cut short while being copied.
if grep -v -e "the trace has no end record" -e "record(s) cut short" -e "ends mid-record" <<<"$(tail -n +2 <<<"$out")" | grep -q .; then
  echo "killed trace: unexpected warnings:"; echo "$out"; exit 1
fi
grep -q "the trace has no end record" <<<"$out" || { echo "killed trace: no warning of the missing end"; exit 1; }
echo "killed: $syncs sync lines read, warnings only of the kill"
