#!/usr/bin/env bash
# The gdb commands (scripts/gdb/pmapkit.py with md/<backend>/pmap_gdb.py)
# against a live guest, in KTAP.
#
#   scripts/gdb-test.sh <O-dir>
#
# Boots <O-dir>'s guest kernel as `make debug` does (QEMU stopped, its
# gdbstub on a free port) with the command line "random=1 dump": after one
# random operation kern_dump builds a small user pmap (a page mapped twice,
# once wired) and prints pmap_dump of the kernel pmap and of it.  Attaches
# as `make gdb` does, in batch mode, and stops in pmap_remove_all called
# from kern_dump: both dumps are on the console and the user pmap is whole.
# There it runs pmap-walk, pmap-dump and pmap-pv, and checks them against
# oracles the decoders had no part in: the kernel's own pmap_dump lines on
# the console, and the ELF program headers (where a symbol was loaded).
#
# The kernel is not rebuilt (make -o).  GDB_TEST_TIMEOUT (seconds, default
# 120) bounds the whole run; QEMU is killed on every exit.  Exits 0 iff
# every check passed.
set -uo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 <O-dir>" >&2
	exit 2
fi
O=$(realpath -m "$1")
cd "$(dirname "$0")/.." || exit 2
limit=${GDB_TEST_TIMEOUT:-120}
start=$SECONDS
elf=$O/guest/kernel.elf
# A va the decoder must refuse: beyond 32 bits for a 32-bit kernel, in the
# non-canonical hole for a 64-bit one (ELF class, byte 4: 2 is ELF64), with
# 48- and 57-bit VAs alike.
if [ "$(od -An -tu1 -j4 -N1 "$elf" 2>/dev/null | tr -d ' ')" = 2 ]; then
	bad_va=0x100000000000000 bad_va_why="is not canonical"
else
	bad_va=0x100000000 bad_va_why="is not a 32-bit virtual address"
fi
# A physical page no RAM segment holds: in x86's PCI hole, below RISC-V
# virt's RAM (ELF e_machine 243 is RISC-V), whose 8 GiB from 0x80000000 cover
# 0xfffff000.
if [ "$(od -An -tu2 -j18 -N2 "$elf" 2>/dev/null | tr -d ' ')" = 243 ]; then
	unmanaged_pa=0x1000
else
	unmanaged_pa=0xfffff000
fi
export bad_va bad_va_why unmanaged_pa
work=$(mktemp -d "${TMPDIR:-/tmp}/gdb-test.XXXXXX")
qemu_group=

# QEMU and everything make debug started are one process group of their own.
stop_qemu() {
	[ -n "$qemu_group" ] || return 0
	kill -TERM -- "-$qemu_group" 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 -- "-$qemu_group" 2>/dev/null || break
		sleep 0.5
	done
	kill -KILL -- "-$qemu_group" 2>/dev/null
	qemu_group=
}
gdb_pid=
trap '[ -z "$gdb_pid" ] || kill "$gdb_pid" 2>/dev/null; stop_qemu; rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Seconds left of GDB_TEST_TIMEOUT, at least 1 (timeout 0 would mean none).
remaining() {
	local r=$((limit - (SECONDS - start)))
	echo $((r > 0 ? r : 1))
}

# A port the kernel has just handed out as free (a parallel run gets another).
free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("", 0))
print(s.getsockname()[1])'
}

# The guest, stopped before its first instruction, with its console in console.log.
boot() {
	# Our own make, of the kernel as built (-o): not the jobserver or the
	# variables of a make test that runs us.  (A background job of a script
	# leads no process group, so setsid does not fork: $! is the new group.)
	setsid env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s O="$O" -o "$elf" debug \
		GDB_PORT="$port" QEMU_SMP=1 CONFIG_KERNEL_CMDLINE='random=1 dump' \
		>"$work/console.log" 2>&1 </dev/null &
	qemu_group=$!
	while [ $((SECONDS - start)) -lt "$limit" ]; do
		ss -Hltn "( sport = :$port )" 2>/dev/null | grep -q . && return 0
		kill -0 "$qemu_group" 2>/dev/null || break
		sleep 0.2
	done
	echo "the gdbstub never listened on port $port" >"$work/setup.err"
	return 1
}

# gdb's part: each command's output between "@@@ tag: command" and "@@@ end".
cat >"$work/cmds.gdb" <<'EOF'
set confirm off
python
def pmapkit_test(tag, cmd):
    print("@@@ %s: %s" % (tag, cmd))
    try:
        print(gdb.execute(cmd, to_string=True), end="")
    except gdb.error as e:
        print("error: %s" % e)
    print("@@@ end")
end
break pmap_remove_all if $_caller_is("kern_dump")
continue
# The user pmap from the kernel's global, not from pmap_remove_all's
# argument, whose location the optimized (inline-lock) code may have reused.
set $upm = kern_dump_pmap
python pmapkit_test("symbols", 'printf "kmain %#lx pmap_percpu %#lx\\n", &kmain, &pmap_percpu')
python pmapkit_test("walk_text", "pmap-walk kmain")
python pmapkit_test("walk_data", "pmap-walk &pmap_percpu")
python pmapkit_test("walk_user", "pmap-walk 0x20000000 $upm")
python pmapkit_test("walk_unmapped", "pmap-walk 0x20000000")
python pmapkit_test("dump_kernel", "pmap-dump")
python pmapkit_test("dump_user", "pmap-dump $upm")
python pmapkit_test("pv", "pmap-pv $pmap_pa(0x20000000, $upm)")
python pmapkit_test("bad_va", "pmap-walk @BAD_VA@")
python pmapkit_test("pv_unmanaged", "pmap-pv @UNMANAGED_PA@")
set pmapkit-physmem direct
python pmapkit_test("walk_direct", "pmap-walk kmain")
set pmapkit-physmem auto
EOF
sed -i "s/@BAD_VA@/$bad_va/; s/@UNMANAGED_PA@/$unmanaged_pa/" "$work/cmds.gdb"

port=$(free_port)
if [ ! -f "$elf" ]; then
	echo "no guest kernel $elf (make O=$O all)" >"$work/setup.err"
elif boot; then
	# In the background, so that wait lets the INT and TERM traps run at once.
	timeout -k 5 "$(remaining)" env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s O="$O" \
		-o "$elf" gdb GDB_PORT="$port" GDB_ARGS="-batch -x $work/cmds.gdb" \
		>"$work/gdb.log" 2>&1 </dev/null &
	gdb_pid=$!
	wait "$gdb_pid"
	[ $? -eq 124 ] && echo "gdb timed out (GDB_TEST_TIMEOUT=$limit s)" >"$work/setup.err"
	gdb_pid=
fi
# No target, no PMAPKIT_BACKEND: the backend is read from the ELF, the error is clear.
if [ -f "$elf" ]; then
	timeout -k 5 30 env -u PMAPKIT_BACKEND gdb-multiarch -q -nx -batch \
		-x scripts/gdb/pmapkit.py -ex 'pmap-walk 0' "$elf" >"$work/notarget.log" 2>&1 </dev/null
fi
stop_qemu

/usr/bin/python3 - "$elf" "$work" <<'CHECKS'
import os
import re
import struct
import sys

elf, work = sys.argv[1], sys.argv[2]
RUN = re.compile(r"(0x[0-9a-f]+|0)-(0x[0-9a-f]+)\s+(\d+ \S+)\s+(\d+ \S+) ([r-][w-][x-]) "
                 r"(kern|user) ([G-]) ([W-]) ([M-]) ([A-]) ([D-]) (wb|uc) pa (0x[0-9a-f]+|0)"
                 r"( \(scattered\))?\s*$")
HEADER = re.compile(r"pmap (0x[0-9a-f]+) \((kernel|user), ([\w-]+)\), (\d+) levels")
COUNT = re.compile(r"page-table pages at level (\d+): (\d+)")
FOOTER = re.compile(r"(\d+) runs, (\d+) pages mapped \(resident (-?\d+), wired (-?\d+)\)")
FINAL = re.compile(r"-> pa (0x[0-9a-f]+): (\d+ \S+) leaf at level (\d+), (.*)$")


def read(name):
    try:
        with open(os.path.join(work, name), errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def sections(text):
    """{tag: output} of the gdb run's marked commands."""
    out, tag = {}, None
    for line in text.splitlines():
        m = re.match(r"@@@ (\w+): ", line)
        if m:
            tag, out[m.group(1)] = m.group(1), []
        elif line == "@@@ end":
            tag = None
        elif tag:
            out[tag].append(line)
    return {k: "\n".join(v) for k, v in out.items()}


def dumps(text):
    """Every pmap_dump in text (console lines start "# "): header, counts, runs, footer."""
    found = []
    for line in text.splitlines():
        line = re.sub(r"^# ", "", line)
        m = HEADER.match(line)
        if m:
            found.append({"header": (int(m.group(1), 16), m.group(2), m.group(3), int(m.group(4))),
                          "counts": [], "runs": [], "footer": None})
            continue
        if not found or found[-1]["footer"] is not None:
            continue
        d = found[-1]
        if COUNT.search(line):
            d["counts"].append(tuple(map(int, COUNT.search(line).groups())))
        elif RUN.search(line):
            g = RUN.search(line).groups()
            d["runs"].append((int(g[0], 16), int(g[1], 16), g[2], g[3]) + g[4:12] +
                             (int(g[12], 16), bool(g[13])))
        elif FOOTER.search(line):
            d["footer"] = tuple(map(int, FOOTER.search(line).groups()))
    return found


def without_ad(runs):
    """Runs with A and D dropped and coalesced again, as pmap_dump would have."""
    out = []
    for r in runs:
        r = r[:9] + r[11:]
        va, end, _, leaf, kind, pa, scattered = r[0], r[1], r[2], r[3], r[4:10], r[10], r[11]
        if out and out[-1][1] + 1 == va and out[-1][3] == leaf and out[-1][4:10] == kind:
            p = out[-1]
            contiguous = p[10] + (p[1] + 1 - p[0]) == pa
            out[-1] = (p[0], end, None, leaf) + kind + (p[10], p[11] or scattered or not contiguous)
        else:
            out.append((va, end, None, leaf) + kind + (pa, scattered))
    return out


def elf_pa(va):
    """The physical address the ELF loads va at (its PT_LOAD's p_paddr); ELF32 or ELF64."""
    with open(elf, "rb") as f:
        data = f.read()
    if data[4] == 2:
        phoff, = struct.unpack_from("<Q", data, 32)
        phentsize, phnum = struct.unpack_from("<HH", data, 54)
    else:
        phoff, = struct.unpack_from("<I", data, 28)
        phentsize, phnum = struct.unpack_from("<HH", data, 42)
    for i in range(phnum):
        if data[4] == 2:
            ptype, _, _, vaddr, paddr, _, memsz = struct.unpack_from("<2I5Q", data,
                                                                     phoff + i * phentsize)
        else:
            ptype, _, vaddr, paddr, _, memsz = struct.unpack_from("<6I", data,
                                                                  phoff + i * phentsize)
        if ptype == 1 and vaddr <= va < vaddr + memsz:
            return paddr + va - vaddr
    return None


results = []


def check(name, ok, why, shown=""):
    results.append((name, ok, why, shown))


gdb_log, console = read("gdb.log"), read("console.log")
sec = sections(gdb_log)
cdumps = dumps(console)
ckernel = next((d for d in cdumps if d["header"][1] == "kernel"), None)
cuser = next((d for d in cdumps if d["header"][1] == "user"), None)
syms = dict((k, int(v, 16)) for k, v in re.findall(r"(kmain|pmap_percpu) (0x[0-9a-f]+)",
                                                    sec.get("symbols", "")))

stop = re.search(r"^Breakpoint \d+, pmap_remove_all.*$", gdb_log, re.M)
check("gdb_breakpoint", stop is not None, "stopped in pmap_remove_all from kern_dump",
      stop.group(0) if stop else "\n".join([read("setup.err"), "--- gdb:"] +
                                            gdb_log.splitlines()[-10:] + ["--- console:"] +
                                            console.splitlines()[-10:]))


def final(tag):
    m = FINAL.search(sec.get(tag, ""))
    return (int(m.group(1), 16), m.group(4)) if m else (None, None)


def covering(dump, va):
    """The run of a parsed dump that maps va."""
    return next((r for r in dump["runs"] if r[0] <= va <= r[1]), None) if dump else None


def check_kernel_walk(name, tag, sym, prot):
    """pa as the ELF loads sym; the kind as the kernel's pmap_dump shows its run
    (A and D aside: the kernel may have set them since it printed)."""
    pa, kind = final(tag)
    va = syms.get(sym)
    want = elf_pa(va) if va is not None else None
    run = covering(ckernel, va) if va is not None else None
    want_kind = " ".join(run[4:12]) if run else None
    ok = want is not None and pa == want and kind is not None and run is not None and \
        re.match(prot + r" kern ", kind) is not None and \
        kind.split()[:5] + kind.split()[7:] == want_kind.split()[:5] + want_kind.split()[7:]
    check(name, ok, "%s: pa %s (the ELF loads it at %s), %s (the kernel's pmap_dump: %s)"
          % (sym, hex(pa) if pa is not None else "none", hex(want) if want is not None else "?",
             kind, want_kind), sec.get(tag, ""))


check_kernel_walk("gdb_walk_text", "walk_text", "kmain", "r.x")
check_kernel_walk("gdb_walk_data", "walk_data", "pmap_percpu", "rw.")

pa, kind = final("walk_user")
urun = next((r for r in cuser["runs"] if r[0] == 0x20000000), None) if cuser else None
ukind = " ".join(urun[4:12]) if urun else None
check("gdb_walk_user", urun is not None and pa == urun[12] and kind == ukind,
      "va 0x20000000 of the user pmap: pa %s, %s; the kernel's pmap_dump: pa %s, %s"
      % (hex(pa) if pa is not None else "none", kind, hex(urun[12]) if urun else "?", ukind),
      sec.get("walk_user", ""))

check("gdb_walk_unmapped", "not mapped at level 0" in sec.get("walk_unmapped", ""),
      "va 0x20000000 of the kernel pmap (CR3/satp): not mapped at level 0",
      sec.get("walk_unmapped", ""))


def check_dump(name, tag, want, lenient):
    got = dumps(sec.get(tag, ""))
    got = got[0] if got else None
    if want is None or got is None:
        check(name, False, "no dump from %s" % ("the kernel" if want is None else "gdb"),
              sec.get(tag, ""))
        return
    same = [got[k] == want[k] for k in ("header", "counts", "footer")]
    if all(same) and got["runs"] == want["runs"]:
        check(name, True, "%d runs, as the kernel's pmap_dump" % len(got["runs"]), sec[tag])
    elif all(same) and lenient and without_ad(got["runs"]) == without_ad(want["runs"]):
        check(name, True, "%d runs; as the kernel's pmap_dump but for A/D bits, which the "
              "kernel set between the two reads" % len(got["runs"]), sec[tag])
    else:
        check(name, False, "differs from the kernel's pmap_dump (header/counts/footer same: "
              "%s)" % same, sec[tag] + "\n--- the kernel's:\n" +
              "\n".join(str(r) for r in [want["header"], want["counts"]] + want["runs"] +
                        [want["footer"]]))


check_dump("gdb_dump_kernel", "dump_kernel", ckernel, True)
check_dump("gdb_dump_user", "dump_user", cuser, False)

pv = sec.get("pv", "")
m = re.search(r"^pa (0x[0-9a-f]+): struct vm_page", pv, re.M)
maps = re.findall(r"pmap (0x[0-9a-f]+) user\s+va (0x[0-9a-f]+)\s+pte \S+ ok$", pv, re.M)
got = sorted((int(p, 16), int(v, 16)) for p, v in maps)
upm = cuser["header"][0] if cuser else None
check("gdb_pv", urun is not None and m is not None and int(m.group(1), 16) == urun[12] and
      got == [(upm, 0x10000000), (upm, 0x20000000)] and "2 mappings" in pv,
      "the page at va 0x20000000: mapped by pmap %s at 0x10000000 (in the record) and "
      "0x20000000 (a pv entry), each checked by a walk" % (hex(upm) if upm else "?"), pv)

errs = sec.get("bad_va", "") + "\n" + sec.get("pv_unmanaged", "")
check("gdb_errors", "error: pmap-walk: va %s %s" % (os.environ["bad_va"], os.environ["bad_va_why"])
      in errs
      and re.search(r"error: pmap-pv: pa %s is not managed" % os.environ["unmanaged_pa"], errs)
      is not None,
      "a bad va and an unmanaged pa are refused with a message", errs)

check("gdb_physmem_direct", final("walk_direct") == final("walk_text") and
      final("walk_text")[0] is not None,
      "through the direct map, as through QEMU's physical mode", sec.get("walk_direct", ""))

nt = read("notarget.log")
check("gdb_no_target", re.search(r"pmapkit: backend [\w-]+;", nt) is not None and
      "pmapkit: not connected" in nt,
      "without PMAPKIT_BACKEND the backend comes from the ELF; without a target, an error", nt)

print("KTAP version 1")
print("1..%d" % len(results))
for i, (name, ok, why, shown) in enumerate(results, 1):
    print("# %s" % why)
    for line in shown.strip().splitlines()[:40]:
        print("#   %s" % line)
    print("%s %d %s" % ("ok" if ok else "not ok", i, name))
sys.exit(0 if all(ok for _, ok, _, _ in results) else 1)
CHECKS
