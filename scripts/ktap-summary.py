#!/usr/bin/python3
"""Summarize KTAP v1 result files (host run and QEMU guest runs).

    ktap-summary.py [--pass-status N] [--quiet] [--started EPOCH] [--manifest LIST]... [FILE]...
    ktap-summary.py --line FILE

For each file: the "KTAP version 1" header, the top-level plan "1..N" and the
top-level results "ok N name" / "not ok N name" (a "# SKIP" directive counts
as skipped). Indented lines (subtests) and other lines are ignored.

A file fails as a whole (one extra failure) when it is missing, has no
header or no plan, has fewer or more results than planned, has duplicate or
out-of-order test numbers, has a "# timed-out: T" line, or when its
"# exit-status: S" line (written by qemu-run.sh and run-ktap.sh) disagrees
with its results: S differs from the file's own "# pass-status: P" line
(else --pass-status) although no test failed.

A manifest (--manifest) lists result files, one per line, relative to the
manifest's directory: the files a run was to write, so that one it never
wrote counts as a failure and no other file in that directory is read.  A
missing manifest is one failure (the run did not even start).

Prints one line per file, then "N passed, N failed" (totals) as the last
line. Exits 0 iff nothing failed.  --quiet prints the lines of failed files
only, one subtotal per manifest, and before the last line the totals with
the skips (and with --started, the seconds since that time).  --line prints
one short verdict for one file ("ok, 48 passed, 1 skipped" or "FAILED: ..."),
make test's progress line (scripts/step-report.sh).
"""
import argparse
import os
import re
import sys
import time

HEADER = re.compile(r"KTAP version 1\s*$")
PLAN = re.compile(r"1\.\.(\d+)\s*$")
RESULT = re.compile(r"(not ok|ok) (\d+)\b(.*)$")
SKIP = re.compile(r"#\s*SKIP\b", re.IGNORECASE)
EXIT = re.compile(r"# exit-status: (\d+)\s*$")
PASS = re.compile(r"# pass-status: (\d+)\s*$")
TIMEOUT = re.compile(r"# timed-out: (.*)$")


def summarize(path, pass_status):
    """Return (passed, failed, skipped, plan, problems) for one file."""
    passed = failed = skipped = 0
    plan = None
    problems = []
    try:
        with open(path, errors="replace") as f:
            lines = [l.rstrip("\r\n") for l in f]
    except OSError as e:
        return 0, 0, 0, None, ["cannot read: %s (the run did not write it)"
                               % e.strerror]

    header = next((i for i, l in enumerate(lines) if HEADER.search(l)), None)
    if header is None:
        problems.append("no 'KTAP version 1' header")
        lines = []
    exit_status = None
    timed_out = None
    expect = 1
    seen = set()
    for line in lines[header + 1 if header is not None else 0:]:
        m = EXIT.match(line)
        if m:
            exit_status = int(m.group(1))
            continue
        m = PASS.match(line)
        if m:                       # the file's own runner says what passing is
            pass_status = int(m.group(1))
            continue
        m = TIMEOUT.match(line)
        if m:
            timed_out = m.group(1)
            continue
        m = PLAN.match(line)
        if m:
            if plan is not None:
                problems.append("second plan 1..%s" % m.group(1))
            plan = int(m.group(1))
            continue
        m = RESULT.match(line)
        if not m:
            continue
        num = int(m.group(2))
        if num in seen:
            problems.append("duplicate test number %d" % num)
        elif num != expect:
            problems.append("test number %d out of order (expected %d)"
                            % (num, expect))
        seen.add(num)
        expect = max(expect, num + 1)
        if SKIP.search(m.group(3)):
            skipped += 1
        elif m.group(1) == "ok":
            passed += 1
        else:
            failed += 1

    results = passed + failed + skipped
    if header is not None and plan is None:
        problems.append("no plan (1..N)")
    elif plan is not None and results < plan:
        problems.append("incomplete: %d of %d results missing "
                        "(did the run crash or time out?)"
                        % (plan - results, plan))
    elif plan is not None and results > plan:
        problems.append("%d results for a plan of %d" % (results, plan))
    if timed_out is not None:
        problems.append("timed out after %s" % timed_out)
    elif (exit_status is not None and pass_status is not None
            and exit_status != pass_status and failed == 0):
        problems.append("exit status %d, expected %d"
                        % (exit_status, pass_status))
    return passed, failed, skipped, plan, problems


def count(n, what):
    return "%d %s" % (n, what)


def one_line(path, pass_status):
    """The verdict of one result file, for a progress line."""
    p, f, s, plan, problems = summarize(path, pass_status)
    parts = [count(p, "passed")] + ([count(s, "skipped")] if s else [])
    if f == 0 and not problems:
        return "ok, " + ", ".join(parts)
    what = [count(f, "failed")] if f else []
    return "FAILED: " + ", ".join(what + parts + problems[:1])


def elapsed(seconds):
    m, s = divmod(int(seconds), 60)
    return "%d min %d s" % (m, s) if m else "%d s" % s


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pass-status", type=int, metavar="N",
                    help="QEMU exit status that means pass")
    ap.add_argument("--manifest", action="append", default=[], metavar="LIST",
                    help="a file listing the result files a run was to write")
    ap.add_argument("--quiet", action="store_true",
                    help="only failed files, subtotals and totals")
    ap.add_argument("--started", type=float, metavar="EPOCH",
                    help="when the run started (for the elapsed time)")
    ap.add_argument("--line", action="store_true",
                    help="one short verdict for one file")
    ap.add_argument("files", nargs="*", metavar="FILE")
    args = ap.parse_args()

    if args.line:
        if len(args.files) != 1 or args.manifest:
            ap.error("--line takes exactly one FILE")
        print(one_line(args.files[0], args.pass_status))
        return 0

    total_passed = total_failed = total_skipped = 0
    # (group name, files): one group per manifest, one for the loose files.
    groups = []
    for manifest in args.manifest:
        try:
            with open(manifest) as f:
                base = os.path.dirname(manifest)
                groups.append((manifest, [os.path.join(base, l.strip())
                                          for l in f if l.strip()]))
        except OSError as e:
            print("%s: error: cannot read the manifest: %s (the run did not "
                  "start)" % (manifest, e.strerror))
            total_failed += 1
    if args.files:
        groups.append((None, args.files))
    for name, paths in groups:
        gp = gf = gs = 0
        for path in paths:
            p, f, s, plan, problems = summarize(path, args.pass_status)
            if problems:
                f += 1
            if not args.quiet or f:
                for problem in problems:
                    print("%s: error: %s" % (path, problem))
                print("%s: %d passed, %d failed, %d skipped (%s)"
                      % (path, p, f, s, "plan %d" % plan if plan is not None
                         else "no plan"))
            gp, gf, gs = gp + p, gf + f, gs + s
        if args.quiet and name is not None:
            print("%s: %d passed, %d failed, %d skipped"
                  % (os.path.dirname(os.path.dirname(name)) or ".", gp, gf, gs))
        total_passed += gp
        total_failed += gf
        total_skipped += gs
    if args.quiet:
        print("Totals: %d passed, %d failed, %d skipped%s"
              % (total_passed, total_failed, total_skipped,
                 ", %s" % elapsed(time.time() - args.started)
                 if args.started else ""))
    print("%d passed, %d failed" % (total_passed, total_failed))
    return 0 if total_failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
