#!/bin/bash
# Sampling of memory accesses (race_sample=periods or sites, race_budget_mb): the run still ends as
# plain, its trace and every report say it was sampled, a site's first accesses are always seen
# (a race made once by each thread is found with one access a site), and a bad value is refused
# with a message.
# Usage: sampled_run.sh LOCKGRAPH RACES_LIB_DIR INCLUDE_DIR WORKLOAD_SOURCE WORK_DIR
set -euo pipefail
cli=$1 libdir=$2 include=$3 source=$4 work=$5
rm -rf "$work" && mkdir -p "$work"
source "$(dirname "$0")/race_build.sh"
race_build "$source" "$work/w"
expected=$(cd "$work" && ./w mixed 3000)  # run by hand, it writes its trace where it runs
check() {  # name options expected-phrase
  local name=$1 options=$2 phrase=$3 status=0
  LOCKGRAPH_OPTIONS="$options" "$cli" run --format json -o "$work/$name.json" --trace-dir "$work/$name" -- \
    "$work/w" mixed 3000 >"$work/$name.out" 2>"$work/$name.err" || status=$?
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
check budget "race_budget_mb=1" "from when the trace passed race_budget_mb"
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
# A full run says nothing of sampling.
"$cli" run --format json -o "$work/full.json" --trace-dir "$work/full" -- "$work/w" mixed 3000 >/dev/null 2>&1 || true
python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; assert s["races_sampled"]=="", s' "$work/full.json"
# A bad value is said, and recording goes on unsampled.
LOCKGRAPH_OPTIONS="race_sample=sometimes:trace_path=$work/bad/%p.lgtrace" "$work/w" mixed 10 >/dev/null 2>"$work/bad.err"
grep -q "option 'race_sample' expects off, periods or sites, got 'sometimes'" "$work/bad.err"
echo "a bad race_sample value is refused with a message"
