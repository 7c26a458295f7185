"""
RISC-V Sv39/Sv48/Sv57 page-table decoder for scripts/gdb/pmapkit.py: three
(Sv39), four (Sv48) or five (Sv57) levels of 512 8-byte entries, 1 GiB and 2 MiB leaves, 56-bit
physical addresses (RISC-V privileged spec 4.4-4.6; the walk is 4.3.2 with
their sizes).  The bits and the layout are md/riscv-sv39/pte.h's and
pmap_md.h's (and md/riscv/pte_riscv.h's); keep them in step.  configure()
takes as many levels as the kernel's level table has rows.  The
Svade configuration uses the same format.  md/i386/pmap_gdb.py says what
each name is for.
"""

NAME = "riscv-sv39"
PTE_BYTES = 8
VA_BITS = 64
PA_BITS = 56
ROOT_FIELD = "pm_rootpa"

KERNBASE = 0xFFFFFFC000000000
RAM_BASE = 0x80000000
DIRECT_MAX = 0x2000000000
_VM_MAX_KERNEL_VA = 0xFFFFFFFFC0000000

_SV39 = (("L2", 30, 512), ("L1", 21, 512), ("L0", 12, 512))


def configure(levels):
    """Sv39's three levels, Sv48's four or Sv57's five, as many as the kernel's table has."""
    global LEVELS, LEAF_LEVEL, INDEX_BITS, USER_SPACE, KERNEL_SPACE, SATP_MODE
    LEVELS = (("L4", 48, 512), ("L3", 39, 512))[5 - len(levels):] + _SV39
    LEAF_LEVEL = len(LEVELS) - 1
    INDEX_BITS = LEVELS[0][1] + 9
    USER_SPACE = (0, 1 << (INDEX_BITS - 1))
    KERNEL_SPACE = (1 << (INDEX_BITS - 1), _VM_MAX_KERNEL_VA & ((1 << INDEX_BITS) - 1))
    SATP_MODE = 5 + len(LEVELS)    # 8 Sv39, 9 Sv48, 10 Sv57


configure(_SV39)

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
PG_PPN_MASK = 0x003FFFFFFFFFFC00
PG_RESERVED = 0x9FC0000000000000    # bits 54-60 reserved, 63 Svnapot's N (pmapkit sets none)
PG_PBMT = 0x6000000000000000        # bits 61-62: Svpbmt's type, in leaves (0 PMA, 1 NC, 2 IO)
PG_PBMT_NC = 0x2000000000000000
PG_PBMT_IO = 0x4000000000000000
PAGE_SHIFT = 12

_FLAGS = ((PG_V, "V"), (PG_R, "R"), (PG_W, "W"), (PG_X, "X"), (PG_U, "U"), (PG_G, "G"),
          (PG_A, "A"), (PG_D, "D"), (PG_WIRED, "WIRED"), (PG_MANAGED, "MANAGED"))


def canonical(va):
    """Bits 63 down to the mode's top VA bit copy that bit (spec 4.4.1, 4.5.1)."""
    va &= (1 << INDEX_BITS) - 1
    return va | ((1 << 64) - (1 << INDEX_BITS)) if va >> (INDEX_BITS - 1) else va


def cpu_root(reg):
    """The root table satp names, and where it came from; reg(name) reads a register."""
    satp = reg("satp")
    mode = satp >> 60
    if mode == 0:
        raise ValueError("satp %#x: MODE is Bare (paging off): give a root" % satp)
    if mode != SATP_MODE:
        raise ValueError("satp %#x: MODE %d, the kernel's level table says %d" %
                         (satp, mode, SATP_MODE))
    asid = (satp >> 44) & 0xFFFF
    return (satp & 0xFFFFFFFFFFF) << PAGE_SHIFT, "satp %#x, ASID %d" % (satp, asid)


def root_pa(pa):
    return pa & ~((1 << PAGE_SHIFT) - 1)


def _ppn_pa(pte):
    return ((pte & PG_PPN_MASK) >> PG_PPN_SHIFT) << PAGE_SHIFT


def valid(pte, level):
    return bool(pte & PG_V)


def fault(pte, level):
    """Why the MMU stops its walk at this entry (spec 4.3.2), or None."""
    if not pte & PG_V:
        return "V clear"
    if pte & (PG_R | PG_W) == PG_W:
        return "W without R (reserved)"
    if pte & PG_RESERVED:
        return "reserved bits 54-60 or N (63) set"
    if pte & PG_PBMT and not pte & PG_LEAF and level < LEAF_LEVEL:
        return "PBMT set in a pointer entry (reserved)"
    if pte & PG_PBMT == PG_PBMT:
        return "PBMT 3 (reserved)"
    if not pte & PG_LEAF and level == LEAF_LEVEL:
        return "a table pointer at the last level"
    span = LEVELS[level][1]
    if pte & PG_LEAF and level < LEAF_LEVEL and _ppn_pa(pte) & ((1 << span) - 1):
        return "misaligned superpage"
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
    pbmt = {0: "", PG_PBMT_NC: " NC", PG_PBMT_IO: " IO"}.get(pte & PG_PBMT, " PBMT3")
    return " ".join(n if pte & m else "-" * len(n) for m, n in _FLAGS) + pbmt


def kind(pte, level):
    """What pmap_dump shows of a leaf; uncached is PBMT NC (set only where the hart has Svpbmt)."""
    return {
        "prot": "".join(c if pte & m else "-" for m, c in ((PG_R, "r"), (PG_W, "w"), (PG_X, "x"))),
        "user": bool(pte & PG_U), "global": bool(pte & PG_G),
        "wired": bool(pte & PG_WIRED), "managed": bool(pte & PG_MANAGED),
        "referenced": bool(pte & PG_A), "modified": bool(pte & PG_D),
        "nocache": pte & PG_PBMT == PG_PBMT_NC,
    }


def table_denies(pte, level):
    """A pointer entry grants nothing and takes nothing away: the leaf decides."""
    return []


def problems(pte, level):
    """Bits the spec wants clear in a pointer entry (D, A and U are reserved there)."""
    if pte & PG_V and not pte & PG_LEAF and level < LEAF_LEVEL and pte & (PG_D | PG_A | PG_U):
        return ["D, A or U set in a pointer entry (reserved)"]
    return []


def direct_va(pa):
    if RAM_BASE <= pa < RAM_BASE + DIRECT_MAX:
        return KERNBASE + (pa - RAM_BASE)
    return None
