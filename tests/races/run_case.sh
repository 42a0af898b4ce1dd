#!/bin/bash
# One program of the differential race suite (tests/races/cases): its first lines say the verdict,
# "// expect: race" or "// expect: no race", and, where ThreadSanitizer's differs, "// tsan: ..."
# with the reason. The program is built with lockgraph's race flags by g++ and clang++ (gcc and
# clang for C), run under `lockgraph run`, and its race verdict compared with the expected one; it
# is also built with clang's real ThreadSanitizer, whose verdict must be the one the file states.
# "// expect g++: no race (why)" overrides the verdict for one compiler, where its instrumentation
# cannot show the race (lockgraph sees what the compiler instruments, as TSan does). The traces
# are also analysed with one access held in memory at a time: the report must be the same, and
# with race_top suppressions of each race's top frames: every race must be suppressed.
#
# Usage: run_case.sh LOCKGRAPH RACES_LIB_DIR INCLUDE_DIR CASE WORK_DIR
set -u
cli=$1 libdir=$2 include=$3 case=$4 work=$5
name=$(basename "$case")
rm -rf "$work" && mkdir -p "$work"
expect=$(sed -n 's|^// expect: \(.*\)$|\1|p' "$case" | head -1)
tsan_expect=$(sed -n 's#^// tsan: \(race\|no race\)\b.*$#\1#p' "$case" | head -1)
[ -n "$tsan_expect" ] || tsan_expect=$expect
if [ "$expect" != race ] && [ "$expect" != "no race" ]; then
  echo "$name: no '// expect: race' or '// expect: no race' line"; exit 2
fi
case $case in
  *.c) compilers="gcc clang"; std="-std=gnu11";;
  *) compilers="g++ clang++"; std="-std=c++20";;
esac
fail=0
for cc in $compilers; do
  exe=$work/$cc.prog
  want=$(sed -n "s#^// expect $cc: \\(race\\|no race\\)\\b.*\$#\\1#p" "$case" | head -1)
  [ -n "$want" ] || want=$expect
  # The two steps of the rule for hand-written builds: -fsanitize=thread to compile, never to link.
  if ! $cc $std -g -O1 -fsanitize=thread -I"$include" -c "$case" -o "$exe.o" 2>"$work/$cc.build" ||
     ! $cc "$exe.o" -o "$exe" "$libdir/liblockgraph_race_entry.a" -L"$libdir" -llockgraph_races -latomic \
         -Wl,-rpath,"$libdir" -pthread 2>>"$work/$cc.build"; then
    echo "$name: $cc build failed"; cat "$work/$cc.build"; fail=1; continue
  fi
  if ldd "$exe" | grep -q -e tsan -e clang_rt; then
    echo "$name: $cc linked a sanitizer runtime"; fail=1; continue
  fi
  timeout 120 "$cli" run --format json -o "$work/$cc.json" --trace-dir "$work/$cc.traces" -- "$exe" \
    >"$work/$cc.out" 2>"$work/$cc.err"
  races=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for f in d["findings"] if f["kind"]=="data-race"), d["summary"].get("races_checked", True))' "$work/$cc.json" 2>/dev/null)
  got="no race"
  case $races in
    "0 True") got="no race";;
    [1-9]*) got=race;;
    *) echo "$name: $cc: no report ($races)"; cat "$work/$cc.err"; fail=1; continue;;
  esac
  if [ "$got" != "$want" ]; then
    echo "$name: lockgraph ($cc) says $got, expected $want"
    "$cli" analyze "$work/$cc.traces" 2>&1 | head -60
    fail=1
  else
    echo "$name: lockgraph ($cc): $got, as expected"
  fi
  # The same report when the analysis holds one access in memory and merges the rest back from
  # its temporary file (analyzer/sorted_spill.h).
  "$cli" analyze "$work/$cc.traces" --format json --accesses-in-memory 1 -o "$work/$cc.spilled.json" \
    2>"$work/$cc.spilled.err"
  if ! cmp -s "$work/$cc.json" "$work/$cc.spilled.json"; then
    echo "$name: $cc: the report differs when the accesses are spilled"
    diff "$work/$cc.json" "$work/$cc.spilled.json" | head -20; cat "$work/$cc.spilled.err"; fail=1
  fi
  # A TSan suppressions file naming each access's top frame (`race_top:`, the frame that made the
  # access, inside a library or not) suppresses every race of the report.
  if [ "$got" = race ]; then
    python3 - "$work/$cc.json" > "$work/$cc.top.supp" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["kind"] == "data-race":
        for a in f["accesses"]:
            top = a["stack"][0] if a["stack"] else a["site"]
            print("race_top:^" + (top["function"] or top["file"]) + "$")
PY
    "$cli" analyze "$work/$cc.traces" --format json --suppressions "$work/$cc.top.supp" -o "$work/$cc.top.json" \
      2>"$work/$cc.top.err"
    open=$(python3 -c 'import json,sys; print(sum(1 for f in json.load(open(sys.argv[1]))["findings"] if f["kind"]=="data-race" and not f["suppressed_by"]))' "$work/$cc.top.json" 2>&1)
    if [ "$open" != 0 ]; then
      echo "$name: $cc: race_top lines of the accesses' top frames left races open ($open)"
      cat "$work/$cc.top.supp" "$work/$cc.top.err"; fail=1
    fi
  fi
done
# The reference: clang's own ThreadSanitizer, built and linked the usual way.
tsan_cc=clang++; case $case in *.c) tsan_cc=clang;; esac
if $tsan_cc $std -g -O1 -fsanitize=thread -I"$include" "$case" -o "$work/tsan.prog" 2>"$work/tsan.build"; then
  # TSan sees the races of the schedule it ran: it misses read_write.cpp's about one run in six
  # here (the reader's 100 polls and the writer's one store, never reported), so a race the file
  # says it reports gets three runs.
  tsan_got="no race"
  for attempt in 1 2 3; do
    TSAN_OPTIONS="exitcode=66 halt_on_error=0 report_signal_unsafe=0" timeout 120 "$work/tsan.prog" \
      >"$work/tsan.out" 2>"$work/tsan.err"
    status=$?
    if [ $status = 66 ] || grep -q "WARNING: ThreadSanitizer: data race" "$work/tsan.err"; then tsan_got=race; fi
    if [ "$tsan_got" = race ] || [ "$tsan_expect" != race ]; then break; fi
  done
  if [ "$tsan_got" != "$tsan_expect" ]; then
    echo "$name: ThreadSanitizer says $tsan_got, the file says it would say $tsan_expect"
    head -40 "$work/tsan.err"; fail=1
  else
    echo "$name: ThreadSanitizer: $tsan_got, as the file says"
  fi
else
  echo "$name: ThreadSanitizer build failed"; cat "$work/tsan.build"; fail=1
fi
exit $fail
