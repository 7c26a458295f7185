#!/usr/bin/python3
"""Draw the host bench's per-operation costs of several backends.

    scripts/bench-plot.py <out.svg|out.png> [LABEL=]<bench-host.log>...
    scripts/bench-plot.py --check <bench.log>

--check (make test, no matplotlib needed) prints KTAP: the bench's lines
are at most 80 columns, its three tables are there, and the timing table
reads (in the guest, whose ns column is "-", its rows still parse).

Each log is the output of `pmapkit-host bench` (tests/bench.c) for one
configuration (LABEL, by default the backend it names); its timing table (the rows after the "# operation" header) gives
ns/op per operation.  The chart has one group of bars per operation and one
bar per backend, on a logarithmic axis (single pages cost tens of ns, whole
ranges tens of microseconds).  make bench-plot runs this.
"""
import re
import sys


def read_log(path, keep_untimed=False):
    """(backend, debug_on, [(operation, ns)]) from one bench log."""
    backend, debug_on, rows, in_table = None, False, [], False
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.match(r"# bench: backend (\S+?),.*invariant checks (\w+)", line)
            if m:
                backend, debug_on = m.group(1), m.group(2) == "ON"
                continue
            if line.startswith("# operation "):
                in_table = True
                continue
            if in_table:
                # "# <name, 28 columns> <ns/op> <ops> ...": the name has spaces.
                m = re.match(r"# (.{28}) +(\S+) +\d+", line)
                if not m:
                    in_table = False
                    continue
                name, ns = m.group(1).strip(), m.group(2)
                if ns != "-":
                    rows.append((name, float(ns)))
                elif keep_untimed:
                    rows.append((name, None))
    if backend is None or not rows:
        sys.exit(f"bench-plot: {path}: no bench timing table (is it pmapkit-host bench output?)")
    return backend, debug_on, rows


def check(path):
    """make test's check of one bench log; KTAP on stdout, 0 iff it passes."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = [l.rstrip("\n") for l in f]
    # The bench's own lines: from its header to the end of the timing table.
    start = next((i for i, l in enumerate(lines) if l.startswith("# bench: backend")), None)
    mine = [l for l in lines[start:] if l.startswith("#")] if start is not None else []
    wide = [l for l in mine if len(l) > 80]
    tables = [t for t in ("# Memory", "# Shootdowns", "# Time per operation", "# Scaling")
              if not any(l.startswith(t) for l in mine)]
    try:
        backend, _, rows = read_log(path, keep_untimed=True)
        parsed, why = True, "%s: %d operations" % (backend, len(rows))
    except SystemExit as e:
        parsed, why = False, str(e)
    checks = [
        ("bench_lines_fit_80_columns", bool(mine) and not wide,
         "%d lines, widest %d" % (len(mine), max(map(len, mine), default=0))
         + ("; e.g. %r" % wide[0] if wide else "")),
        ("bench_four_tables", bool(mine) and not tables,
         "missing: " + ", ".join(tables) if tables else "memory, shootdowns, time, scaling"),
        ("bench_timing_table_parses", parsed, why),
    ]
    print("KTAP version 1\n1..%d" % len(checks))
    for n, (name, good, note) in enumerate(checks, 1):
        print("# %s" % note)
        print("%s %d %s" % ("ok" if good else "not ok", n, name))
    return 0 if all(good for _, good, _ in checks) else 1


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        sys.exit(check(sys.argv[2]))
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    out, logs = sys.argv[1], sys.argv[2:]
    if not out.endswith((".svg", ".png")):
        sys.exit(f"bench-plot: {out}: the chart is written as .svg or .png")
    try:
        import matplotlib
    except ImportError:
        sys.exit("bench-plot: needs python3-matplotlib (scripts/deps.sh plot installs it)")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = []
    for arg in logs:
        label, sep, path = arg.partition("=")
        backend, debug_on, rows = read_log(path if sep else arg)
        runs.append((label if sep else backend, debug_on, rows))
    ops = [name for name, _ in runs[0][2]]
    for backend, debug_on, rows in runs:
        if [name for name, _ in rows] != ops:
            sys.exit(f"bench-plot: {backend}: other operations than {runs[0][0]}'s")
        if debug_on:
            print(f"bench-plot: warning: {backend} was built with CONFIG_PMAP_DEBUG=y",
                  file=sys.stderr)

    width = 0.8 / len(runs)
    fig, ax = plt.subplots(figsize=(10, 0.5 + 0.45 * len(ops) * max(1, len(runs) / 2)))
    for k, (backend, _, rows) in enumerate(runs):
        ys = [i + (k - (len(runs) - 1) / 2) * width for i in range(len(ops))]
        bars = ax.barh(ys, [ns for _, ns in rows], height=width, label=backend)
        ax.bar_label(bars, labels=[f"{ns:g}" for _, ns in rows], fontsize=7, padding=2)
    ax.set_yticks(range(len(ops)), ops)
    ax.invert_yaxis()
    ax.set_xscale("log")
    # Room on the right for the value labels of the longest bars.
    ax.set_xlim(right=max(ns for _, _, rows in runs for _, ns in rows) * 4)
    ax.set_xlabel("ns per operation (host build, MMU model included; log scale)")
    ax.set_title("pmapkit: cost per pmap operation, by backend")
    ax.legend(loc="upper right")
    ax.grid(axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out)
    print(f"  PLOT    {out} ({len(runs)} backends, {len(ops)} operations)")


if __name__ == "__main__":
    main()
