#!/bin/bash
# The race entry points record each thread's first accesses per sync epoch, not every access
# (races/tsan_entry_points.cpp): an array swept downwards is one run, one record, as one swept
# upwards; and a thread whose working set is 32 times the filter's small table (scattered
# counters bumped eight times over) gets the large table, so its counters are recorded about
# once (a write of each half of a granule: the compiler leaves out the read a write covers), not
# once per pass; so does a thread whose working set is twice the small table's in epochs too short
# to lose 4,096 entries each (the table grows on the rate of its losses), whose counters are then
# recorded once per epoch, not once per pass. A run the runtime closed leaves its bytes in the
# filter: a read inside it later in the epoch is no new record. Reads repeated after acquires (and
# no release) are no new records either. The arrays' writes must still be recorded whole.
# Usage: access_filter.sh LOCKGRAPH RACES_LIB_DIR INCLUDE_DIR WORKLOAD_SOURCE WORK_DIR
set -euo pipefail
cli=$1 libdir=$2 include=$3 source=$4 work=$5
rm -rf "$work" && mkdir -p "$work"
source "$(dirname "$0")/race_build.sh"
race_build "$source" "$work/w"

for pattern in down counters epochs inside acquires; do
  rm -rf "$work/traces"
  read -r address size _ < <(LOCKGRAPH_OPTIONS="trace_path=$work/traces/$pattern.lgtrace:verbosity=0" "$work/w" "$pattern")
  "$cli" export --format text "$work/traces/$pattern.lgtrace" -o "$work/$pattern.txt"
  python3 - "$work/$pattern.txt" "$pattern" "$address" "$size" <<'PY'
import sys
trace, pattern, begin, size = sys.argv[1], sys.argv[2], int(sys.argv[3], 16), int(sys.argv[4])
end = begin + size
records, read_bytes, written = 0, 0, []
for raw in open(trace, "rb"):
    fields = raw.replace(b"\0", b"").decode("ascii", "replace").split()
    if len(fields) < 7 or fields[0] != "M":
        continue
    at, length, flags = int(fields[3], 16), int(fields[4], 16), int(fields[5], 16)
    if at + length <= begin or at >= end:
        continue
    records += 1
    if not flags & 1:
        read_bytes += min(at + length, end) - max(at, begin)
    if flags & 1:
        written.append((max(at, begin), min(at + length, end)))

def covers_all(ranges):
    reached = begin
    for a, b in sorted(ranges):
        if a > reached:
            return False
        reached = max(reached, b)
    return reached >= end

assert pattern in ("inside", "acquires") or covers_all(written), f"{pattern}: the array's writes are not all recorded"
if pattern == "acquires":
    # 512 reads, the same in each of 64 epochs that acquires began: recorded in the first, and
    # later only where two of the scattered counters share a slot of the small table (about 150 a
    # pass); a filter that forgets its entries at an acquire records all 512 in every epoch.
    assert records <= 64 * 512 / 2, f"acquires: {records} records for 512 reads repeated in 64 epochs begun by acquires"
elif pattern == "down":
    assert records <= 2, f"down: {records} records for one downward sweep (one run expected)"
elif pattern == "inside":
    # One run of two reads an element; the half read again after the run closed is no record
    # (else it opens a run the next element's reads extend: each byte recorded about 1.5 times).
    assert read_bytes <= size * 1.05, f"inside: reads of {read_bytes} bytes recorded, {size} read (a closed run's bytes were not kept)"
elif pattern == "epochs":
    # Per epoch 2,048 counters, a read and a write each (the second pass filtered); with the small
    # table the second pass records again what the first one lost: about a third more.
    expected = 64 * 2048 * 2
    assert records <= expected * 1.05, f"epochs: {records} records, {expected} first accesses (the filter lost its entries)"
else:
    granules = size // 8
    # Two records a granule, and the small table's records until it grows; every pass recorded
    # again would be 16 a granule.
    assert records <= 4 * granules, \
        f"counters: {records} records for {granules} granules (the filter lost its entries)"
print(f"{pattern}: {records} access records over {size} bytes")
PY
done
