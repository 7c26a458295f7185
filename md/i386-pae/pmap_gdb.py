"""
i386-PAE page-table decoder for scripts/gdb/pmapkit.py: a 4-entry PDPT,
then a page directory and a page table of 512 8-byte entries, 2 MiB leaves
in the directory, NX in bit 63 (Intel SDM vol. 3A, 4.4, Tables 4-8 to
4-11).  The bits and the layout are md/i386-pae/pte.h's and pmap_md.h's
(with md/x86/x86_layout.h); keep them in step.  md/i386/pmap_gdb.py says
what each name is for.
"""

NAME = "i386-pae"
PTE_BYTES = 8
VA_BITS = 32
INDEX_BITS = VA_BITS   # the tables index every VA bit: no non-canonical hole
PA_BITS = 36

# pmap_md_levels[] of md/i386-pae/pmap_pae.c, root first: (name, VA shift, entries).
LEVELS = (("PDPT", 30, 4), ("PD", 21, 512), ("PT", 12, 512))
LEAF_LEVEL = len(LEVELS) - 1

# pmap_dump's part of each kind of pmap: the kernel's ends below the
# recursive slot 508 of the kernel directory and the windows.
USER_SPACE = (0x00000000, 0xC0000000)
KERNEL_SPACE = (0xC0000000, 0xFF800000)
ROOT_FIELD = "pm_pdptpa"

KERNBASE = 0xC0000000
RAM_BASE = 0x00000000
DIRECT_MAX = 0x20000000

PG_V = 0x001
PG_RW = 0x002
PG_U = 0x004
PG_WT = 0x008
PG_N = 0x010
PG_A = 0x020
PG_D = 0x040
PG_PS = 0x080      # in a PDE (2 MiB page); PAT in a PTE
PG_G = 0x100
PG_W = 0x200       # software (AVL): wired
PG_PVLIST = 0x400  # software (AVL): managed, has a pv entry
PG_NX = 1 << 63    # with EFER.NXE
PG_FRAME = 0x0000000FFFFFF000
PG_LGFRAME = 0x0000000FFFE00000
# Bits a PDPTE reserves (SDM Table 4-8): RW, US, 5-8, the high bits.
# QEMU 7.2 sets A (bit 5) in PDPTEs it walks (md/i386-pae/pmap_pae.c).
PDPTE_RESERVED = 0xFFFFFFF000000000 | 0x1E6
# Above the 36-bit physical addresses pmapkit makes, NX aside.
PTE_HIGH = 0x7FFFFFF000000000

CR0_PG = 1 << 31
CR4_PAE = 1 << 5
CR3_PDPT = 0xFFFFFFE0      # PAE CR3: the PDPT is 32-byte aligned (SDM 4.4.1)

_PDE = ((PG_V, "P"), (PG_RW, "RW"), (PG_U, "U"), (PG_WT, "PWT"), (PG_N, "PCD"),
        (PG_A, "A"), (PG_D, "D"), (PG_PS, "PS"), (PG_G, "G"), (PG_W, "WIRED"),
        (PG_PVLIST, "MANAGED"), (PG_NX, "NX"))
_FLAGS = {
    0: ((PG_V, "P"), (PG_WT, "PWT"), (PG_N, "PCD"), (PG_A, "A(qemu)")),
    1: _PDE,
    2: tuple((m, "PAT" if m == PG_PS else n) for m, n in _PDE),
}
_WIDTHS = [max(len(a[1]), len(b[1])) for a, b in zip(_FLAGS[1], _FLAGS[2])]


def cpu_root(reg):
    """The PDPT the CPU walks now, and where it came from; reg(name) reads a register."""
    if not reg("cr0") & CR0_PG:
        raise ValueError("paging is off (CR0.PG clear): give a root")
    if not reg("cr4") & CR4_PAE:
        raise ValueError("CR4.PAE is clear: the CPU runs 32-bit paging, not PAE "
                         "(PMAPKIT_BACKEND should be i386)")
    cr3 = reg("cr3")
    return cr3 & CR3_PDPT, "CR3 %#010x" % cr3


def root_pa(pa):
    return pa & CR3_PDPT


def valid(pte, level):
    return bool(pte & PG_V)


def fault(pte, level):
    """Why the MMU stops its walk at this entry, or None if it goes on (SDM 4.4.2)."""
    if not pte & PG_V:
        return "P clear"
    return None


def leaf(pte, level):
    """pte_leaf_p: a PTE, or a PDE with PS; a PDPTE is never a leaf in PAE."""
    return level == LEAF_LEVEL or (level == 1 and bool(pte & PG_PS))


def table_pa(pte, level):
    return pte & PG_FRAME


def leaf_pa(pte, level):
    return pte & (PG_FRAME if level == LEAF_LEVEL else PG_LGFRAME)


def flags(pte, level):
    """Every bit this level defines, by name when set, as dashes when clear; the
    directory's and the table's in the same columns."""
    widths = _WIDTHS if level else [0] * len(_FLAGS[0])
    return " ".join((n if pte & m else "-" * len(n)).ljust(w)
                    for (m, n), w in zip(_FLAGS[level], widths))


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
    """What a directory entry takes away below it; a PDPTE has no permission bits."""
    if level == 0:
        return []
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
    if level == 0 and pte & PDPTE_RESERVED & ~PG_A:
        return ["reserved PDPTE bits set (a CR3 load would #GP on real CPUs)"]
    if pte & PTE_HIGH:
        return ["physical-address bits above 36 set"]
    if level == 1 and pte & PG_PS and pte & 0x1FE000:
        return ["bits 13-20 set in a 2 MiB PDE (PAT or reserved)"]
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
