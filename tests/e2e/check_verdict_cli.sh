#!/usr/bin/env bash
# The verdict model through the command line, on traces written here: code-level inversions fail
# unless --fail-on deadlock, a bound that cuts the cycle search is said in text, JSON and SARIF and
# exits 4 when nothing else fails, and runs with 300,000 segments or 8,000 started-and-joined
# threads are analysed in well under 250 MB, their opposite orders found ordered by the joins.
# Usage: check_verdict_cli.sh LOCKGRAPH SHARED_DIR WORK_DIR [MEMORY_LIMIT_MB]
# MEMORY_LIMIT_MB 0 checks no memory (sanitizer builds: their shadow memory is not the analyzer's).
set -uo pipefail
cli=$1 shared=$2 work=$3 memory_limit=${4:-250}
rm -rf "$work" && mkdir -p "$work"
failures=0 passes=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then echo "ok: $1"; passes=$((passes + 1)); else echo "FAILED: $1 (got $3, expected $2)"; failures=$((failures + 1)); fi
}
python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
head = '{"k":"header","magic":"lockgraph-trace","version":"1.1","pid":7,"mode":"summary"}\n'
def lock(i, name): return '{"k":"lock","id":%d,"kind":"mutex","name":"%s","s":0,"t":1}\n' % (i, name)
def chain(n, t, l, held, seg=0):
    h = ",".join("[%d,0,0]" % x for x in held)
    return '{"k":"chain","id":%d,"t":%d,"seg":%d,"l":%d,"f":0,"s":0,"held":[%s]}\n' % (n, t, seg, l, h)
end = '{"k":"end","reason":"exit"}\n'
# One thread takes A then B and B then A: a code-level inversion.
with open(work + "/inversion.lgtrace", "w") as f:
    f.write(head + lock(1, "A") + lock(2, "B") + '{"k":"thread","t":1,"parent":0,"pseg":0}\n')
    f.write(chain(1, 1, 2, [1]) + chain(2, 1, 1, [2]) + end)
# Seven locks every thread-1 pair nested both ways, under a gate: hundreds of gated cycles.
with open(work + "/many.lgtrace", "w") as f:
    f.write(head + "".join(lock(i, "L%d" % i) for i in range(1, 9)) + '{"k":"thread","t":1,"parent":0,"pseg":0}\n')
    n = 0
    for a in range(1, 8):
        for b in range(1, 8):
            if a != b:
                n += 1
                f.write(chain(n, 1, b, [8, a]))
    f.write(end)
# A main thread that starts and joins 150,000 threads (300,000 segments), and one with 8,000.
for name, children in (("segments", 150000), ("threads", 8000)):
    with open(work + "/%s.lgtrace" % name, "w") as f:
        f.write(head + lock(1, "A") + lock(2, "B") + '{"k":"thread","t":1,"parent":0,"pseg":0}\n')
        n = 0
        for c in range(children):
            tid = c + 2
            f.write('{"k":"thread","t":%d,"parent":1,"pseg":%d}\n' % (tid, 2 * c))
            n += 1
            f.write(chain(n, tid, 2 if c % 2 else 1, [1 if c % 2 else 2]))
            f.write('{"k":"join","t":1,"joined":%d,"seg":%d}\n' % (tid, 2 * c + 2))
        f.write(end)
PY

"$cli" analyze "$work/inversion.lgtrace" > "$work/inversion.txt"; check "an inversion fails by default" 1 $?
grep -q "lock-order-inversion (in code: single-thread in this run)" "$work/inversion.txt"; check "an inversion is named" 0 $?
grep -q "1 lock-order inversion(s)" "$work/inversion.txt"; check "an inversion is counted" 0 $?
"$cli" analyze --fail-on deadlock "$work/inversion.lgtrace" > "$work/inversion-warn.txt"; check "--fail-on deadlock: an inversion does not fail" 0 $?
grep -q "does not fail the run" "$work/inversion-warn.txt"; check "--fail-on deadlock: still shown" 0 $?
"$cli" analyze --fail-on nonsense "$work/inversion.lgtrace" 2>/dev/null; check "--fail-on takes only its two values" 2 $?
"$cli" analyze --format sarif -o "$work/inversion.sarif" "$work/inversion.lgtrace"; check "inversion sarif written" 1 $?
python3 - "$shared/schemas/sarif-schema-2.1.0.json" "$work/inversion.sarif" <<'PY'
import json, sys, jsonschema
schema, doc = (json.load(open(p)) for p in sys.argv[1:3])
jsonschema.validate(doc, schema)
assert [r["level"] for r in doc["runs"][0]["results"]] == ["warning"], doc["runs"][0]["results"]
assert doc["runs"][0]["invocations"][0]["executionSuccessful"] is True
PY
check "an inversion is a SARIF warning" 0 $?

"$cli" analyze --max-cycles 30 "$work/many.lgtrace" > "$work/many.txt"; check "a bound that cuts the search exits 4" 4 $?
grep -q "incomplete: the cycle search stopped at --max-cycles 30; every cycle of up to 2 locks" "$work/many.txt"
check "the bound is said in text" 0 $?
grep -q "INCOMPLETE" "$work/many.txt"; check "the summary says INCOMPLETE" 0 $?
"$cli" analyze --max-cycles 30 --format json -o "$work/many.json" "$work/many.lgtrace"; check "json exit 4" 4 $?
python3 - "$work/many.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
assert s["complete"] is False and s["cycles_truncated"] is True and s["complete_cycle_length"] >= 2, s
assert s["incomplete"].startswith("incomplete: the cycle search stopped"), s
PY
check "the bound is said in JSON" 0 $?
"$cli" analyze --max-cycles 30 --format sarif -o "$work/many.sarif" "$work/many.lgtrace"; check "sarif exit 4" 4 $?
python3 - "$shared/schemas/sarif-schema-2.1.0.json" "$work/many.sarif" <<'PY'
import json, sys, jsonschema
schema, doc = (json.load(open(p)) for p in sys.argv[1:3])
jsonschema.validate(doc, schema)
inv = doc["runs"][0]["invocations"][0]
assert inv["executionSuccessful"] is False and "incomplete" in inv["toolExecutionNotifications"][0]["message"]["text"]
PY
check "the bound is said in SARIF" 0 $?
"$cli" report --max-cycles 30 -o "$work/many.html" "$work/many.lgtrace"; check "html exit 4" 4 $?
grep -q "Incomplete</b>: the cycle search stopped" "$work/many.html"; check "the bound is said in HTML" 0 $?
"$cli" analyze "$work/many.lgtrace" > /dev/null; check "with no bound reached: every cycle gated, exit 0" 0 $?

for name in segments threads; do
  python3 - "$cli" "$work/$name.lgtrace" "$work/$name.json" "$memory_limit" <<'PY'
import json, os, subprocess, sys
cli, trace, out, limit = sys.argv[1:5]
limit = float(limit) or float("inf")
p = subprocess.Popen([cli, "analyze", "--format", "json", "-o", out, trace])
_, status, usage = os.wait4(p.pid, 0)
code = os.waitstatus_to_exitcode(status)
peak_mb = usage.ru_maxrss / 1024
print("analyze %s: exit %d, peak %.0f MB" % (os.path.basename(trace), code, peak_mb))
cycles = json.load(open(out))["summary"]["cycles"]
# A -> B and B -> A in children that never overlap: one ordered inversion, which fails (exit 1).
sys.exit(0 if code == 1 and peak_mb < limit and cycles["ordered"] == 1 and cycles["deadlock"] == 0 else 1)
PY
  check "$name: analysed in under ${memory_limit/#0/any} MB, the orders found ordered" 0 $?
done

echo "$passes passed, $failures failed"
[[ $failures == 0 ]]
