#!/bin/bash
# The race entry points record each thread's first accesses per sync epoch, not every access
# (races/tsan_entry_points.cpp): an array swept downwards is one run, one record, as one swept
# upwards; and a thread whose working set is 32 times the filter's small table (scattered
# counters bumped eight times over) gets the large table, so its counters are recorded about
# once (a write of each half of a granule: the compiler leaves out the read a write covers), not
# once per pass. Both arrays' writes must still be recorded whole.
# Usage: access_filter.sh LOCKGRAPH RACES_LIB_DIR INCLUDE_DIR WORKLOAD_SOURCE WORK_DIR
set -euo pipefail
cli=$1 libdir=$2 include=$3 source=$4 work=$5
rm -rf "$work" && mkdir -p "$work"
source "$(dirname "$0")/race_build.sh"
race_build "$source" "$work/w"

for pattern in down counters; do
  rm -rf "$work/traces"
  read -r address size < <(LOCKGRAPH_OPTIONS="trace_path=$work/traces/$pattern.lgtrace:verbosity=0" "$work/w" "$pattern")
  "$cli" export --format text "$work/traces/$pattern.lgtrace" -o "$work/$pattern.txt"
  python3 - "$work/$pattern.txt" "$pattern" "$address" "$size" <<'PY'
import sys
trace, pattern, begin, size = sys.argv[1], sys.argv[2], int(sys.argv[3], 16), int(sys.argv[4])
end = begin + size
records, written = 0, []
for raw in open(trace, "rb"):
    fields = raw.replace(b"\0", b"").decode("ascii", "replace").split()
    if len(fields) < 7 or fields[0] != "M":
        continue
    at, length, flags = int(fields[3], 16), int(fields[4], 16), int(fields[5], 16)
    if at + length <= begin or at >= end:
        continue
    records += 1
    if flags & 1:
        written.append((max(at, begin), min(at + length, end)))

def covers_all(ranges):
    reached = begin
    for a, b in sorted(ranges):
        if a > reached:
            return False
        reached = max(reached, b)
    return reached >= end

assert covers_all(written), f"{pattern}: the array's writes are not all recorded"
if pattern == "down":
    assert records <= 2, f"down: {records} records for one downward sweep (one run expected)"
else:
    granules = size // 8
    # Two records a granule, and the small table's records until its 4,096th lost entry; every
    # pass recorded again would be 16 a granule.
    assert records <= 4 * granules, \
        f"counters: {records} records for {granules} granules (the filter lost its entries)"
print(f"{pattern}: {records} access records over {size} bytes")
PY
done
