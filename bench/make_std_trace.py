#!/usr/bin/env python3
"""Writes a synthetic RAPID STD trace of N events for the reader's throughput figure.

Usage: make_std_trace.py EVENTS OUT.std [THREADS] [LOCKS]

Threads fork from T0, then each repeatedly takes two locks nested (in an order that depends on
the thread, so the trace has lock-order cycles), reads and writes a variable under them, and
releases; T0 joins them at the end. Deterministic: the same arguments give the same file.
"""
import sys

def main():
    events, out = int(sys.argv[1]), sys.argv[2]
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    locks = int(sys.argv[4]) if len(sys.argv) > 4 else 64
    written = 0
    with open(out, "w") as f:
        lines = []
        for t in range(1, threads):
            lines.append(f"T0|fork(T{t})|1\n")
        i = 0
        budget = events - (threads - 1)  # the joins at the end
        while written + len(lines) + 8 <= budget:
            t = 1 + i % (threads - 1)
            a = (i * 7) % locks
            b = (a + 1 + t) % locks
            if t % 2:
                a, b = b, a
            lines += [f"T{t}|req(L{a})|{10 + a}\n", f"T{t}|acq(L{a})|{10 + a}\n",
                      f"T{t}|req(L{b})|{20 + b}\n", f"T{t}|acq(L{b})|{20 + b}\n",
                      f"T{t}|r(V{a})|{30 + a}\n", f"T{t}|w(V{b})|{40 + b}\n",
                      f"T{t}|rel(L{b})|{50 + b}\n", f"T{t}|rel(L{a})|{60 + a}\n"]
            i += 1
            if len(lines) > 100000:
                f.writelines(lines)
                written += len(lines)
                lines = []
        while written + len(lines) < budget:  # pad to the exact count
            lines.append("T1|r(V0)|3\n")
        f.writelines(lines)
        written += len(lines)
        tail = [f"T0|join(T{t})|2\n" for t in range(1, threads)]
        f.writelines(tail)
        written += len(tail)
    print(f"{out}: {written} events")

if __name__ == "__main__":
    main()
