#!/usr/bin/env bash
# The analyzer on big lock graphs (docs/performance.md, "Verdicts on big lock graphs"):
#   1. bench/lock_pairs (8 threads, random nested pairs of 400 heap mutexes, 0.1% inverted) writes
#      a summary trace; `lockgraph analyze` must report every two-lock deadlock the program knows
#      it made (its printed ground truth), in seconds;
#   2. a random lock graph of 1,000 locks (8 threads, 3,000 random nested pairs each);
# each with wall time and peak memory of `lockgraph analyze`, records per second (records the
# analysis consumes: a summary trace has no event lines to skip), and as the plain baseline,
# `wc -l` reading the same bytes in the same run.
# Usage: bench/analyzer_bench.sh [ITERATIONS_PER_THREAD]   (after scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
iterations=${1:-200000}
[[ "$iterations" =~ ^[1-9][0-9]*$ ]] || { echo "analyzer_bench.sh: expected ITERATIONS_PER_THREAD, a positive number" >&2; exit 2; }
cli=build/cli/lockgraph
for f in "$cli" build/bench/lock_pairs; do
  [[ -x $f ]] || { echo "analyzer_bench.sh: $f is missing: run scripts/build.sh first" >&2; exit 2; }
done
work=$(mktemp -d /tmp/lockgraph-analyzer-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# measure NAME TRACE_DIR [OPTIONS...]: analyze --format json; prints time, peak, cycles, records/s.
measure() {
  local name=$1 traces=$2 status=0
  shift 2
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$cli" analyze --format json -o "$work/$name.json" "$@" "$traces" \
    2>"$work/$name.err" || status=$?
  if [[ $status != 0 && $status != 1 && $status != 4 ]]; then
    echo "$name: lockgraph analyze FAILED with exit $status (a crash is a failure, not a time)"; cat "$work/$name.err"; exit 1
  fi
  local start end
  start=$(date +%s.%N); cat "$traces"/* | wc -l >/dev/null; end=$(date +%s.%N)
  python3 - "$name" "$work/$name.json" "$work/$name.time" "$status" "$(echo "$end - $start" | bc)" "$(du -sb "$traces" | cut -f1)" <<'PY'
import json, sys
name, path, timing, status, wc_seconds, size = sys.argv[1:7]
d = json.load(open(path))
s = d["summary"]
seconds, peak_kb = open(timing).read().split()[-2:]
seconds, wc_seconds = float(seconds), max(float(wc_seconds), 0.001)
two = sum(1 for f in d["findings"] if f.get("verdict") == "deadlock" and len(f.get("locks", [])) == 2)
print(f"{name}: exit {status}; trace {int(size)/1e6:.1f} MB, {s['events']:,} records, {s['locks']} locks, "
      f"{s['threads']} threads")
print(f"  analyze {seconds:.2f} s, peak {int(peak_kb)/1024:.0f} MB, {s['events']/max(seconds,0.001)/1e6:.2f} million records/s; "
      f"plain wc -l {wc_seconds:.3f} s: ratio {seconds/wc_seconds:.0f}x")
print(f"  cycles by verdict {s['cycles']}; two-lock deadlocks {two}; complete: {s['complete']}"
      + ("" if s["complete"] else f" (every cycle of up to {s['complete_cycle_length']} locks)"))
open(path + ".two", "w").write(str(two))
PY
}

echo "== 1. lock_pairs: 8 threads x $iterations nested pairs of 400 locks, 0.1% inverted"
mkdir -p "$work/pairs"
start=$(date +%s.%N)
LOCKGRAPH_OPTIONS="trace_path=$work/pairs/%p.lgtrace:verbosity=0" build/bench/lock_pairs "$iterations" 1 > "$work/truth.txt"
end=$(date +%s.%N)
echo "  program under the runtime: $(echo "$end - $start" | bc) s; $(cat "$work/truth.txt")"
measure lock_pairs "$work/pairs"
truth=$(sed -n 's/.*: //p' "$work/truth.txt")
found=$(cat "$work/lock_pairs.json.two")
if [[ "$truth" == "$found" ]]; then echo "  every two-lock deadlock reported: $found of $truth"
else echo "  MISMATCH: the program made $truth two-lock deadlocks, the analysis reported $found"; exit 1; fi
echo "== 1b. the same trace, reading and building the graph only (--max-cycles 1: one cycle judged)"
measure lock_pairs_load "$work/pairs" --max-cycles 1

echo "== 2. a random lock graph: 1,000 locks, 8 threads x 3,000 random nested pairs"
mkdir -p "$work/random"
python3 - "$work/random/1.lgtrace" <<'PY'
import random, sys
random.seed(1000)
with open(sys.argv[1], "w") as f:
    f.write('{"k":"header","magic":"lockgraph-trace","version":"1.1","pid":1,"mode":"summary"}\n')
    for l in range(1, 1001):
        f.write('{"k":"lock","id":%d,"kind":"mutex","s":0,"t":1}\n' % l)
    f.write('{"k":"thread","t":1,"parent":0,"pseg":0}\n')
    n = 0
    for t in range(2, 10):
        f.write('{"k":"thread","t":%d,"parent":1,"pseg":%d}\n' % (t, t - 2))
        for _ in range(3000):
            a, b = random.sample(range(1, 1001), 2)
            n += 1
            f.write('{"k":"chain","id":%d,"t":%d,"seg":0,"l":%d,"f":0,"s":0,"held":[[%d,0,0]]}\n' % (n, t, b, a))
    f.write('{"k":"end","reason":"exit"}\n')
PY
measure random_1000 "$work/random"
