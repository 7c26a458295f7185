"""Reading callgrind's output format (line-level costs, callgrind's default),
for scripts/icount.py and scripts/lock-cost.py."""
import re

_NAME = re.compile(r"(fl|fi|fe|fn|cfn|cfl|cfi|cob|ob)=\((\d+)\)(?: (.*))?$")


def records(profile):
    """Each cost line of a callgrind profile, as (file, where, function, callee,
    calls, line, instructions): file is the function's (fl=), where the file of
    the line itself (fi=/fe= for inlined code, else file); callee and calls are
    set for the inclusive cost of a call (the line after calls=), else None."""
    files, fns = {}, {}
    file = where = fn = callee = calls = None
    last = 0
    with open(profile, encoding="utf-8", errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\n")
            m = _NAME.match(line)
            if m:
                kind, ident, name = m.groups()
                table = fns if kind in ("fn", "cfn") else files
                if name is not None:
                    table[ident] = name
                if kind == "fl":
                    file = where = files.get(ident)
                elif kind in ("fi", "fe"):
                    where = files.get(ident)
                elif kind == "fn":
                    fn = fns.get(ident)
                elif kind == "cfn":
                    callee = fns.get(ident)
                continue
            if line.startswith("calls="):
                calls = int(line.split()[0][len("calls="):])
                continue
            if not line or not (line[0].isdigit() or line[0] in "+-*"):
                continue
            parts = line.split()
            pos = parts[0]
            if pos[0] == "+":
                last += int(pos[1:])
            elif pos[0] == "-":
                last -= int(pos[1:])
            elif pos != "*":
                last = int(pos)
            cost = int(parts[1]) if len(parts) > 1 else 0
            yield (file, where, fn, callee if calls is not None else None, calls, last, cost)
            calls = None
