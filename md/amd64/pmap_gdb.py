"""
amd64 page-table decoder for scripts/gdb/pmapkit.py: 4-level paging, PML4,
PDPT, page directory and page table of 512 8-byte entries, 1 GiB leaves in
the PDPT and 2 MiB ones in the directory, NX in bit 63 (Intel SDM vol. 3A,
4.5, Tables 4-14 to 4-20).  The bits and the layout are md/amd64/pte.h's
and pmap_md.h's; keep them in step.  md/i386/pmap_gdb.py says what each
name is for.

VAs are 64 bits, canonical: the tables index 48 of them (57 with LA57,
five levels, which configure() switches to when the kernel's level table
has five rows).  USER_SPACE and KERNEL_SPACE are given in that index space,
and canonical() turns an address rebuilt from indices back into the one the
CPU uses.  Level-dependent rules go by `up`, the levels above the PT.
"""

NAME = "amd64"
PTE_BYTES = 8
VA_BITS = 64
PA_BITS = 52

# pmap_md_levels[] of md/amd64/pmap_amd64.c, root first: (name, VA shift, entries).
_FOUR = (("PML4", 39, 512), ("PDPT", 30, 512), ("PD", 21, 512), ("PT", 12, 512))
_VM_MAX_KERNEL_VA = 0xFFFFFFFF80000000
ROOT_FIELD = "pm_pml4pa"


def configure(levels):
    """Four levels, or five (CONFIG_AMD64_LA57) when the kernel's table has five."""
    global LEVELS, LEAF_LEVEL, INDEX_BITS, USER_SPACE, KERNEL_SPACE
    LEVELS = ((("PML5", 48, 512),) if len(levels) == 5 else ()) + _FOUR
    LEAF_LEVEL = len(LEVELS) - 1
    INDEX_BITS = LEVELS[0][1] + 9
    USER_SPACE = (0, 1 << (INDEX_BITS - 1))
    KERNEL_SPACE = (1 << (INDEX_BITS - 1), _VM_MAX_KERNEL_VA & ((1 << INDEX_BITS) - 1))


configure(_FOUR)

KERNBASE = 0xFFFF800000000000
RAM_BASE = 0x0
DIRECT_MAX = 0x0000008000000000

PG_V = 0x001
PG_RW = 0x002
PG_U = 0x004
PG_WT = 0x008
PG_N = 0x010
PG_A = 0x020
PG_D = 0x040
PG_PS = 0x080      # in a PDPTE (1 GiB) or PDE (2 MiB); PAT in a PTE; reserved in a PML4E
PG_G = 0x100
PG_W = 0x200       # software (ignored bit 9): wired
PG_PVLIST = 0x400  # software (ignored bit 10): managed, has a pv entry
PG_NX = 1 << 63    # with EFER.NXE
PG_FRAME = 0x000FFFFFFFFFF000
# By `up` (levels above the PT): 2 a PDPTE's 1 GiB leaf, 1 a PDE's 2 MiB one.
LG_FRAME = {2: 0x000FFFFFC0000000, 1: 0x000FFFFFFFE00000}
LG_RESERVED = {2: 0x3FFFE000, 1: 0x1FE000}    # bits 29:13 / 20:13 (PAT at 12 never set)

CR0_PG = 1 << 31
CR4_PAE = 1 << 5
CR4_PCIDE = 1 << 17
CR3_FRAME = 0x000FFFFFFFFFF000

_ENTRY = ((PG_V, "P"), (PG_RW, "RW"), (PG_U, "U"), (PG_WT, "PWT"), (PG_N, "PCD"),
          (PG_A, "A"), (PG_D, "D"), (PG_PS, "PS"), (PG_G, "G"), (PG_W, "WIRED"),
          (PG_PVLIST, "MANAGED"), (PG_NX, "NX"))
_PTE = tuple((m, "PAT" if m == PG_PS else n) for m, n in _ENTRY)
_WIDTHS = [max(len(a[1]), len(b[1])) for a, b in zip(_ENTRY, _PTE)]


def canonical(va):
    """The bits above the indexed ones copy the top indexed bit (SDM vol. 1, 3.3.7.1)."""
    va &= (1 << INDEX_BITS) - 1
    return va | ((1 << 64) - (1 << INDEX_BITS)) if va >> (INDEX_BITS - 1) else va


def cpu_root(reg):
    """The PML4 the CPU walks now, and where it came from; reg(name) reads a register."""
    if not reg("cr0") & CR0_PG:
        raise ValueError("paging is off (CR0.PG clear): give a root")
    if not reg("cr4") & CR4_PAE:
        raise ValueError("CR4.PAE is clear: the CPU is not in long mode")
    cr3 = reg("cr3")
    pcid = " PCID %d" % (cr3 & 0xFFF) if reg("cr4") & CR4_PCIDE else ""
    return cr3 & CR3_FRAME, "CR3 %#x%s" % (cr3, pcid)


def root_pa(pa):
    return pa & CR3_FRAME


def valid(pte, level):
    return bool(pte & PG_V)


def fault(pte, level):
    """Why the MMU stops its walk at this entry, or None if it goes on (SDM 4.5.4)."""
    if not pte & PG_V:
        return "P clear"
    if LEAF_LEVEL - level >= 3 and pte & PG_PS:
        return "PS set in a %s entry (reserved)" % LEVELS[level][0]
    return None


def leaf(pte, level):
    """pte_leaf_p: a PTE, or a PDPTE/PDE with PS."""
    return level == LEAF_LEVEL or (LEAF_LEVEL - level in (1, 2) and bool(pte & PG_PS))


def table_pa(pte, level):
    return pte & PG_FRAME


def leaf_pa(pte, level):
    return pte & (PG_FRAME if level == LEAF_LEVEL else LG_FRAME[LEAF_LEVEL - level])


def flags(pte, level):
    """Every bit this level defines, by name when set, as dashes when clear."""
    return " ".join((n if pte & m else "-" * len(n)).ljust(w)
                    for (m, n), w in zip(_PTE if level == LEAF_LEVEL else _ENTRY, _WIDTHS))


def kind(pte, level):
    """What pmap_dump shows of a leaf (pte_prot and friends in pte.h)."""
    return {
        "prot": "r" + ("w" if pte & PG_RW else "-") + ("-" if pte & PG_NX else "x"),
        "user": bool(pte & PG_U), "global": bool(pte & PG_G),
        "wired": bool(pte & PG_W), "managed": bool(pte & PG_PVLIST),
        "referenced": bool(pte & PG_A), "modified": bool(pte & PG_D),
        "nocache": bool(pte & PG_N),
    }


def table_denies(pte, level):
    """What an entry above the leaves takes away below it (SDM 4.6)."""
    denied = []
    if not pte & PG_RW:
        denied.append("write")
    if not pte & PG_U:
        denied.append("user")
    if pte & PG_NX:
        denied.append("execute")
    return denied


def problems(pte, level):
    """Bits pmapkit never sets that would change the translation or fault."""
    if not pte & PG_V:
        return []
    up = LEAF_LEVEL - level
    if up >= 3 and pte & PG_PS:
        return ["PS set in a %s entry (reserved: a walk faults with RSVD)" % LEVELS[level][0]]
    if pte & 0x7FF0000000000000:
        return ["bits 52-62 set (ignored by the MMU, never set by pmapkit)"]
    if up in LG_RESERVED and pte & PG_PS and pte & LG_RESERVED[up]:
        return ["reserved bits set in a %s leaf" % ("1 GiB" if up == 2 else "2 MiB")]
    return []


def direct_va(pa):
    if RAM_BASE <= pa < RAM_BASE + DIRECT_MAX:
        return KERNBASE + (pa - RAM_BASE)
    return None
