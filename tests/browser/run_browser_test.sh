#!/usr/bin/env bash
# Builds a report from two samples' traces (a deadlock and a race) and runs the browser test on it.
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
