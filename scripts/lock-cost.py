#!/usr/bin/env python3
"""The uncontended cost of pmapkit's locks, in instructions per acquire and
per release, from a callgrind profile of a run on one CPU (no lock ever
waits there):

    valgrind --tool=callgrind --callgrind-out-file=F pmapkit-host cpus=1 only=...
    scripts/lock-cost.py F [mi/pmap_int.h]

The uncontended paths are inline (mi/pmap_int.h: pmap_spin_acquire and
pmap_spin_release_cls, wherever they were inlined), so this reads
callgrind's line-level costs: the instructions on those functions' lines,
plus what the calls made from those lines took (the kernel's
pmap_kern_preempt_disable/enable and pmap_kern_cpu_index, the out-of-line
slow paths of recursion and the order check), divided by the acquires
(calls of pmap_kern_preempt_disable from pmap_spin_acquire's lines) and the
releases (calls of pmap_kern_preempt_enable from pmap_spin_release_cls's).
"""
import os
import re
import sys

import callgrind

KERNEL = ("pmap_kern_preempt_disable", "pmap_kern_preempt_enable", "pmap_kern_cpu_index")


def ranges(header):
    """{function: (first line, last line)} of the two inline lock paths in header."""
    want = ("pmap_spin_acquire", "pmap_spin_release_cls")
    out, cur, start = {}, None, 0
    with open(header, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for i, line in enumerate(lines, 1):
        m = re.match(r"(\w+)\(", line)
        if m and m.group(1) in want and i > 1 and lines[i - 2].startswith("static inline"):
            cur, start = m.group(1), i
        elif cur and line == "}":
            out[cur] = (start, i)
            cur = None
    missing = [w for w in want if w not in out]
    if missing:
        sys.exit("lock-cost: %s has no %s" % (header, ", ".join(missing)))
    return out


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    header = sys.argv[2] if len(sys.argv) == 3 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "mi", "pmap_int.h")
    span = ranges(header)
    own = {k: 0 for k in span}          # instructions on the functions' own lines
    called = {k: 0 for k in span}       # inclusive cost of calls made from them
    kernel = {k: 0 for k in span}       # of which the kernel's primitives
    count = {"pmap_spin_acquire": 0, "pmap_spin_release_cls": 0}

    def inside(path, line):
        if path is None or not path.endswith("mi/pmap_int.h"):
            return None
        for fn, (a, b) in span.items():
            if a <= line <= b:
                return fn
        return None

    for _, where, _, callee, calls, line, cost in callgrind.records(sys.argv[1]):
        fn = inside(where, line)
        if fn is None:
            continue
        if calls is None:
            own[fn] += cost
            continue
        called[fn] += cost
        if callee in KERNEL:
            kernel[fn] += cost
        if (fn, callee) in (("pmap_spin_acquire", "pmap_kern_preempt_disable"),
                            ("pmap_spin_release_cls", "pmap_kern_preempt_enable")):
            count[fn] += calls
    if not all(count.values()):
        sys.exit("lock-cost: no inlined lock paths found in %s" % sys.argv[1])
    for fn, label in (("pmap_spin_acquire", "acquire"), ("pmap_spin_release_cls", "release")):
        n = count[fn]
        print("# %-8s %9d times %6.1f instructions each: pmapkit's %5.1f, the kernel's "
              "primitives %5.1f" % (label, n, (own[fn] + called[fn]) / n,
                                    (own[fn] + called[fn] - kernel[fn]) / n, kernel[fn] / n))


if __name__ == "__main__":
    main()
