#!/usr/bin/env python3
"""Instructions per page of each core operation, the library's own, against
a bare walker's (issue 16): make bench prints them, make test checks them.

    scripts/icount.py [--check <budgets> --config <name>] <pmapkit-host> <work-dir>

For each operation OP of tests/icount.c, runs `pmapkit-host icount=OP` and
`icount=floor_OP` (model RAM: mem=MEM_MB) under callgrind, counting only
inside ic_OP / floor_ic_OP (--toggle-collect), and sums the instructions
of the functions defined in the library's files (mi/, md/, not the MMU
model's *_host.c) or, for the floor, in tests/floor.c; the test kernel's
own functions (its preemption and CPU-index primitives, the allocator) and
the model are left out.  Divided by the pages the run printed.  The host
binary must be built without CONFIG_PMAP_DEBUG (make bench and make test
build one so).

Each operation's limit is its target (the budgets file's "target" lines: a
ratio to the floor) times the floor or, for a configuration that does not
reach the target yet, the budgets file's "ceiling" for it (the instructions
per page it measured when the ceiling was set).  The empty-span row checks that a
range over twice the empty span costs at most EMPTY_GROWTH times as much.

Without --check: KTAP comment lines no wider than 80 columns, exit non-zero
only when a run or its profile fails.  With --check: KTAP, one test per
operation, failed when the library exceeds its limit by more than 10%
(callgrind's counts are deterministic: the same binary counts the same).
"""
import os
import re
import subprocess
import sys

import callgrind

OPS = [("enter", "enter, tables present"), ("extract", "extract"),
       ("remove1", "remove, one call a page"), ("removerange", "remove, 4096-page range"),
       ("protect", "protect, 4096-page range"), ("kenter", "kenter_range, 4 KiB pages")]
TOLERANCE = 1.10
# The model's RAM for the runs: enough for every operation's pages and tables.
# The 64-bit defconfigs give the model 8 GiB, and clearing its page records
# under callgrind took 1.5 s of each run's 1.7; the counts are the same.
MEM_MB = 64
EMPTY_GROWTH = 1.5


def library_file(path):
    if path.endswith("_host.c"):
        return False
    return re.search(r"(^|/)(mi|md)/", path) is not None


def floor_file(path):
    return re.search(r"(^|/)tests/floor\.c$", path) is not None


def self_costs(profile):
    """{(file, function): self instructions} from a callgrind output file."""
    costs = {}
    for file, _, fn, _, calls, _, cost in callgrind.records(profile):
        if calls is None and fn is not None:
            key = (file or "?", fn)
            costs[key] = costs.get(key, 0) + cost
    return costs


def count(host, work, op):
    out = os.path.join(work, "icount-%s.callgrind" % op)
    fn = ("floor_ic_" + op[6:]) if op.startswith("floor_") else "ic_" + op
    fn = fn.replace("emptyhalf", "emptyspan")	# one function, two spans
    run = subprocess.run(["valgrind", "-q", "--tool=callgrind", "--callgrind-out-file=" + out,
                          "--toggle-collect=" + fn, host, "icount=" + op, "mem=%d" % MEM_MB],
                         capture_output=True, text=True)
    m = re.search(r"# icount \S+: (\d+) pages", run.stdout)
    if run.returncode != 0 or m is None:
        sys.exit("icount: %s icount=%s failed (exit %d): %s" %
                 (host, op, run.returncode, (run.stderr or run.stdout)[-400:]))
    keep = floor_file if op.startswith("floor_") else library_file
    total = sum(v for (path, _), v in self_costs(out).items() if keep(path))
    return total / int(m.group(1))


def read_budgets(path, config):
    """({op: target ratio}, {op: ceiling}) for config from the budgets file."""
    targets, ceilings = {}, {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if words[0] == "target" and len(words) == 3:
                targets[words[1]] = float(words[2])
            elif words[0] == "ceiling" and len(words) == 4:
                if words[1] == config:
                    ceilings[words[2]] = float(words[3])
            else:
                sys.exit("icount: %s:%d: not a target or ceiling line" % (path, n))
    missing = [op for op, _ in OPS if op not in targets]
    if missing:
        sys.exit("icount: %s has no target for %s" % (path, ", ".join(missing)))
    return targets, ceilings


def main():
    args = sys.argv[1:]
    budgets = config = None
    while args and args[0].startswith("--"):
        if args[0] == "--check" and len(args) > 1:
            budgets, args = args[1], args[2:]
        elif args[0] == "--config" and len(args) > 1:
            config, args = args[1], args[2:]
        else:
            sys.exit(__doc__)
    if len(args) != 2 or (budgets is None) != (config is None):
        sys.exit(__doc__)
    host, work = args
    os.makedirs(work, exist_ok=True)
    targets, ceilings = read_budgets(budgets or os.path.join(os.path.dirname(__file__), "..",
                                                           "tests", "icount-budgets"), config)
    rows = []
    for op, label in OPS:
        lib, floor = count(host, work, op), count(host, work, "floor_" + op)
        limit = ceilings.get(op, targets[op] * floor)
        rows.append((op, label, lib, floor, targets[op], limit,
                     lib <= TOLERANCE * limit))
    span, half = count(host, work, "emptyspan"), count(host, work, "emptyhalf")
    fspan = count(host, work, "floor_emptyspan")

    lines = ["Instructions per page (callgrind: the library's own, mi/ and md/; the",
             "  floor: a bare walker over the same geometry, tests/floor.c); target:",
             "  the ratio issue 16 asks for; limit: target x floor or this",
             "  configuration's ceiling (tests/icount-budgets), +10% fails make test",
             "%-26s %7s %6s %6s %6s %7s" % ("operation", "library", "floor", "ratio",
                                            "target", "limit")]
    for op, label, lib, floor, tratio, limit, good in rows:
        ratio = lib / floor if floor > 0 else 0
        mark = "" if ratio <= tratio else " above target"
        if ratio <= tratio and op in ceilings:
            mark = " (meets the target: drop its ceiling)"
        lines.append("%-26s %7.1f %6.1f %6.2f %6.2f %7.1f%s" %
                     (label, lib, floor, ratio, tratio, limit, mark))
    growth = span / half if half > 0 else 0
    lines.append("empty span (per call): %.0f; half of it %.0f (x%.2f, at most x%.2f);"
                 % (span, half, growth, EMPTY_GROWTH))
    lines.append("  the floor, which visits every slot: %.0f" % fspan)
    if budgets is None:
        for line in lines:
            print("# " + line)
        return 0
    results = [("icount_%s" % op, good, "%s: %.1f per page, limit %.1f (+10%%)" %
                (op, lib, limit)) for op, _, lib, _, _, limit, good in rows]
    results.append(("icount_empty_span", growth <= EMPTY_GROWTH,
                    "empty span %.0f, half %.0f" % (span, half)))
    print("KTAP version 1\n1..%d" % len(results))
    for line in lines:
        print("# " + line)
    for n, (name, good, note) in enumerate(results, 1):
        print("# %s" % note)
        print("%s %d %s" % ("ok" if good else "not ok", n, name))
    return 0 if all(good for _, good, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
