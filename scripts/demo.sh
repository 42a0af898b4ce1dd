#!/usr/bin/env bash
# The main job: installs what is missing, builds, runs every sample under the lockgraph runtime
# (deadlocks, from the build with the lock wrappers) and the same sample as plain code compiled
# with the race flags under `lockgraph run` (data races, nothing annotated), prints a table
# (sample, seed, expected, found), and writes the HTML report plus the DOT and SVG of the seed
# documents' two deadlock examples into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Only what the demo runs (the CLI, the runtimes, the samples): the tests and benchmarks are
# scripts/test.sh's. Ninja's progress is shown.
echo "lockgraph: building the CLI, the runtimes and the samples into build/"
bash scripts/build.sh -DLOCKGRAPH_BUILD_TESTS=OFF -DLOCKGRAPH_BUILD_BENCH=OFF
cli=build/cli/lockgraph
out=out
rm -rf "$out" && mkdir -p "$out/traces"

printf '\n%-28s %-52s %-18s %-18s %s\n' SAMPLE SEED EXPECTED FOUND ""
mismatches=0
while IFS=$'\t' read -r name seed cycles races; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  deadlocks=0
  [[ "$cycles" =~ deadlock:([0-9]+) ]] && deadlocks=${BASH_REMATCH[1]}
  dir="$out/traces/$name"
  mkdir -p "$dir"
  LOCKGRAPH_OPTIONS="trace_path=$dir/%p.lgtrace:verbosity=0" "build/samples/$name" >"$out/traces/$name.stdout" 2>&1
  summary=$("$cli" analyze "$dir" | grep '^SUMMARY: lockgraph: [0-9]* finding' || true)
  found_d=$(sed -n 's/.*: \([0-9]*\) potential deadlock.*/\1/p' <<<"$summary")
  races_summary=$("$cli" run --trace-dir "$out/traces/races_$name" -- "build/samples/races/$name" 2>&1 \
                  >"$out/traces/races_$name.stdout" | grep '^SUMMARY: lockgraph: [0-9]* finding' || true)
  found_r=$(sed -n 's/.*, \([0-9]*\) data race.*/\1/p' <<<"$races_summary")
  [[ -n "$found_r" && "$found_r" -gt 0 ]] && found_r=1  # one race or more: the samples expect 1 or 0
  expected="${deadlocks} deadlock ${races} race"
  found="${found_d:-?} deadlock ${found_r:-?} race"
  mark=ok
  [[ "$expected" == "$found" ]] || { mark=MISMATCH; mismatches=$((mismatches + 1)); }
  printf '%-28s %-52.52s %-18s %-18s %s\n' "$name" "$seed" "$expected" "$found" "$mark"
done < samples/expected.tsv

for example in deadlock_example avoid_deadlock_wrong; do
  "$cli" dot "$out/traces/$example" -o "$out/$example.dot" --svg "$out/$example.svg" || true
done
"$cli" report "$out"/traces/*/ -o "$out/report.html" --dot "$out/all.dot" 2>/dev/null || true

echo
echo "HTML report:        $PWD/$out/report.html"
echo "deadlock examples:  $PWD/$out/deadlock_example.{dot,svg}  $PWD/$out/avoid_deadlock_wrong.{dot,svg}"
echo "full text report:   build/cli/lockgraph analyze $out/traces/deadlock_example"
if ((mismatches > 0)); then
  echo "$mismatches sample(s) did not get their expected verdict"
  exit 1
fi
echo "every sample got its expected verdict"
