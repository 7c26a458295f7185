"""
RISC-V Sv32 page-table decoder for scripts/gdb/pmapkit.py: two levels of
1024 4-byte entries, 4 MiB megapages, 34-bit physical addresses (RISC-V
privileged spec, 4.3, Figure 4.18; the walk is 4.3.2).  The bits and the
layout are md/riscv-sv32/pte.h's and pmap_md.h's; keep them in step.  The
Svade configuration (CONFIG_PMAP_SV32_SVADE) uses the same format: only
who sets A and D differs.  md/i386/pmap_gdb.py says what each name is for.
"""

NAME = "riscv-sv32"
PTE_BYTES = 4
VA_BITS = 32
INDEX_BITS = VA_BITS   # the tables index every VA bit: no non-canonical hole
PA_BITS = 34

# pmap_md_levels[] of md/riscv-sv32/pmap_sv32.c, root first: (name, VA shift,
# entries).  The spec numbers the levels the other way: the root is its
# level 1 (indexed by VPN[1]).
LEVELS = (("L1", 22, 1024), ("L0", 12, 1024))
LEAF_LEVEL = len(LEVELS) - 1

# pmap_dump's part of each kind of pmap: the kernel's ends below the
# windows' 4 MiB at the top.
USER_SPACE = (0x00000000, 0xC0000000)
KERNEL_SPACE = (0xC0000000, 0xFFC00000)
ROOT_FIELD = "pm_rootpa"

KERNBASE = 0xC0000000
RAM_BASE = 0x80000000
DIRECT_MAX = 0x20000000

PG_V = 0x001
PG_R = 0x002
PG_W = 0x004
PG_X = 0x008
PG_U = 0x010
PG_G = 0x020
PG_A = 0x040
PG_D = 0x080
PG_WIRED = 0x100    # RSW: wired
PG_MANAGED = 0x200  # RSW: managed, has a pv entry
PG_LEAF = PG_R | PG_W | PG_X
PG_PPN_SHIFT = 10
PAGE_SHIFT = 12

SATP_MODE_SV32 = 1 << 31
SATP_ASID_SHIFT = 22
SATP_ASID_MASK = 0x1FF
SATP_PPN_MASK = 0x3FFFFF

_FLAGS = ((PG_V, "V"), (PG_R, "R"), (PG_W, "W"), (PG_X, "X"), (PG_U, "U"), (PG_G, "G"),
          (PG_A, "A"), (PG_D, "D"), (PG_WIRED, "WIRED"), (PG_MANAGED, "MANAGED"))


def cpu_root(reg):
    """The root table satp names, and where it came from; reg(name) reads a register."""
    satp = reg("satp")
    if not satp & SATP_MODE_SV32:
        raise ValueError("satp %#010x: MODE is Bare (paging off): give a root" % satp)
    asid = (satp >> SATP_ASID_SHIFT) & SATP_ASID_MASK
    return (satp & SATP_PPN_MASK) << PAGE_SHIFT, "satp %#010x, ASID %d" % (satp, asid)


def root_pa(pa):
    return pa & ~((1 << PAGE_SHIFT) - 1)


def _ppn_pa(pte):
    return (pte >> PG_PPN_SHIFT) << PAGE_SHIFT


def valid(pte, level):
    return bool(pte & PG_V)


def fault(pte, level):
    """Why the MMU stops its walk at this entry (spec 4.3.2 steps 3-6), or None."""
    if not pte & PG_V:
        return "V clear"
    if pte & (PG_R | PG_W) == PG_W:
        return "W without R (reserved)"
    if not pte & PG_LEAF and level == LEAF_LEVEL:
        return "a table pointer at the last level"
    if pte & PG_LEAF and level < LEAF_LEVEL and (pte >> PG_PPN_SHIFT) & 0x3FF:
        return "misaligned megapage (PPN[0] not zero)"
    return None


def leaf(pte, level):
    """pte_leaf_p: any of R, W, X makes a leaf; the last level is always one."""
    return level == LEAF_LEVEL or bool(pte & PG_LEAF)


def table_pa(pte, level):
    return _ppn_pa(pte)


def leaf_pa(pte, level):
    return _ppn_pa(pte)


def flags(pte, level):
    """Every bit the format defines, by name when set, as dashes when clear."""
    return " ".join(n if pte & m else "-" * len(n) for m, n in _FLAGS)


def kind(pte, level):
    """What pmap_dump shows of a leaf; Sv32 entries have no cache attribute."""
    return {
        "prot": "".join(c if pte & m else "-" for m, c in ((PG_R, "r"), (PG_W, "w"), (PG_X, "x"))),
        "user": bool(pte & PG_U), "global": bool(pte & PG_G),
        "wired": bool(pte & PG_WIRED), "managed": bool(pte & PG_MANAGED),
        "referenced": bool(pte & PG_A), "modified": bool(pte & PG_D),
        "nocache": False,
    }


def table_denies(pte, level):
    """A pointer entry grants nothing and takes nothing away: the leaf decides."""
    return []


def problems(pte, level):
    """Bits the spec wants clear in a pointer entry (4.3.2: D, A and U are reserved there)."""
    if pte & PG_V and not pte & PG_LEAF and level < LEAF_LEVEL and pte & (PG_D | PG_A | PG_U):
        return ["D, A or U set in a pointer entry (reserved)"]
    return []


def configure(levels):
    """One level count only: nothing to adapt (pmapkit.py warns if the kernel's differs)."""
    return None


def canonical(va):
    """Every VA the tables index is the one the CPU uses."""
    return va


def direct_va(pa):
    if RAM_BASE <= pa < RAM_BASE + DIRECT_MAX:
        return KERNBASE + (pa - RAM_BASE)
    return None
