#!/usr/bin/env bash
# Builds a report from two samples' traces (a deadlock and a race) and runs the browser test on it,
# then on the race sample's alone (no lock, no graph); then a test suite's worth: 300 processes of
# the deadlock sample, one finding each, in a page under 3 MB that names each finding's program and
# folds the trace list.
# Usage: run_browser_test.sh LOCKGRAPH_CLI DEADLOCK_SAMPLE RACE_SAMPLE WORK_DIR
set -euo pipefail
cli=$1 deadlock_sample=$2 race_sample=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work/traces" && mkdir -p "$work/traces"
LOCKGRAPH_OPTIONS="trace_path=$work/traces/%p.lgtrace:verbosity=0" "$deadlock_sample" >/dev/null
LOCKGRAPH_OPTIONS="trace_path=$work/traces/%p.lgtrace:verbosity=0" "$race_sample" >/dev/null
status=0
"$cli" report "$work/traces" -o "$work/report.html" || status=$?
[[ $status -eq 1 ]] || { echo "expected exit 1 (findings), got $status"; exit 1; }
# playwright-core drives Debian's /usr/bin/chromium; it is installed once into the work dir.
if [[ ! -d "$work/node_modules/playwright-core" ]]; then
  cp "$here/package.json" "$work/"
  (cd "$work" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
cp "$here/report_test.mjs" "$work/"
node "$work/report_test.mjs" "$work/report.html" 2 "$work/report.png"

# The race sample alone: a page with no lock.
rm -rf "$work/races" && mkdir -p "$work/races"
LOCKGRAPH_OPTIONS="trace_path=$work/races/%p.lgtrace:verbosity=0" "$race_sample" >/dev/null
status=0
"$cli" report "$work/races" -o "$work/races.html" || status=$?
[[ $status -eq 1 ]] || { echo "races: expected exit 1 (findings), got $status"; exit 1; }
node "$work/report_test.mjs" "$work/races.html" 1 "$work/races.png"

rm -rf "$work/suite" && mkdir -p "$work/suite"
for _ in $(seq 300); do
  LOCKGRAPH_OPTIONS="trace_path=$work/suite/%p.lgtrace:verbosity=0" "$deadlock_sample" >/dev/null
done
status=0
"$cli" report "$work/suite" -o "$work/suite.html" || status=$?
[[ $status -eq 1 ]] || { echo "suite: expected exit 1 (findings), got $status"; exit 1; }
size=$(stat -c %s "$work/suite.html")
(( size < 3 * 1024 * 1024 )) || { echo "suite: the page is $size bytes, over 3 MB"; exit 1; }
echo "suite of 300 processes: a page of $size bytes"
grep -q "The findings' cycles are drawn (600 locks in all" "$work/suite.html" ||
  { echo "suite: the page does not say it draws the findings' cycles only"; exit 1; }
node "$work/report_test.mjs" "$work/suite.html" 300 "$work/suite.png"
