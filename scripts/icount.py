#!/usr/bin/env python3
"""Instructions per page of each core operation, the library's own, against
a bare walker's (issue 16): make bench runs this.

    scripts/icount.py <pmapkit-host> <work-dir>

For each operation OP of tests/icount.c, runs `pmapkit-host icount=OP` and
`icount=floor_OP` under callgrind, counting only inside ic_OP / floor_ic_OP
(--toggle-collect), and sums the instructions of the functions defined in
the library's files (mi/, md/, not the MMU model's *_host.c) or, for the
floor, in tests/floor.c; the test kernel's own functions (its preemption
and CPU-index primitives, the allocator) and the model are left out.
Divided by the pages the run printed.  Prints KTAP comment lines no wider
than 80 columns; exits non-zero only when a run or its profile fails.
"""
import os
import re
import subprocess
import sys

OPS = [("enter", "enter, tables present"), ("extract", "extract"),
       ("remove1", "remove, one call a page"), ("removerange", "remove, 4096-page range"),
       ("protect", "protect, 4096-page range"), ("kenter", "kenter_range, 4 KiB pages")]


def library_file(path):
    if path.endswith("_host.c"):
        return False
    return re.search(r"(^|/)(mi|md)/", path) is not None


def floor_file(path):
    return re.search(r"(^|/)tests/floor\.c$", path) is not None


def self_costs(profile):
    """{(file, function): self instructions} from a callgrind output file."""
    files, fns, costs = {}, {}, {}
    cur_file, cur_fn, after_calls = None, None, False
    with open(profile, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"(fl|fi|fe|fn|cfn|cfl|cfi|cob|ob)=\((\d+)\)(?: (.*))?$", line)
            if m:
                kind, ident, name = m.groups()
                table = fns if kind in ("fn", "cfn") else files
                if name is not None:
                    table[ident] = name
                if kind == "fl":
                    cur_file = files.get(ident)
                elif kind == "fn":
                    cur_fn = fns.get(ident)
                continue
            if line.startswith("calls="):
                after_calls = True
                continue
            if line and (line[0].isdigit() or line[0] in "+-*"):
                parts = line.split()
                if after_calls:
                    after_calls = False
                    continue
                if len(parts) >= 2 and cur_fn is not None:
                    key = (cur_file or "?", cur_fn)
                    costs[key] = costs.get(key, 0) + int(parts[1])
    return costs


def count(host, work, op):
    out = os.path.join(work, "icount-%s.callgrind" % op)
    fn = ("floor_ic_" + op[6:]) if op.startswith("floor_") else "ic_" + op
    run = subprocess.run(["valgrind", "-q", "--tool=callgrind", "--callgrind-out-file=" + out,
                          "--toggle-collect=" + fn, host, "icount=" + op],
                         capture_output=True, text=True)
    m = re.search(r"# icount \S+: (\d+) pages", run.stdout)
    if run.returncode != 0 or m is None:
        sys.exit("icount: %s icount=%s failed (exit %d): %s" %
                 (host, op, run.returncode, (run.stderr or run.stdout)[-400:]))
    keep = floor_file if op.startswith("floor_") else library_file
    total = sum(v for (path, _), v in self_costs(out).items() if keep(path))
    return total / int(m.group(1))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    host, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    print("# Instructions per page (callgrind: the library's own, mi/ and md/; the")
    print("#   floor: a bare walker over the same geometry, tests/floor.c)")
    print("# %-28s %9s %9s %7s" % ("operation", "library", "floor", "ratio"))
    for op, label in OPS:
        lib, floor = count(host, work, op), count(host, work, "floor_" + op)
        ratio = "%.2f" % (lib / floor) if floor > 0 else "-"
        print("# %-28s %9.1f %9.1f %7s" % (label, lib, floor, ratio))


if __name__ == "__main__":
    main()
