"""
i386 page-table decoder for scripts/gdb/pmapkit.py: 32-bit paging, two
levels of 1024 4-byte entries, 4 MiB PSE leaves (Intel SDM vol. 3A, 4.3,
Tables 4-4 to 4-6).  The bits and the layout are md/i386/pte.h's and
md/i386/pmap_md.h's (with md/x86/x86_layout.h); keep them in step.

Every md/<backend>/pmap_gdb.py defines the names below (pmapkit.py's
_DECODER_NAMES lists them): geometry as data (LEVELS, PTE_BYTES, VA_BITS,
PA_BITS), the pmap's parts of the space and where its root is kept, and
small functions over one entry at one level (level 0 is the root).  A
decoder imports nothing: it is the data sheet of the entry format.
"""

NAME = "i386"
PTE_BYTES = 4
VA_BITS = 32
INDEX_BITS = VA_BITS   # the tables index every VA bit: no non-canonical hole
PA_BITS = 32

# pmap_md_levels[] of md/i386/pmap_i386.c, root first: (name, VA shift, entries).
LEVELS = (("PD", 22, 1024), ("PT", 12, 1024))
LEAF_LEVEL = len(LEVELS) - 1

# pmap_dump's part of each kind of pmap (pmap_mappings): the user's below
# VM_MAXUSER_ADDRESS, the kernel's up to VM_MAX_KERNEL_VA (not the
# recursive slot and the windows above it).
USER_SPACE = (0x00000000, 0xC0000000)
KERNEL_SPACE = (0xC0000000, 0xFF800000)
# The struct pmap_md member holding the root table's physical address.
ROOT_FIELD = "pm_pdirpa"

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
PG_PS = 0x080      # in a PDE; the same bit is PAT in a PTE
PG_G = 0x100
PG_W = 0x200       # software (AVL): wired
PG_PVLIST = 0x400  # software (AVL): managed, has a pv entry
PG_FRAME = 0xFFFFF000
PG_LGFRAME = 0xFFC00000
# A 4 MiB PDE's bits 13-21: PA bits 32-39 under PSE-36, else reserved
# (SDM Table 4-4); pmapkit never sets them.
PG_LG_HIGH = 0x003FE000

CR0_PG = 1 << 31
CR4_PAE = 1 << 5

_FLAGS = {
    0: ((PG_V, "P"), (PG_RW, "RW"), (PG_U, "U"), (PG_WT, "PWT"), (PG_N, "PCD"),
        (PG_A, "A"), (PG_D, "D"), (PG_PS, "PS"), (PG_G, "G"), (PG_W, "WIRED"),
        (PG_PVLIST, "MANAGED")),
    1: ((PG_V, "P"), (PG_RW, "RW"), (PG_U, "U"), (PG_WT, "PWT"), (PG_N, "PCD"),
        (PG_A, "A"), (PG_D, "D"), (PG_PS, "PAT"), (PG_G, "G"), (PG_W, "WIRED"),
        (PG_PVLIST, "MANAGED")),
}
_WIDTHS = [max(len(a[1]), len(b[1])) for a, b in zip(_FLAGS[0], _FLAGS[1])]


def cpu_root(reg):
    """The root table the CPU walks now, and where it came from; reg(name) reads a register."""
    if not reg("cr0") & CR0_PG:
        raise ValueError("paging is off (CR0.PG clear): give a root")
    if reg("cr4") & CR4_PAE:
        raise ValueError("CR4.PAE is set: the CPU runs PAE paging, not i386's "
                         "(PMAPKIT_BACKEND should be i386-pae)")
    cr3 = reg("cr3")
    return cr3 & PG_FRAME, "CR3 %#010x" % cr3


def root_pa(pa):
    """A root given as a physical address: CR3's frame bits."""
    return pa & PG_FRAME


def valid(pte, level):
    """pte_valid_p: the present bit."""
    return bool(pte & PG_V)


def fault(pte, level):
    """Why the MMU stops its walk at this entry, or None if it goes on (SDM 4.3)."""
    if not pte & PG_V:
        return "P clear"
    return None


def leaf(pte, level):
    """pte_leaf_p: a PTE, or a PDE with PS (pmapkit sets PS only with CR4.PSE on)."""
    return level == LEAF_LEVEL or bool(pte & PG_PS)


def table_pa(pte, level):
    return pte & PG_FRAME


def leaf_pa(pte, level):
    """The first physical byte the leaf maps."""
    return pte & (PG_FRAME if level == LEAF_LEVEL else PG_LGFRAME)


def flags(pte, level):
    """Every bit this level defines, by name when set, as dashes when clear, in columns."""
    return " ".join((n if pte & m else "-" * len(n)).ljust(w)
                    for (m, n), w in zip(_FLAGS[level], _WIDTHS))


def kind(pte, level):
    """What pmap_dump shows of a leaf (pte_prot and friends in pte.h): no NX on i386."""
    return {
        "prot": "r" + ("w" if pte & PG_RW else "-") + "x",
        "user": bool(pte & PG_U), "global": bool(pte & PG_G),
        "wired": bool(pte & PG_W), "managed": bool(pte & PG_PVLIST),
        "referenced": bool(pte & PG_A), "modified": bool(pte & PG_D),
        "nocache": bool(pte & PG_N),
    }


def table_denies(pte, level):
    """What a table entry takes away from every leaf below it (SDM 4.6: RW and U/S AND up)."""
    denied = []
    if not pte & PG_RW:
        denied.append("write")
    if not pte & PG_U:
        denied.append("user")
    return denied


def problems(pte, level):
    """Bits pmapkit never sets that would change the translation."""
    if level == 0 and pte & PG_V and pte & PG_PS and pte & PG_LG_HIGH:
        return ["bits 13-21 set in a 4 MiB PDE (PSE-36 high PA or reserved)"]
    return []


def configure(levels):
    """One level count only: nothing to adapt (pmapkit.py warns if the kernel's differs)."""
    return None


def canonical(va):
    """Every VA the tables index is the one the CPU uses."""
    return va


def direct_va(pa):
    """PMAP_DIRECT_VA(pa), or None outside the direct map."""
    if RAM_BASE <= pa < RAM_BASE + DIRECT_MAX:
        return KERNBASE + (pa - RAM_BASE)
    return None
