#!/bin/bash
# A spin-wait on an acquire load records one acquire per release it can have read, not one per
# turn (runtime/race_hooks.cpp, atomic_acquire): the consumer of spin_workload.cpp turns
# thousands of times per round, and the trace holds at most a few acquires of the flag per round.
# The verdict is what every acquire recorded gives: the data written before each release is no
# race, the write after the last one is (exactly one race, on `late`).
# Usage: spin_wait.sh LOCKGRAPH RACES_LIB_DIR INCLUDE_DIR WORKLOAD_SOURCE WORK_DIR
set -euo pipefail
cli=$1 libdir=$2 include=$3 source=$4 work=$5
rm -rf "$work" && mkdir -p "$work"
source "$(dirname "$0")/race_build.sh"
race_build "$source" "$work/w"

LOCKGRAPH_OPTIONS="trace_path=$work/traces/%p.lgtrace:verbosity=0" "$work/w" >"$work/out.txt"
read -r flag turns < <(tail -1 "$work/out.txt")
"$cli" export --format text "$work"/traces/*.lgtrace -o "$work/trace.txt"
python3 - "$work/trace.txt" "$flag" "$turns" <<'PY'
import sys
trace, flag, turns = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3])
acquires = 0
for raw in open(trace, "rb"):
    f = raw.replace(b"\0", b"").decode("ascii", "replace").split()
    if len(f) == 6 and f[0] == "S" and f[4] == "aa" and int(f[5], 16) == flag:
        acquires += 1
rounds = 5
assert turns > 10 * rounds, f"the consumer turned only {turns} times: no spin to measure"
assert 1 <= acquires <= 2 * rounds + 1, f"{acquires} acquires of the flag recorded for {rounds} releases ({turns} turns)"
print(f"{acquires} acquires of the flag recorded over {turns} turns of the spin")
PY
"$cli" analyze --format json -o "$work/report.json" "$work/traces" >/dev/null 2>&1 || true
python3 - "$work/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
races = [f for f in report["findings"] if f.get("kind") == "data-race"]
assert report["summary"]["races"] == 1 and len(races) == 1, report["summary"]
assert "late" in json.dumps(races[0]), "the race is not on `late`: " + json.dumps(races[0])[:400]
print("one race, on late")
PY
