#!/usr/bin/env bash
# The analyzer's machine outputs and exit codes, end to end on real traces of two samples (a
# deadlock and a race): SARIF validates against the official 2.1.0 schema, JSON has the documented
# shape, suppressions and a baseline turn findings off, and bad input gets exit 3 with a message.
# Usage: check_outputs.sh LOCKGRAPH DEADLOCK_SAMPLE RACE_SAMPLE SHARED_DIR WORK_DIR
set -uo pipefail
cli=$1 deadlock_sample=$2 race_sample=$3 shared=$4 work=$5
rm -rf "$work" && mkdir -p "$work/traces"
failures=0 passes=0
check() {  # check NAME EXPECTED_EXIT ACTUAL_EXIT
  if [[ "$2" == "$3" ]]; then echo "ok: $1"; passes=$((passes + 1)); else echo "FAILED: $1 (exit $3, expected $2)"; failures=$((failures + 1)); fi
}
for s in "$deadlock_sample" "$race_sample"; do
  LOCKGRAPH_OPTIONS="trace_path=$work/traces/%p.lgtrace:verbosity=0" "$s" >/dev/null
done

"$cli" analyze "$work/traces" --format sarif --all -o "$work/out.sarif"; check "sarif written, findings exit 1" 1 $?
python3 - "$shared/schemas/sarif-schema-2.1.0.json" "$work/out.sarif" <<'PY'
import json, sys, jsonschema
schema, doc = (json.load(open(p)) for p in sys.argv[1:3])
jsonschema.validate(doc, schema)
results = doc["runs"][0]["results"]
assert {r["ruleId"] for r in results} == {"lock-order-inversion", "data-race"}, results
for r in results:
    assert r["partialFingerprints"], r
    assert len(r["codeFlows"][0]["threadFlows"]) >= 2
PY
check "sarif validates against the official schema" 0 $?
python3 "$(dirname "$0")/sarif_github_rules.py" "$work/out.sarif"; check "sarif meets GitHub code scanning's ingestion rules" 0 $?

# SARIF for code scanning: locations relative to the source root, no pid in any message (two
# processes here, whose thread labels name their pids in the text report).
source_dir=$(cd "$(dirname "$0")/../.." && pwd -P)
(cd / && "$cli" analyze "$work/traces" --format sarif --all --source-root "$source_dir" -o "$work/rooted.sarif")
check "sarif with --source-root written" 1 $?
python3 - "$work/rooted.sarif" "$source_dir" <<'PY'
import json, sys
doc, root = json.load(open(sys.argv[1])), sys.argv[2]
run = doc["runs"][0]
assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file://" + root + "/"}}, run["originalUriBaseIds"]
texts, places = [], []
def walk(x):
    if isinstance(x, dict):
        if "text" in x and isinstance(x["text"], str): texts.append(x["text"])
        if "artifactLocation" in x: places.append(x["artifactLocation"])
        for v in x.values(): walk(v)
    elif isinstance(x, list):
        for v in x: walk(v)
walk(run["results"])
samples = [p for p in places if "samples/" in p["uri"]]
assert samples and all(p.get("uriBaseId") == "%SRCROOT%" and p["uri"].startswith("samples/") for p in samples), samples
assert not any(" of pid " in t for t in texts), [t for t in texts if " of pid " in t]
PY
check "sarif: sample locations relative to %SRCROOT%, no pid in messages" 0 $?
# Without a symbolizer the stacks are module+offset: said, not silent.
"$cli" analyze "$work/traces" --symbolizer "$work/no-such-symbolizer" > "$work/nosym.txt" 2>&1
check "no symbolizer: findings still found" 1 $?
grep -q "no symbolizer could be started (tried $work/no-such-symbolizer)" "$work/nosym.txt"
check "no symbolizer: a warning says so" 0 $?
"$cli" analyze "$work/traces" --format sarif --source-root "$work/no-such-dir" -o "$work/bad-root.sarif" 2> "$work/bad-root.err"
check "--source-root that is not a directory: usage error" 2 $?

# An observed deadlock (an incident) in SARIF: StringBuffer's recorded run deadlocked.
"$cli" analyze "$shared/traces/spd-deadlock-suite/StringBuffer.data" --format sarif -o "$work/incident.sarif"
check "incident sarif written, findings exit 1" 1 $?
python3 - "$shared/schemas/sarif-schema-2.1.0.json" "$work/incident.sarif" <<'PY'
import json, sys, jsonschema
schema, doc = (json.load(open(p)) for p in sys.argv[1:3])
jsonschema.validate(doc, schema)
results = doc["runs"][0]["results"]
assert results[0]["ruleId"] == "lock-misuse" and "observed" in results[0]["message"]["text"], results[0]
assert results[0]["partialFingerprints"]["lockgraphIncident/v1"]
assert len(results[0]["codeFlows"][0]["threadFlows"]) == 4  # two threads, each waits and holds
PY
check "incident sarif validates against the official schema" 0 $?
python3 "$(dirname "$0")/sarif_github_rules.py" "$work/incident.sarif" "$work/rooted.sarif"
check "incident and rooted sarif meet GitHub code scanning's ingestion rules" 0 $?

# More findings than code scanning takes in one run (25,000): a trace of 25,001 racy variables,
# each raced on from its own pair of stacks (one pair of stacks is one finding).
python3 - "$work/many.lgtrace" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"k":"header","magic":"lockgraph-trace","version":"1.3","pid":7,"ppid":0,"mode":"summary","exe":"many","start_ns":0}\n')
    f.write('{"k":"thread","t":1,"parent":0,"pseg":0,"name":"main"}\n{"k":"thread","t":2,"parent":0,"pseg":0}\n')
    for v in range(1, 25002):
        f.write('{"k":"var","id":%d,"s":0,"t":1}\n' % v)
        for t in (1, 2):
            f.write('{"k":"access","t":%d,"e":0,"v":%d,"w":1,"s":%d,"h":[]}\n' % (t, v, v * 2 + t))
    f.write('{"k":"end","reason":"exit"}\n')
PY
"$cli" analyze "$work/many.lgtrace" --format sarif -o "$work/many.sarif"; check "25,001 races: sarif written, findings exit 1" 1 $?
python3 "$(dirname "$0")/sarif_github_rules.py" "$work/many.sarif"; check "25,001 races: the sarif still meets the ingestion rules" 0 $?
python3 - "$work/many.sarif" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert len(run["results"]) == 25000, len(run["results"])
notes = run["invocations"][0]["toolExecutionNotifications"]
assert any(n["descriptor"]["id"] == "results-left-out" and "1 of 25001 results left out" in n["message"]["text"] for n in notes), notes
PY
check "25,001 races: 25,000 results and a notification of the one left out" 0 $?
"$cli" analyze "$work/many.lgtrace" --format json -o "$work/many.json"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["summary"]["races"] == 25001' "$work/many.json"
check "25,001 races: the JSON report lists them all" 0 $?

# One pair of stacks racing on five variables is one finding, naming the other four.
python3 - "$work/same_sites.lgtrace" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"k":"header","magic":"lockgraph-trace","version":"1.3","pid":7,"ppid":0,"mode":"summary","exe":"loop","start_ns":0}\n')
    f.write('{"k":"thread","t":1,"parent":0,"pseg":0,"name":"main"}\n{"k":"thread","t":2,"parent":0,"pseg":0}\n')
    for v in range(1, 6):
        f.write('{"k":"var","id":%d,"name":"slot%d","s":0,"t":1}\n' % (v, v))
        for t in (1, 2):
            f.write('{"k":"access","t":%d,"e":0,"v":%d,"w":1,"s":%d,"h":[]}\n' % (t, v, t))
    f.write('{"k":"end","reason":"exit"}\n')
PY
"$cli" analyze "$work/same_sites.lgtrace" --format json -o "$work/same_sites.json"
python3 - "$work/same_sites.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["summary"]["races"] == 1, d["summary"]
race = d["findings"][0]
assert race["variable"] == "slot1" and race["same_sites_variables"] == 4, race
assert race["same_sites"] == "the same two accesses race on slot2, slot3, slot4 and 1 more", race["same_sites"]
PY
check "one pair of stacks on five variables: one race naming the others" 0 $?
"$cli" analyze "$work/same_sites.lgtrace" > "$work/same_sites.txt" 2>&1
grep -q "Also: the same two accesses race on slot2, slot3, slot4 and 1 more" "$work/same_sites.txt"
check "one pair of stacks on five variables: the text says where else they race" 0 $?

"$cli" analyze "$work/traces" --format json -o "$work/out.json"; check "json written" 1 $?
python3 - "$work/out.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "lockgraph-findings" and d["version"] == "1.0"
kinds = sorted(f["kind"] for f in d["findings"])
assert kinds == ["data-race", "lock-order-inversion"], kinds
cycle = next(f for f in d["findings"] if f["kind"] == "lock-order-inversion")
assert cycle["verdict"] == "deadlock" and cycle["chain"] == "lock1 --> lock2 --> lock1"
for e in cycle["edges"]:
    assert e["acquire_site"]["file"].endswith("deadlock_example.cpp") and e["acquire_site"]["line"] > 0
    assert e["held_stack"] and e["acquire_stack"]
PY
check "json has the documented shape and right source lines" 0 $?

"$cli" analyze "$work/traces" --baseline "$work/out.json" > "$work/baseline.txt"; check "baseline: known findings do not fail" 0 $?
grep -q "2 known from the baseline" "$work/baseline.txt"; check "baseline counted" 0 $?

printf '# known issues\ndeadlock:lock1\nrace:counter\nrace:no_such_thing\n' > "$work/supp.txt"
"$cli" analyze "$work/traces" --suppressions "$work/supp.txt" > "$work/supp_out.txt"; check "suppressions: all suppressed, exit 0" 0 $?
grep -q "suppression 'deadlock:lock1' matched 1 finding" "$work/supp_out.txt"; check "suppression hits printed" 0 $?
grep -q "suppression 'race:no_such_thing' matched 0 finding" "$work/supp_out.txt"; check "unused suppression printed" 0 $?
# Suppressed findings are counted, not printed (TSan's way), unless --print-suppressed; the
# summary counts only open findings.
! grep -q "WARNING: lockgraph" "$work/supp_out.txt"; check "suppressed findings not printed" 0 $?
grep -q "SUMMARY: lockgraph: 0 finding(s): 0 potential deadlock(s), 0 lock-order inversion(s), 0 data race(s), 2 suppressed" \
  "$work/supp_out.txt"; check "summary counts open findings only" 0 $?
"$cli" analyze "$work/traces" --suppressions "$work/supp.txt" --print-suppressed > "$work/supp_all.txt"; check "--print-suppressed: still exit 0" 0 $?
[ "$(grep -c "(suppressed by '" "$work/supp_all.txt")" = 2 ]; check "--print-suppressed prints them, marked" 0 $?
# The suppression line printed under each finding suppresses exactly that finding.
"$cli" analyze "$work/traces" > "$work/open.txt"
sed -n 's/^  Suppression (for --suppressions): //p' "$work/open.txt" > "$work/generated.supp"
[ "$(wc -l < "$work/generated.supp")" = 2 ]; check "a suppression line under each finding" 0 $?
"$cli" analyze "$work/traces" --suppressions "$work/generated.supp" > "$work/generated_out.txt"; check "the generated lines suppress every finding" 0 $?
grep -q "matched 1 finding(s)" "$work/generated_out.txt" && ! grep -q "matched 0 finding" "$work/generated_out.txt"
check "each generated line matches one finding" 0 $?
# Writing a baseline records what is known and does not fail; it then serves as --baseline.
"$cli" analyze "$work/traces" --write-baseline "$work/written_baseline.json" 2>"$work/err.txt"; check "--write-baseline: exit 0" 0 $?
grep -q "baseline of 2 finding(s) written" "$work/err.txt"; check "--write-baseline says what it wrote" 0 $?
"$cli" analyze "$work/traces" --baseline "$work/written_baseline.json" >/dev/null; check "the written baseline serves as --baseline" 0 $?

# A TSan suppressions file: race_top matches a race by its accesses' first user frame only (the
# variable's name is not a top frame); thread:, signal:, called_from_lib: are accepted and match
# nothing.
top=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([f for f in d["findings"] if f["kind"] == "data-race"][0]["accesses"][0]["site"]["function"])' "$work/out.json")
printf 'deadlock:lock1\nrace_top:^counter$\nthread:worker\nsignal:handler\ncalled_from_lib:libfoo.so\n' > "$work/tsan.supp"
"$cli" analyze "$work/traces" --suppressions "$work/tsan.supp" > "$work/tsan_out.txt"; check "TSan types accepted; race_top does not match the variable's name" 1 $?
printf 'deadlock:lock1\nrace_top:%s\n' "$top" > "$work/tsan_top.supp"
"$cli" analyze "$work/traces" --suppressions "$work/tsan_top.supp" > /dev/null; check "race_top: matches the top user frame ($top)" 0 $?
"$cli" analyze "$work/traces" --error-exitcode 42 >/dev/null; check "--error-exitcode" 42 $?
printf 'nonsense line\n' > "$work/bad.supp"
"$cli" analyze "$work/traces" --suppressions "$work/bad.supp" 2>"$work/err.txt" >/dev/null; check "bad suppressions file: usage error" 2 $?
grep -q "bad.supp:1: expected 'deadlock:PATTERN'" "$work/err.txt"; check "bad suppressions: names file and line" 0 $?
"$cli" analyze --format xml "$work/traces" >/dev/null 2>&1; check "unknown option value: usage error" 2 $?
"$cli" --help > "$work/help.txt"; check "--help" 0 $?
grep -q "^Examples:" "$work/help.txt" && grep -q "^Exit codes:" "$work/help.txt"; check "--help has examples and exit codes" 0 $?
"$cli" --version > "$work/version.txt"; check "--version" 0 $?
grep -qE "^lockgraph [0-9]+\.[0-9]+\.[0-9]+$" "$work/version.txt"; check "--version names the version" 0 $?
"$cli" analyse "$work/traces" 2>"$work/err.txt"; check "a mistyped subcommand: usage error" 2 $?
grep -q "lockgraph: error: unknown subcommand 'analyse' (did you mean 'analyze'?)" "$work/err.txt"; check "a mistyped subcommand: did you mean" 0 $?
"$cli" analyze --error-exitcode 300 "$work/traces" 2>"$work/err.txt"; check "--error-exitcode beyond 255: usage error" 2 $?
grep -q "^lockgraph: error: --error-exitcode: Value 300 not in range 1 to 255" "$work/err.txt"; check "--error-exitcode range said, with the prefix" 0 $?
"$cli" analyze --max-cycles 0 "$work/traces" 2>"$work/err.txt"; check "--max-cycles 0: usage error" 2 $?
grep -q "not in range 1 to 100000000" "$work/err.txt"; check "--max-cycles range said" 0 $?
"$cli" analyze "$work/nope" 2>"$work/err.txt"; check "missing input: exit 3" 3 $?
head -c 100 /bin/ls > "$work/garbage.lgtrace"
"$cli" analyze "$work/garbage.lgtrace" 2>"$work/err.txt"; check "garbage input: exit 3" 3 $?
grep -q "garbage.lgtrace" "$work/err.txt"; check "garbage input: names the file" 0 $?
trace=$(ls "$work"/traces/*.lgtrace | head -1)
head -c 700 "$trace" > "$work/cut.lgtrace"
"$cli" analyze "$work/cut.lgtrace" 2>&1 | grep -q "warning: .*cut.lgtrace"; check "cut trace: loads with a warning" 0 $?
"$cli" export --format text "$trace" -o "$work/text.txt"; check "export --format text: a trace" 0 $?
[ "$(head -1 "$work/text.txt")" = "$(head -1 "$trace")" ]; check "export --format text: its header as it was" 0 $?
mkdir -p "$work/one" && cp "$trace" "$work/one/"
"$cli" export --format text "$work/one" >/dev/null; check "export --format text: a directory of one trace" 0 $?
"$cli" export --format text "$work/traces" 2>"$work/err.txt" >/dev/null; check "export --format text: a directory of two: usage error" 2 $?
grep -q "holds 2 traces; export takes one trace file" "$work/err.txt"; check "export --format text: says why" 0 $?
"$cli" export --format text "$work/garbage.lgtrace" 2>"$work/err.txt" >/dev/null; check "export --format text: garbage: exit 3" 3 $?
echo "checks: $passes passed, $failures failed"
exit $((failures > 0))
