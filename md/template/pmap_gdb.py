"""
TODO(port): the page-table decoder of this backend for scripts/gdb/pmapkit.py
(make gdb loads md/<b>/pmap_gdb.py for the configured backend).  The bits
and the layout are pte.h's and pmap_md.h's; keep them in step, and cite the
manual's figure of the entry here.  md/i386/pmap_gdb.py says what each
name is for.

The interface is the names below: geometry as data, the pmap's parts of
the space and where its root is kept, and small functions over one entry
at one level (level 0 is the root).  Every value is a placeholder equal
to pmap_md.h's (TODO); every function raises until it is written.
"""

NAME = "template"           # TODO: PMAP_MD_NAME
PTE_BYTES = 4               # TODO: sizeof(pt_entry_t)
VA_BITS = 32                # TODO
INDEX_BITS = VA_BITS   # the tables index every VA bit: no non-canonical hole
PA_BITS = 34                # TODO: PMAP_PA_BITS

# pmap_md_levels[] of pmap_tmpl.c, root first: (name, VA shift, entries).  TODO
LEVELS = (("L1", 22, 1024), ("L0", 12, 1024))
LEAF_LEVEL = len(LEVELS) - 1

# pmap_dump's part of each kind of pmap: the user's below VM_MAXUSER_ADDRESS,
# the kernel's up to VM_MAX_KERNEL_VA.  TODO
USER_SPACE = (0x00000000, 0xC0000000)
KERNEL_SPACE = (0xC0000000, 0xFFC00000)
# The struct pmap_md member holding the root table's physical address.  TODO
ROOT_FIELD = "pm_rootpa"

KERNBASE = 0xC0000000       # TODO: PMAP_KERNBASE
RAM_BASE = 0x80000000       # TODO: PMAP_RAM_BASE
DIRECT_MAX = 0x20000000     # TODO: PMAP_DIRECT_MAX

# TODO: the entry's bits, as pte.h names them (PG_V = 0x001, ...).


def _todo(what):
    raise NotImplementedError("md/template: pmap_gdb.py: " + what + " (PORTING.md step 6)")


def cpu_root(reg):
    """The root table the CPU walks now and where it came from (reg(name) reads a
    register); ValueError when paging is off or in another mode."""
    _todo("cpu_root: the root from the MMU's root register")


def root_pa(pa):
    """A root given as a physical address (a root register's value): its table."""
    _todo("root_pa: the table address in a root register's value")


def valid(pte, level):
    """pte_valid_p."""
    _todo("valid: the valid bit")


def fault(pte, level):
    """Why the MMU stops its walk at this entry, or None if it goes on."""
    _todo("fault: why the walk stops here")


def leaf(pte, level):
    """pte_leaf_p."""
    _todo("leaf: a leaf or a table pointer")


def table_pa(pte, level):
    """The table a pointer entry points at."""
    _todo("table_pa: the next table's address")


def leaf_pa(pte, level):
    """The first physical byte the leaf maps (pte_pa)."""
    _todo("leaf_pa: the leaf's frame")


def flags(pte, level):
    """Every bit this level defines, by name when set, as dashes when clear."""
    _todo("flags: the entry's bits by name")


def kind(pte, level):
    """What pmap_dump shows of a leaf: prot ("rwx" with dashes), user, global,
    wired, managed, referenced, modified, nocache."""
    _todo("kind: the leaf's attributes")


def table_denies(pte, level):
    """What a table entry takes away from every leaf below it ("write", "user", ...)."""
    _todo("table_denies: what a table entry denies its leaves")


def problems(pte, level):
    """Bits pmapkit never sets that would change the translation (reserved bits)."""
    _todo("problems: reserved bits set")


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
