#!/usr/bin/python3
"""Check make compile_commands.json's output: a tool can use it as it is.

    scripts/compile-commands-check.py <compile_commands.json> <O-dir> <source>...

KTAP: the file is a JSON array of entries with directory, file, arguments
and output; every <source> (the configured backend's guest, host and
library sources) has an entry; no object appears twice; and one entry of
each build (guest, host, library) compiles again, syntax only, from its
directory with its own arguments, as clangd would run them.
"""
import json
import os
import subprocess
import sys


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    path, odir, sources = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3:]
    results = []

    try:
        with open(path) as f:
            entries = json.load(f)
        ok = isinstance(entries, list) and entries and all(
            isinstance(e, dict) and {"directory", "file", "arguments", "output"} <= e.keys()
            for e in entries)
        why = "" if ok else "not a non-empty array of entries with directory/file/arguments/output"
    except (OSError, ValueError) as e:
        entries, ok, why = [], False, str(e)
    results.append(("compile_commands_valid_json", ok, why or "%d entries" % len(entries)))

    files = {os.path.normpath(e["file"]) for e in entries if isinstance(e, dict) and "file" in e}
    missing = [s for s in sources if os.path.normpath(s) not in files]
    results.append(("compile_commands_every_source", not missing,
                    "missing: " + " ".join(missing[:8]) if missing
                    else "%d sources listed" % len(sources)))

    outs = [e.get("output") for e in entries if isinstance(e, dict)]
    dups = sorted({o for o in outs if outs.count(o) > 1})
    results.append(("compile_commands_unique_objects", not dups,
                    "twice: " + " ".join(dups[:4]) if dups else "%d objects" % len(outs)))

    for build in ("guest", "host", "lib"):
        entry = next((e for e in entries if isinstance(e, dict) and
                      os.path.relpath(e.get("output", ""), odir).split(os.sep)[0] == build),
                     None)
        if entry is None:
            results.append(("compile_commands_%s_entry_compiles" % build, False,
                            "no entry for %s/" % build))
            continue
        args, skip = [], False
        for a in entry["arguments"]:
            if skip:
                skip = False
            elif a in ("-o", "-MJ", "-MF", "-MT"):
                skip = True
            elif a not in ("-c", "-MMD", "-MP", "-MD"):
                args.append(a)
        p = subprocess.run(args + ["-fsyntax-only"], cwd=entry["directory"],
                           capture_output=True, text=True)
        results.append(("compile_commands_%s_entry_compiles" % build, p.returncode == 0,
                        "%s: %s" % (entry["file"], "ok" if p.returncode == 0
                                    else p.stderr.strip().splitlines()[-1:])))

    print("KTAP version 1\n1..%d" % len(results))
    for n, (name, good, note) in enumerate(results, 1):
        print("# %s" % note)
        print("%s %d %s" % ("ok" if good else "not ok", n, name))
    return 0 if all(good for _, good, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
