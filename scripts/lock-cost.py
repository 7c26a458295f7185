#!/usr/bin/env python3
"""The uncontended cost of pmapkit's locks, in instructions per call, from a
callgrind profile of a run on one CPU (no lock ever waits there):

    valgrind --tool=callgrind --callgrind-out-file=F pmapkit-host cpus=1 only=...
    scripts/lock-cost.py F

For each lock function, the calls made to it and the instructions they took
(inclusive: the kernel's pmap_kern_preempt_disable/enable and, with
CONFIG_PMAP_DEBUG, the order check included), summed over every caller.
pmap_unlock_cleanup is the release at the end of a PMAP_LOCKED scope.
"""
import re
import sys

FUNCS = ("pmap_lock", "pmap_unlock", "pmap_unlock_cleanup", "pmap_trylock", "pmap_page_lock",
         "pmap_page_unlock", "pmap_users_lock", "pmap_users_unlock", "pmap_users_unlock_cleanup")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    names, calls, cost = {}, {}, {}
    pending = None          # the function of the last cfn= line, until its calls= and cost
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        lines = iter(f)
        for line in lines:
            m = re.match(r"(c?)fn=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
            if m:               # a function's name is given once, with its first id
                if m.group(3):
                    names[m.group(2)] = m.group(3)
                pending = names.get(m.group(2)) if m.group(1) else None
                continue
            if line.startswith("calls=") and pending in FUNCS:
                n = int(line.split()[0][len("calls="):])
                ir = int(next(lines).split()[1])
                calls[pending] = calls.get(pending, 0) + n
                cost[pending] = cost.get(pending, 0) + ir
                pending = None
    if not calls:
        sys.exit("lock-cost: no calls to pmapkit's lock functions in %s" % sys.argv[1])
    for fn in FUNCS:
        if fn in calls:
            print("# %-18s %9d calls %7.1f instructions each" %
                  (fn, calls[fn], cost[fn] / calls[fn]))


if __name__ == "__main__":
    main()
