"""
pmapkit's gdb commands, for a guest stopped under QEMU's gdbstub (make
debug, then make gdb, which loads this file with PMAPKIT_BACKEND set):

    pmap-walk VA [ROOT]   the MMU's walk of VA, one line per level
    pmap-dump [PMAP]      a pmap's address space as runs, as pmap_dump prints it
    pmap-pv PA            the page record of PA and its pv list
    pmap-backend [NAME]   which decoder is loaded; load another
    $pmap_pa(VA [, ROOT]) the physical address VA maps to (for x, pmap-pv, ...)
    set pmapkit-physmem auto|qemu|direct   how page tables are read

Nothing here knows a PTE bit or a level count: each backend's decoder,
md/<backend>/pmap_gdb.py, has them (the bits as its pte.h names them, the
geometry as its pmap_md_levels[]).  This file walks and formats.

Page tables are read at their physical addresses through QEMU's gdbstub
physical mode (the Qqemu.PhyMemMode packet, QEMU 4.2 and later; measured
on 7.2 for i386, i386-pae and riscv32).  That works before the direct map
exists, whatever address space the CPU is in, and for tables outside the
direct map.  Its one limit: gdb cuts addresses to the target's pointer
width, so on these 32-bit targets only PAs below 4 GiB can be read (PAE
page tables stay there, pmap_pae.c's PAE_PTP_LIMIT); above that we refuse
rather than read the wrong page.  Without that packet (another stub) the
kernel's direct map is the fallback: PMAP_DIRECT_VA, once pmap_bootstrap
has run.  Kernel data (struct pmap, page records) is read at its virtual
address, as gdb reads any variable.
"""
import collections
import importlib.util
import os
import re
import struct

import gdb

# gdb runs a sourced script with __file__ set only while it runs: keep it.
_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

_BACKEND = {"name": None, "dec": None}

# What a decoder, md/<backend>/pmap_gdb.py, defines (md/i386/pmap_gdb.py is
# the worked example).  Level 0 is the root; pte is an int, level an index.
_DECODER_NAMES = (
    "NAME",             # the backend's name, PMAP_MD_NAME
    "PTE_BYTES",        # bytes in one entry (little-endian)
    "VA_BITS", "PA_BITS",
    "INDEX_BITS",       # VA bits the tables index (VA_BITS on 32-bit MMUs, 48 on amd64)
    "canonical",        # (va rebuilt from indices) -> the address the CPU uses
    "configure",        # (the kernel's [(shift, entries), ...]) -> adapt to a level count
                        #   Kconfig chose (amd64: LA57's five), or leave all as it is
    "LEVELS",           # ((name, VA shift, entries), ...), root first: pmap_md_levels[]
    "USER_SPACE",       # [lo, hi) pmap_dump shows of a user pmap
    "KERNEL_SPACE",     # and of the kernel pmap
    "ROOT_FIELD",       # the struct pmap_md member holding the root table's pa
    "cpu_root",         # (reg) -> (root pa, description); ValueError when paging is off
    "root_pa",          # (pa) -> the root table of a root register-like value
    "valid",            # (pte, level) -> pte_valid_p
    "fault",            # (pte, level) -> why the MMU stops here, or None
    "leaf",             # (pte, level) -> pte_leaf_p
    "table_pa",         # (pte, level) -> the next table's pa
    "leaf_pa",          # (pte, level) -> the first pa the leaf maps
    "flags",            # (pte, level) -> the bits by name, one string
    "kind",             # (pte, level) -> dict: prot ("r-x"), user, global, wired, managed,
                        #   referenced, modified, nocache (pmap_dump's columns)
    "table_denies",     # (pte, level) -> what a table entry denies below it: "write", ...
    "problems",         # (pte, level) -> bits pmapkit never sets, as words
    "direct_va",        # (pa) -> the kernel's direct-map va of pa, or None
)


# ---------------------------------------------------------------- the decoder

def _decoder_path(name):
    return os.path.join(_REPO, "md", name, "pmap_gdb.py")


def _load_backend(name):
    """Load md/<name>/pmap_gdb.py, the backend's decoder, and make it current."""
    path = _decoder_path(name)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name) or not os.path.isfile(path):
        have = sorted(d for d in os.listdir(os.path.join(_REPO, "md"))
                      if os.path.isfile(_decoder_path(d)))
        raise gdb.GdbError("pmapkit: no decoder %s for backend %r (there are: %s)"
                           % (path, name, ", ".join(have)))
    spec = importlib.util.spec_from_file_location("pmapkit_md_" + re.sub(r"\W", "_", name), path)
    dec = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(dec)
    except Exception as e:      # a decoder being written: say where, not a traceback
        raise gdb.GdbError("pmapkit: %s: %s: %s" % (path, type(e).__name__, e))
    missing = [n for n in _DECODER_NAMES if not hasattr(dec, n)]
    if missing:
        raise gdb.GdbError("pmapkit: %s does not define %s" % (path, ", ".join(missing)))
    _BACKEND.update(name=name, dec=dec)
    _check_geometry(dec)
    return dec


def _elf_backend():
    """The backend the kernel was built for (pmap_md_ops.name), or None."""
    try:
        return gdb.parse_and_eval("pmap_md_ops.name").string()
    except (gdb.error, gdb.MemoryError):
        return None


def _decoder():
    """The current decoder: PMAPKIT_BACKEND's, else the one the kernel names."""
    if _BACKEND["dec"] is None:
        name = os.environ.get("PMAPKIT_BACKEND") or _elf_backend()
        if not name:
            raise gdb.GdbError("pmapkit: which backend? Set PMAPKIT_BACKEND to a directory of "
                               "md/ (make gdb does), load the kernel ELF, or say pmap-backend NAME")
        _load_backend(name)
    return _BACKEND["dec"]


def _check_geometry(dec):
    """Warn when the decoder is not the kernel's backend, or its levels differ
    from the kernel's pmap_md_levels[]."""
    built = _elf_backend()
    if built is not None and built != dec.NAME:
        print("warning: pmapkit: decoder %s, but the kernel was built for %s" % (dec.NAME, built))
    try:
        levels = gdb.parse_and_eval("pmap_md_levels")
        n = levels.type.range()[1] + 1
        kernel = [(int(levels[i]["pl_shift"]), int(levels[i]["pl_entries"])) for i in range(n)]
    except (gdb.error, gdb.MemoryError):
        return          # no kernel ELF loaded yet: nothing to compare with
    dec.configure(kernel)
    if n != len(dec.LEVELS):
        print("warning: pmapkit: md/%s/pmap_gdb.py has %d levels, the kernel's pmap_md_levels[] %d"
              % (dec.NAME, len(dec.LEVELS), n))
    for i, ((name, shift, entries), (kshift, kentries)) in enumerate(zip(dec.LEVELS, kernel)):
        if (shift, entries) != (kshift, kentries):
            print("warning: pmapkit: md/%s/pmap_gdb.py level %d (%s): shift %d, %d entries; "
                  "the kernel's pmap_md_levels[%d]: shift %d, %d entries"
                  % (dec.NAME, i, name, shift, entries, i, kshift, kentries))


# ------------------------------------------------------------ values, target

def _require_target():
    """Refuse politely when there is nothing to read registers or memory from."""
    thread = gdb.selected_thread()
    if gdb.selected_inferior().pid == 0 or thread is None:
        raise gdb.GdbError("pmapkit: not connected: start the guest with make debug, then "
                           "target remote localhost:1234 (make gdb does both)")
    if thread.is_running():
        raise gdb.GdbError("pmapkit: the target is running: interrupt it first")


def _to_int(v):
    """An integer from any scalar gdb value; a function or array gives its address."""
    code = v.type.strip_typedefs().code
    if code in (gdb.TYPE_CODE_FUNC, gdb.TYPE_CODE_ARRAY):
        v = v.address
    elif code == gdb.TYPE_CODE_VOID:
        raise gdb.GdbError("pmapkit: the value is void (an unknown register or variable?)")
    try:
        return int(v)
    except gdb.error:
        return int(v.cast(gdb.lookup_type("unsigned long long")))


def _eval(expr):
    try:
        return gdb.parse_and_eval(expr)
    except gdb.error as e:
        raise gdb.GdbError("pmapkit: cannot evaluate %r: %s" % (expr, e))


def _register(name):
    """A register of the selected CPU, as an unsigned number."""
    v = gdb.parse_and_eval("$" + name)
    if v.type.strip_typedefs().code == gdb.TYPE_CODE_VOID:
        raise gdb.GdbError("pmapkit: register %s is not available from this gdbstub" % name)
    return _to_int(v) & ((1 << 8 * v.type.sizeof) - 1)      # satp reads as a signed int


def _static(name, filename):
    """A file-static variable of the kernel (gdb may know several of that name)."""
    for sym in gdb.lookup_static_symbols(name):
        if sym.symtab is not None and sym.symtab.filename.endswith(filename):
            return sym.value()
    sym = gdb.lookup_global_symbol(name)
    if sym is None:
        raise gdb.GdbError("pmapkit: no symbol %s of %s in the kernel ELF" % (name, filename))
    return sym.value()


def _hex(value, bits):
    """value in hex, zero-padded to the width of a bits-bit quantity (aligned columns)."""
    return "0x%0*x" % ((bits + 3) // 4, value)


def _bytes(n):
    """A size as pmap_dump's dump_bytes writes it: "4 KiB", rounded to the largest exact unit."""
    units = ("B", "KiB", "MiB", "GiB", "TiB")
    u = 0
    while u < 4 and n >= 1024 and n % 1024 == 0:
        n //= 1024
        u += 1
    return "%d %s" % (n, units[u])


# --------------------------------------------------------- physical memory

class _PhysmemParameter(gdb.Parameter):
    """How pmapkit reads page tables: auto (QEMU's physical mode if the stub
    has it, else the kernel's direct map), qemu, or direct."""

    set_doc = "Set how pmapkit reads physical memory."
    show_doc = "Show how pmapkit reads physical memory."

    def __init__(self):
        super().__init__("pmapkit-physmem", gdb.COMMAND_DATA, gdb.PARAM_ENUM,
                         ["auto", "qemu", "direct"])
        self.value = "auto"

    def get_set_string(self):
        return ""

    def get_show_string(self, svalue):
        return "pmapkit reads physical memory by: %s" % svalue


_PHYSMEM = _PhysmemParameter()


def _qemu_packet(packet):
    """Send one packet to the stub; its answer ("" when the stub does not know it)."""
    try:
        out = gdb.execute("maintenance packet " + packet, to_string=True)
    except gdb.error:
        return ""
    m = re.search(r'received: "(.*)"', out)
    return m.group(1) if m else ""


class _PhysMem:
    """Physical memory for one command (the module comment says why this way)."""

    def __init__(self, dec):
        self.dec = dec
        self.inferior = gdb.selected_inferior()
        self.mode = _PHYSMEM.value
        if self.mode in ("auto", "qemu"):
            now = _qemu_packet("qqemu.PhyMemMode")
            if now == "1":
                # Kernel variables are read at their virtual addresses between table reads.
                _qemu_packet("Qqemu.PhyMemMode:0")
                print("pmapkit: QEMU's gdbstub was in physical mode: back to virtual addresses")
            if now in ("0", "1"):
                self.mode = "qemu"
            elif self.mode == "qemu":
                raise gdb.GdbError("pmapkit: this gdbstub has no Qqemu.PhyMemMode (QEMU 4.2 "
                                   "or later has): set pmapkit-physmem direct")
            else:
                self.mode = "direct"
        # A gdb address is as wide as the target's pointers (measured: i386).
        self.limit = 1 << (8 * gdb.lookup_type("void").pointer().sizeof)

    def read(self, pa, size):
        try:
            if self.mode == "qemu":
                return self._read_qemu(pa, size)
            return self._read_direct(pa, size)
        except gdb.MemoryError as e:
            raise gdb.GdbError("pmapkit: cannot read pa %#x (+%#x, %s): %s"
                               % (pa, size, self.mode, e))

    def _read_qemu(self, pa, size):
        if pa + size > self.limit:
            raise gdb.GdbError("pmapkit: pa %#x is beyond the %d-bit addresses gdb passes "
                               "on this target" % (pa, self.limit.bit_length() - 1))
        if _qemu_packet("Qqemu.PhyMemMode:1") != "OK":
            raise gdb.GdbError("pmapkit: QEMU refused its physical memory mode")
        try:
            return bytes(self.inferior.read_memory(pa, size))
        finally:
            _qemu_packet("Qqemu.PhyMemMode:0")

    def _read_direct(self, pa, size):
        va = self.dec.direct_va(pa)
        if va is None or self.dec.direct_va(pa + size - 1) != va + size - 1:
            raise gdb.GdbError("pmapkit: pa %#x is outside the kernel's direct map "
                               "(set pmapkit-physmem qemu reads any pa)" % pa)
        return bytes(self.inferior.read_memory(va, size))

    def entries(self, pa, count):
        """count page-table entries from pa (both families are little-endian)."""
        fmt = {4: "I", 8: "Q"}[self.dec.PTE_BYTES]
        return struct.unpack("<%d%s" % (count, fmt), self.read(pa, count * self.dec.PTE_BYTES))


# ---------------------------------------------------------------- the walk

Step = collections.namedtuple("Step", "level name table index pte")
Walk = collections.namedtuple("Walk", "steps leaf_level pa size why")


def _walk(dec, mem, root, va):
    """The MMU's walk of va from the root table at pa root: each entry it
    reads, and the leaf's level, pa and size, or why it stopped."""
    steps = []
    table = root
    for level, (name, shift, entries) in enumerate(dec.LEVELS):
        index = (va >> shift) & (entries - 1)
        pte = mem.entries(table + index * dec.PTE_BYTES, 1)[0]
        steps.append(Step(level, name, table, index, pte))
        why = dec.fault(pte, level)
        if why is not None:
            return Walk(steps, None, None, None, why)
        if dec.leaf(pte, level):
            size = 1 << shift
            return Walk(steps, level, dec.leaf_pa(pte, level) + (va & (size - 1)), size, None)
        table = dec.table_pa(pte, level)
    return Walk(steps, None, None, None, "no leaf at the last level")


def _kind_columns(k):
    """pmap_dump's kind columns: rwx, mode, G, W, M, A, D, cache."""
    return "%s %s %s %s %s %s %s %s" % (
        k["prot"], "user" if k["user"] else "kern", "G" if k["global"] else "-",
        "W" if k["wired"] else "-", "M" if k["managed"] else "-",
        "A" if k["referenced"] else "-", "D" if k["modified"] else "-",
        "uc" if k["nocache"] else "wb")


def _is_pmap(v):
    t = v.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_PTR:
        t = t.target().strip_typedefs()
    return t.code == gdb.TYPE_CODE_STRUCT and t.tag == "pmap"


def _as_pmap(v):
    """A struct pmap * from a pmap pointer, a struct pmap, or an address."""
    t = v.type.strip_typedefs()
    if _is_pmap(v):
        return v if t.code == gdb.TYPE_CODE_PTR else v.address
    return gdb.Value(_to_int(v)).cast(gdb.lookup_type("struct pmap").pointer())


def _pmap_root(dec, pm):
    """The root table's pa of a struct pmap *."""
    try:
        root = int(pm.dereference()["pm_md"][dec.ROOT_FIELD])
    except gdb.MemoryError as e:
        raise gdb.GdbError("pmapkit: cannot read the pmap at %#x (%s): not a pmap, or the "
                           "kernel is not mapped yet" % (int(pm), e))
    if root == 0:
        raise gdb.GdbError("pmapkit: pmap %#x has no root table (pm_md.%s is 0: before "
                           "pmap_bootstrap, or destroyed?)" % (int(pm), dec.ROOT_FIELD))
    return root


def _root(dec, value):
    """(root pa, what it is) from a struct pmap, a root pa, or None: the CPU's."""
    if value is None:
        try:
            return dec.cpu_root(_register)
        except ValueError as e:
            raise gdb.GdbError("pmapkit: %s" % e)
    if _is_pmap(value):
        pm = _as_pmap(value)
        return dec.root_pa(_pmap_root(dec, pm)), "pmap %#x" % int(pm)
    pa = _to_int(value)
    if not 0 <= pa < 1 << dec.PA_BITS:
        raise gdb.GdbError("pmapkit: root %#x is not a %d-bit physical address" % (pa, dec.PA_BITS))
    return dec.root_pa(pa), "given"


def _check_va(dec, va, what):
    if not 0 <= va < 1 << dec.VA_BITS:
        raise gdb.GdbError("%s: va %#x is not a %d-bit virtual address" % (what, va, dec.VA_BITS))
    if dec.canonical(va) != va:
        raise gdb.GdbError("%s: va %#x is not canonical (the MMU translates %d bits)"
                           % (what, va, dec.INDEX_BITS))
    return va


def _print_walk(dec, va, root, how, w):
    pte_bits = 8 * dec.PTE_BYTES
    print("va %s, root %s (%s), %s" % (_hex(va, dec.VA_BITS), _hex(root, dec.PA_BITS), how,
                                       dec.NAME))
    print("  %-9s %-*s %5s  %-*s  %s" % ("level", 2 + (dec.PA_BITS + 3) // 4, "table",
                                         "index", 2 + pte_bits // 4, "entry", "flags"))
    for s in w.steps:
        print("  %d %-7s %s %5d  %s  %s" % (s.level, s.name, _hex(s.table, dec.PA_BITS), s.index,
                                            _hex(s.pte, pte_bits), dec.flags(s.pte, s.level)))
        for p in dec.problems(s.pte, s.level):
            print("  warning: level %d: %s" % (s.level, p))
    if w.why is not None:
        print("  va %s: not mapped at level %d (%s)" % (_hex(va, dec.VA_BITS), w.steps[-1].level,
                                                        w.why))
        return
    leaf = w.steps[-1]
    k = dec.kind(leaf.pte, leaf.level)
    print("  va %s -> pa %s: %s leaf at level %d, %s" % (
        _hex(va, dec.VA_BITS), _hex(w.pa, dec.PA_BITS), _bytes(w.size), w.leaf_level,
        _kind_columns(k)))
    granted = {"write": "w" in k["prot"], "execute": "x" in k["prot"], "user": k["user"]}
    for s in w.steps[:-1]:
        denied = [d for d in dec.table_denies(s.pte, s.level) if granted[d]]
        if denied:
            print("  note: the level-%d entry denies %s: the leaf's grant does not count"
                  % (s.level, ", ".join(denied)))


def _kernel_memory_error(e):
    return gdb.GdbError("pmapkit: cannot read kernel memory (%s): kernel variables are read at "
                        "their virtual addresses, which need paging on and the kernel mapped" % e)


class _Command(gdb.Command):
    """A pmapkit command: run(arg) does the work; every failure is a GdbError."""

    def __init__(self, name):
        super().__init__(name, gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, arg, from_tty):
        _decoder()
        _require_target()
        try:
            self.run(arg)
        except gdb.MemoryError as e:
            raise _kernel_memory_error(e)


class PmapWalk(_Command):
    """Walk a virtual address through the page tables, as the MMU would.

pmap-walk VA [ROOT]

VA is any expression (kmain, &var, 0xc0100000).  ROOT is a struct pmap *
(or struct pmap) expression, or the physical address of a root table
(x86: a CR3 value; RISC-V: the root page); without it, the selected CPU's
(CR3, or satp).  Quote an expression that has spaces.  One line per level:
its table's pa, the index, the raw entry and its flags (as the backend's
pte.h names them; dashes for clear bits); then the pa, or the level whose
entry stopped the walk.  This is what the tables say now: a TLB may still
hold an older translation."""

    def __init__(self):
        super().__init__("pmap-walk")

    def run(self, arg):
        argv = gdb.string_to_argv(arg)
        if not 1 <= len(argv) <= 2:
            raise gdb.GdbError("usage: pmap-walk VA [ROOT]")
        dec = _decoder()
        va = _check_va(dec, _to_int(_eval(argv[0])), "pmap-walk")
        root, how = _root(dec, _eval(argv[1]) if len(argv) == 2 else None)
        mem = _PhysMem(dec)
        _print_walk(dec, va, root, how, _walk(dec, mem, root, va))


class PmapPa(gdb.Function):
    """$pmap_pa(VA [, ROOT]): the physical address VA maps to (ROOT as for
pmap-walk); an error when it is not mapped."""

    def __init__(self):
        super().__init__("pmap_pa")

    def invoke(self, va, root=None):
        dec = _decoder()
        _require_target()
        va = _check_va(dec, _to_int(va), "$pmap_pa")
        try:
            rootpa, _ = _root(dec, root)
            w = _walk(dec, _PhysMem(dec), rootpa, va)
        except gdb.MemoryError as e:
            raise _kernel_memory_error(e)
        if w.why is not None:
            raise gdb.GdbError("$pmap_pa: va %#x is not mapped at level %d (%s)"
                               % (va, w.steps[-1].level, w.why))
        return gdb.Value(w.pa).cast(gdb.lookup_type("unsigned long long"))


# ---------------------------------------------------------------- the dump

def _leaves(dec, mem, table, level, base, lo, hi, counts):
    """Every valid leaf of the level-`level` table at pa `table` (mapping from
    base) that meets [lo, hi), in address order, as (va, size, pte, level);
    counts[l] gains the tables met at level l, as pmap_dump counts them.
    Only the entries inside [lo, hi) are read: an invalid one costs nothing
    below it."""
    _, shift, entries = dec.LEVELS[level]
    span = 1 << shift
    first = max(0, (lo - base) >> shift)
    last = min(entries, ((hi - 1 - base) >> shift) + 1)
    if first >= last:
        return
    ptes = mem.entries(table + first * dec.PTE_BYTES, last - first)
    for i, pte in enumerate(ptes, first):
        va = base + i * span
        if not dec.valid(pte, level):
            continue
        if dec.leaf(pte, level):
            yield va, span, pte, level
        else:
            counts[level + 1] += 1
            yield from _leaves(dec, mem, dec.table_pa(pte, level), level + 1, va, lo, hi, counts)


class _Runs:
    """Runs of mappings with consecutive addresses and the same kind, as
    pmap_dump (mi/pmap_dump.c) coalesces them."""

    def __init__(self, dec):
        self.dec = dec
        self.run = None
        self.runs = self.pages = 0

    def add(self, va, size, pa, kind):
        key = (size, tuple(sorted(kind.items())))
        r = self.run
        if r is None or va != r["end"] or key != r["key"]:
            self.flush()
            r = self.run = {"va": va, "end": va, "pa": pa, "next_pa": pa, "key": key,
                            "size": size, "kind": kind, "pages": 0, "scattered": False}
        if pa != r["next_pa"]:
            r["scattered"] = True
        r["end"] = va + size
        r["next_pa"] = pa + size
        r["pages"] += size >> self.dec.LEVELS[-1][1]

    def flush(self):
        r = self.run
        if r is None:
            return
        d = self.dec
        print("  %s-%s %10s %7s %s pa %s%s" % (
            _hex(r["va"], d.VA_BITS), _hex(r["end"] - 1, d.VA_BITS),
            _bytes(r["pages"] << d.LEVELS[-1][1]), _bytes(r["size"]),
            _kind_columns(r["kind"]), _hex(r["pa"], d.PA_BITS),
            " (scattered)" if r["scattered"] else ""))
        self.runs += 1
        self.pages += r["pages"]
        self.run = None


def _kernel_pmap():
    """&kernel_pmap_store (mi/pmap.c), what pmap_kernel() returns."""
    return _static("kernel_pmap_store", "pmap.c").address


class PmapDump(_Command):
    """Print a pmap's address space as runs, the way pmap_dump does.

pmap-dump [PMAP]

PMAP is a struct pmap * expression (default: the kernel pmap).  The
kernel's part of the space only for the kernel pmap, the user part for a
user pmap (as pmap_mappings), read from its root table: the page-table
pages per level, then one line per run of consecutive mappings of one kind
(leaf size, rwx, user/kernel, global, wired, managed, A, D, cache) with its
first pa ("scattered" when its pages are not one physical range)."""

    def __init__(self):
        super().__init__("pmap-dump")

    def run(self, arg):
        dec = _decoder()
        pm = _as_pmap(_eval(arg)) if arg.strip() else _kernel_pmap()
        root = dec.root_pa(_pmap_root(dec, pm))
        p = pm.dereference()
        kernel = bool(p["pm_is_kernel"])
        lo, hi = dec.KERNEL_SPACE if kernel else dec.USER_SPACE
        counts = [1] + [0] * (len(dec.LEVELS) - 1)
        mem = _PhysMem(dec)
        runs = _Runs(dec)
        # The tables are counted while the leaves are read: the counts print first.
        leaves = list(_leaves(dec, mem, root, 0, 0, lo, hi, counts))
        print("pmap %#x (%s, %s), %d levels, root %s" % (int(pm), "kernel" if kernel else "user",
                                                        dec.NAME, len(dec.LEVELS),
                                                        _hex(root, dec.PA_BITS)))
        for level, n in enumerate(counts):
            print("  page-table pages at level %d: %d%s" % (level, n,
                                                            " (the root)" if level == 0 else ""))
        vaw = 2 * (2 + (dec.VA_BITS + 3) // 4) + 1
        print("  %-*s %10s %7s %3s %4s G W M A D cache pa" % (vaw, "va", "size", "leaf", "rwx",
                                                              "mode"))
        for va, size, pte, level in leaves:     # canonical: past a 64-bit MMU's hole
            runs.add(dec.canonical(va), size, dec.leaf_pa(pte, level), dec.kind(pte, level))
        runs.flush()
        print("  %d runs, %d pages mapped (resident %d, wired %d)"
              % (runs.runs, runs.pages, int(p["pm_resident"]), int(p["pm_wired"])))


# -------------------------------------------------------------- page records

# The test kernel's embedding (kern/physmem.c): segments segs[nsegs] of RAM
# frames, each with an array of struct vm_page whose first member is the
# struct pmap_page.  Another kernel replaces _page_record and these names.
_VMP_FLAGS = ((0x01, "RAM"), (0x02, "FREE"))                     # VMP_* in kern/physmem.c
_PP_ATTRS = ((0x0001, "MODIFIED"), (0x0002, "REFERENCED"))      # PP_* in <pmap/pmap_kern.h>


def _names(value, table):
    return ",".join(n for m, n in table if value & m) or "-"


def _page_record(dec, pa):
    """(segment index, struct vm_page *) of the frame holding pa, or an error."""
    shift = dec.LEVELS[-1][1]
    segs = _static("segs", "physmem.c")
    nsegs = int(_static("nsegs", "physmem.c"))
    frame = pa >> shift
    have = []
    for i in range(nsegs):
        first, n = int(segs[i]["first"]), int(segs[i]["nframes"])
        if first <= frame < first + n:
            return i, segs[i]["pages"] + (frame - first)
        have.append("%#x-%#x" % (first << shift, ((first + n) << shift) - 1))
    raise gdb.GdbError("pmap-pv: pa %#x is not managed: no RAM segment of kern/physmem.c "
                       "holds it (%s)" % (pa, ", ".join(have) or "none yet: before physmem_init"))


def _pv_pmap(pv):
    """The pmap of a pv entry: in the header of its page-sized chunk (mi/pmap_pv.c)."""
    chunk = _to_int(pv) & ~((1 << _decoder().LEVELS[-1][1]) - 1)
    try:
        return gdb.Value(chunk).cast(gdb.lookup_type("struct pv_chunk").pointer())["pc_pmap"]
    except gdb.error:   # no pv_chunk in the debug information: pc_pmap comes first
        pmap_pp = gdb.lookup_type("struct pmap").pointer().pointer()
        return gdb.Value(chunk).cast(pmap_pp).dereference()


def _mappings(pp):
    """(where, pmap, va) for every managed mapping of a struct pmap_page."""
    out = []
    if int(pp["pp_pmap"]) != 0:
        out.append(("record", pp["pp_pmap"], int(pp["pp_va"])))
    pv = pp["pp_pvlist"]
    seen = set()
    while int(pv) != 0 and int(pv) not in seen:
        seen.add(int(pv))
        out.append(("pv %#x" % int(pv), _pv_pmap(pv), int(pv["pv_va"])))
        pv = pv["pv_next"]
    if int(pv) != 0:
        out.append(("pv %#x" % int(pv), None, 0))      # a cycle: say where
    return out


def _check_mapping(dec, mem, pm, va, pa):
    """Does pm map va to pa's page with a managed entry?  A few words for the line."""
    try:
        w = _walk(dec, mem, dec.root_pa(_pmap_root(dec, pm)), va)
    except gdb.GdbError as e:       # a broken pmap: say so on its line, go on with the list
        return "cannot walk: %s" % e
    if w.why is not None:
        return "NOT MAPPED at level %d (%s)" % (w.steps[-1].level, w.why)
    leaf = w.steps[-1]
    shift = dec.LEVELS[-1][1]
    word = "ok" if w.pa >> shift == pa >> shift else "MISMATCH: maps pa %#x" % w.pa
    if not dec.kind(leaf.pte, leaf.level)["managed"]:
        word += ", entry not marked managed"
    return "pte %s %s" % (_hex(leaf.pte, 8 * dec.PTE_BYTES), word)


class PmapPv(_Command):
    """Print the page record of a physical address and its pv list.

pmap-pv PA

PA is any expression ($pmap_pa(VA) gives the pa a VA maps to).  The
record is found through the kernel's RAM segments (kern/physmem.c): its
flags, the pmap_page attributes (modified, referenced), the page-table
entry count, and every managed mapping of the page (the one embedded in
the record, then the pv entries) with its pmap and va, each checked by a
walk of that pmap."""

    def __init__(self):
        super().__init__("pmap-pv")

    def run(self, arg):
        if not arg.strip():
            raise gdb.GdbError("usage: pmap-pv PA")
        dec = _decoder()
        pa = _to_int(_eval(arg))
        if not 0 <= pa < 1 << dec.PA_BITS:
            raise gdb.GdbError("pmap-pv: pa %#x is not a %d-bit physical address"
                               % (pa, dec.PA_BITS))
        seg, vmp = _page_record(dec, pa)
        rec = vmp.dereference()
        pp = rec["mdpage"]
        flags, attrs = int(rec["flags"]), int(pp["pp_attrs"])
        maps = _mappings(pp)
        print("pa %s: struct vm_page %#x (segment %d, frame %#x)"
              % (_hex(pa, dec.PA_BITS), int(vmp), seg, pa >> dec.LEVELS[-1][1]))
        print("  flags    %#06x %s" % (flags, _names(flags, _VMP_FLAGS)))
        print("  attrs    %#06x %s" % (attrs, _names(attrs, _PP_ATTRS)))
        print("  ptpcount %d%s" % (int(pp["pp_ptpcount"]),
                                   " (a page-table page)" if int(pp["pp_ptpcount"]) else ""))
        if not flags & 0x01:
            print("  not managed: the record is not marked RAM")
        print("  %d mapping%s" % (len(maps), "" if len(maps) == 1 else "s"))
        mem = _PhysMem(dec)
        for where, pm, va in maps:
            if pm is None:
                print("    %-14s  the pv list loops here" % where)
                continue
            kind = "kernel" if bool(pm.dereference()["pm_is_kernel"]) else "user"
            print("    %-14s  pmap %#x %-6s  va %s  %s" % (where, int(pm), kind,
                                                            _hex(va, dec.VA_BITS),
                                                            _check_mapping(dec, mem, pm, va, pa)))


class PmapBackend(gdb.Command):
    """Show the pmapkit backend decoder, or load md/NAME/pmap_gdb.py.

pmap-backend [NAME]"""

    def __init__(self):
        super().__init__("pmap-backend", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        if arg.strip():
            _load_backend(arg.strip())
        dec = _decoder()
        print("pmapkit backend %s: %s (%d levels, %d-byte entries, %d-bit pa)"
              % (_BACKEND["name"], _decoder_path(_BACKEND["name"]), len(dec.LEVELS),
                 dec.PTE_BYTES, dec.PA_BITS))


PmapWalk()
PmapDump()
PmapPv()
PmapBackend()
PmapPa()

try:
    _decoder()
    print("pmapkit: backend %s; commands pmap-walk, pmap-dump, pmap-pv, pmap-backend, "
          "$pmap_pa (help pmap-walk)" % _BACKEND["name"])
except gdb.GdbError as e:
    print(e)
