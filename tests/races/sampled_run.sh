#!/bin/bash
# Sampling of memory accesses (race_sample=periods or sites, race_budget_mb): the run still ends as
# plain, its trace and every report say it was sampled, a site's first accesses are always seen
# (a race made once by each thread is found with one access a site), pauses between periods
# leave out synchronisation without making hand-offs races, and a bad value is refused with a
# message.
# Usage: sampled_run.sh LOCKGRAPH RACES_LIB_DIR INCLUDE_DIR WORKLOAD_SOURCE WORK_DIR
set -euo pipefail
cli=$1 libdir=$2 include=$3 source=$4 work=$5
rm -rf "$work" && mkdir -p "$work"
source "$(dirname "$0")/race_build.sh"
race_build "$source" "$work/w"
check() {  # name options expected-phrase [size of the mixed workload]
  local name=$1 options=$2 phrase=$3 size=${4:-3000} status=0 expected
  expected=$(cd "$work" && ./w mixed "$size")  # run by hand, it writes its trace where it runs
  LOCKGRAPH_OPTIONS="$options" "$cli" run --format json -o "$work/$name.json" --trace-dir "$work/$name" -- \
    "$work/w" mixed "$size" >"$work/$name.out" 2>"$work/$name.err" || status=$?
  [ "$status" = 0 ] || { echo "$name: exit $status"; cat "$work/$name.err"; exit 1; }
  [ "$(cat "$work/$name.out")" = "$expected" ] || { echo "$name: output differs from the plain run"; exit 1; }
  python3 - "$work/$name.json" "$phrase" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
assert s["races_checked"], s
assert sys.argv[2] in s["races_sampled"], (s["races_sampled"], sys.argv[2])
PY
  "$cli" analyze --format sarif -o "$work/$name.sarif" "$work/$name" || true
  grep -q '"races-sampled"' "$work/$name.sarif"
  "$cli" analyze "$work/$name" 2>/dev/null | grep -q "data race(s) (sampled: .*$phrase" ||
    { echo "$name: the text summary does not say it was sampled"; exit 1; }
  echo "$name: sampled ($phrase), said in text, JSON and SARIF"
}
check periods "race_sample=periods:race_sample_ms=5:race_sample_every_ms=50" "5 ms of every 50 ms"
# The sampler looks at the trace's size every 20 ms: a run must outlast that well past the budget
# (mixed 3000 writes 2.7 MB in 0.18 s, mostly flushed at its end; 40000 writes several times more).
check budget "race_budget_mb=1" "from when the trace passed race_budget_mb" 40000
check sites "race_sample=sites" "each code site's first 100 per thread, then one in 100"
# Sampled by sites, every site is seen: the unlocked counter's race, each thread's first access
# of it the only one recorded.
race_build "$(dirname "$0")/cases/global_counter.cpp" "$work/counter"
LOCKGRAPH_OPTIONS="race_sample=sites:race_sample_site_first=1:race_sample_site_every=1000000" \
  "$cli" run --format json -o "$work/counter.json" --trace-dir "$work/counter-traces" -- "$work/counter" >/dev/null 2>&1 || true
python3 - "$work/counter.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
assert s["races"] == 1 and "first 1 per thread, then one in 1000000" in s["races_sampled"], s
PY
echo "sites: a race seen from each site's first access alone"
# Sampled by periods, a pause leaves out synchronisation as well as accesses (a lock-heavy program
# then runs its plain lock path), and only accesses of one period are paired: hand-offs of a lock
# and of heap buffers that cross a pause are no race, each thread marks the periods of its
# accesses, and the pauses left lock syncs out. (Counted on the hand-off workload, whose every
# buffer changes hands through the lock; four threads on one lock may convoy, and a full run's
# trace then holds few syncs: a thread retaking its own lock writes none.)
periods="race_sample=periods:race_sample_ms=1:race_sample_every_ms=3"
for workload in "locks 200000" "mixed 20000"; do
  name=${workload%% *}
  LOCKGRAPH_OPTIONS="trace_path=$work/$name-full/%p.lgtrace:verbosity=0" "$work/w" $workload >/dev/null
  LOCKGRAPH_OPTIONS="$periods" "$cli" run --format json -o "$work/$name-periods.json" \
    --trace-dir "$work/$name-periods" -- "$work/w" $workload >/dev/null
  python3 - "$work/$name-periods.json" "$work/$name-periods" "$work/$name-full" "$name" "$cli" <<'PY'
import glob, json, subprocess, sys
s = json.load(open(sys.argv[1]))["summary"]
assert s["races"] == 0 and "1 ms of every 3 ms" in s["races_sampled"], s
def lines(directory):
    text = subprocess.run([sys.argv[5], "export", "--format", "text", glob.glob(directory + "/*.lgtrace")[0]],
                          check=True, stdout=subprocess.PIPE).stdout
    for raw in text.splitlines():
        yield raw.replace(b"\0", b"").decode("ascii", "replace").split()
periods = {int(f[5], 16) for f in lines(sys.argv[2]) if len(f) == 6 and f[0] == "S" and f[4] == "ap"}
assert len({p for p in periods if p % 2 == 1}) >= 3, periods
lock_syncs = lambda d: sum(1 for f in lines(d) if len(f) == 6 and f[0] == "S" and f[4][1] == "l")
sampled, full = lock_syncs(sys.argv[2]), lock_syncs(sys.argv[3])
assert sys.argv[4] != "mixed" or sampled < full, (sampled, full)
print(f"periods: no race, {len(periods)} periods marked, {sampled} lock syncs (full run: {full})")
PY
done
# race_sample_syncs=1: pauses stop accesses only; synchronisation stays whole, no period is
# marked, and every pair of recorded accesses is compared.
LOCKGRAPH_OPTIONS="$periods:race_sample_syncs=1" "$cli" run --format json -o "$work/syncs.json" \
  --trace-dir "$work/syncs" -- "$work/w" mixed 20000 >/dev/null
python3 - "$work/syncs.json" "$work/syncs" "$cli" <<'PY'
import glob, json, subprocess, sys
s = json.load(open(sys.argv[1]))["summary"]
assert s["races"] == 0 and "1 ms of every 3 ms" in s["races_sampled"], s
assert "synchronisation too" not in s["races_sampled"], s
trace = subprocess.run([sys.argv[3], "export", "--format", "text", glob.glob(sys.argv[2] + "/*.lgtrace")[0]],
                       check=True, stdout=subprocess.PIPE).stdout
assert b" ap " not in trace, "a period marked with race_sample_syncs=1"
PY
echo "periods with race_sample_syncs=1: no period marked, no race"
# And a race that goes on through many periods is still seen in one of them. (Both threads must
# touch the counter within one period: on a loaded machine two threads of 100 ms, 1 ms of every 3
# ms recorded, once ran in turns that never shared one; 300 ms, 2 ms of every 4, leave room.)
cat >"$work/long_race.cpp" <<'EOF'
#include <chrono>
#include <thread>
long counter = 0;
int main() {
  auto work = [] {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
    while (std::chrono::steady_clock::now() < end) ++counter;
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
}
EOF
race_build "$work/long_race.cpp" "$work/long_race"
LOCKGRAPH_OPTIONS="race_sample=periods:race_sample_ms=2:race_sample_every_ms=4" "$cli" run --format json -o "$work/long_race.json" --trace-dir "$work/long_race-traces" \
  -- "$work/long_race" >/dev/null 2>&1 || true
python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; assert s["races"] == 1, s' "$work/long_race.json"
echo "periods: a race that lasts is found"
# A full run says nothing of sampling.
"$cli" run --format json -o "$work/full.json" --trace-dir "$work/full" -- "$work/w" mixed 3000 >/dev/null 2>&1 || true
python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; assert s["races_sampled"]=="", s' "$work/full.json"
# A bad value is said, and recording goes on unsampled.
LOCKGRAPH_OPTIONS="race_sample=sometimes:trace_path=$work/bad/%p.lgtrace" "$work/w" mixed 10 >/dev/null 2>"$work/bad.err"
grep -q "option 'race_sample' expects off, periods or sites, got 'sometimes'" "$work/bad.err"
echo "a bad race_sample value is refused with a message"
