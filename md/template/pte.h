/*
 * TODO(port): the PTE helpers of this backend (docs/PORTING.md step 3,
 * "Layer 2: PTE helpers").  Cite the manual's figure of the entry format
 * here, and define the entry's bits (PG_*) in this file only: no PTE bit
 * may appear outside md/.
 *
 * They are static inline, compiled into mi/, so the per-PTE path makes no
 * indirect call; mi/ calls every one of them.  They are pure functions of
 * their arguments (and of bits bootstrap chose, such as a global or NX bit
 * that is 0 until the CPU has the feature): they touch no memory, take no
 * lock and may be called with the pmap lock held or not.  Entries are read
 * and written only through <pmap/pte_atomic.h>, included at the end.
 *
 * An invalid entry must be exactly 0: mi/ clears entries by storing 0,
 * and pmap_check reports any invalid entry that is not.
 *
 * Each body below panics until it is written.  The tests named with each
 * helper are the ones that fail first when it is wrong; the whole suite
 * uses most of them.
 */
#ifndef MD_TEMPLATE_PTE_H
#define MD_TEMPLATE_PTE_H

#include <pmap/pmap_md_ops.h>
#include <pmap/pmap_kern.h>

/* TODO: the entry's bits, e.g. #define PG_V 0x001u, software bits for wired and managed. */

/* ------------------------------------------------------ making entries */

/*
 * A valid leaf mapping pa at `level`: a base page at PMAP_LEAF_LEVEL, a
 * large leaf above it (only where pmap_md_levels[level].pl_leaf_ok; pa is
 * then aligned to the level's span).  prot: what the mapping grants (grant
 * read always if the MMU cannot deny it; execute only as the MMU can
 * tell).  mk: PMAP_MK_WIRED and PMAP_MK_MANAGED set the software bits,
 * PMAP_MK_USER user access, PMAP_MK_GLOBAL the global bit if in use,
 * PMAP_MK_REF accessed, PMAP_MK_MOD accessed and dirty, PMAP_MK_NOCACHE
 * uncached (ignored where entries have no cache attribute).
 * Tests: t_enter_extract_remove, t_access_matrix, t_large_kernel_mappings.
 */
static inline pt_entry_t
pte_make(paddr_t pa, vm_prot_t prot, unsigned mk, int level)
{
	(void)pa, (void)prot, (void)mk, (void)level;
	pmap_kern_panic("md/template: pte_make: build a leaf entry for pa, prot, mk at level "
	    "(PORTING.md step 3)");
}

/*
 * A non-leaf entry at `level` pointing at the table at pa.  It leaves
 * permissions to the leaves (user access only if `user`: the kernel's
 * table entries are never user-accessible).  `level` lets the format
 * differ per level (i386-pae's PDPTEs).
 * Tests: t_range_across_tables, t_growkernel_visible_everywhere.
 */
static inline pt_entry_t
pte_make_table(paddr_t pa, bool user, int level)
{
	(void)pa, (void)user, (void)level;
	pmap_kern_panic("md/template: pte_make_table: build a table pointer entry "
	    "(PORTING.md step 3)");
}

/* ------------------------------------------------------------- tests */

/* The entry is present (valid).  Every test. */
static inline bool
pte_valid_p(pt_entry_t pte)
{
	(void)pte;
	pmap_kern_panic("md/template: pte_valid_p: test the valid bit (PORTING.md step 3)");
}

/*
 * The entry at `level` is a leaf: always at PMAP_LEAF_LEVEL, above it when
 * it is a large page.  Tests: t_large_kernel_mappings, t_large_demotion.
 */
static inline bool
pte_leaf_p(pt_entry_t pte, int level)
{
	(void)pte, (void)level;
	pmap_kern_panic("md/template: pte_leaf_p: tell a leaf from a table pointer "
	    "(PORTING.md step 3)");
}

/*
 * The physical address the entry maps or points to (a large leaf's frame
 * at its level).  Tests: t_enter_extract_remove, t_high_memory.
 */
static inline paddr_t
pte_pa(pt_entry_t pte, int level)
{
	(void)pte, (void)level;
	pmap_kern_panic("md/template: pte_pa: extract the frame address (PORTING.md step 3)");
}

/* The software wired bit.  Tests: t_wired_and_unwire, t_reenter_pa_prot_wiring. */
static inline bool
pte_wired_p(pt_entry_t pte)
{
	(void)pte;
	pmap_kern_panic("md/template: pte_wired_p: test the software wired bit "
	    "(PORTING.md step 3)");
}

/* The software managed bit (the mapping has a pv entry).  Tests: t_page_protect_three_pmaps. */
static inline bool
pte_managed_p(pt_entry_t pte)
{
	(void)pte;
	pmap_kern_panic("md/template: pte_managed_p: test the software managed bit "
	    "(PORTING.md step 3)");
}

/* User-accessible.  Tests: t_access_matrix, pmap_check (kernel entries never user). */
static inline bool
pte_user_p(pt_entry_t pte)
{
	(void)pte;
	pmap_kern_panic("md/template: pte_user_p: test the user bit (PORTING.md step 3)");
}

/* Global (kept across address-space switches).  Tests: t_global_full_flush. */
static inline bool
pte_global_p(pt_entry_t pte)
{
	(void)pte;
	pmap_kern_panic("md/template: pte_global_p: test the global bit (PORTING.md step 3)");
}

/* Writable.  Tests: t_protect_readonly_and_none, t_page_ops_complete. */
static inline bool
pte_writable_p(pt_entry_t pte)
{
	(void)pte;
	pmap_kern_panic("md/template: pte_writable_p: test the write permission "
	    "(PORTING.md step 3)");
}

/* Uncached (false where entries have no cache attribute).  Tests: t_lookup_and_mappings. */
static inline bool
pte_nocache_p(pt_entry_t pte)
{
	(void)pte;
	pmap_kern_panic("md/template: pte_nocache_p: test the cache attribute, or return false "
	    "(PORTING.md step 3)");
}

/* The hardware accessed bit.  Tests: t_modref_by_access, t_modref_cleared_while_mapped. */
static inline bool
pte_referenced_p(pt_entry_t pte)
{
	(void)pte;
	pmap_kern_panic("md/template: pte_referenced_p: test the accessed bit "
	    "(PORTING.md step 3)");
}

/* The hardware dirty bit.  Tests: t_modref_by_access, t_modref_cleared_while_mapped. */
static inline bool
pte_modified_p(pt_entry_t pte)
{
	(void)pte;
	pmap_kern_panic("md/template: pte_modified_p: test the dirty bit (PORTING.md step 3)");
}

/*
 * The VM_PROT_* the entry grants: read always where the MMU cannot deny
 * it, write if writable, execute as the MMU enforces it (pmap_copy and
 * pmap_fault use it).  Tests: t_copy_pmap, t_lookup_and_mappings.
 */
static inline vm_prot_t
pte_prot(pt_entry_t pte)
{
	(void)pte;
	pmap_kern_panic("md/template: pte_prot: the protection the entry grants "
	    "(PORTING.md step 3)");
}

/*
 * May a TLB hold a translation made from this entry?  False only when
 * none can exist (say, valid but never accessed, where the MMU sets A
 * before caching): mi/ drops invalidations where it is false, so "true"
 * is always safe.  Tests: t_update_batching, the mutation check.
 */
static inline bool
pte_tlb_cached_p(pt_entry_t pte)
{
	(void)pte;
	pmap_kern_panic("md/template: pte_tlb_cached_p: can a TLB cache this entry "
	    "(PORTING.md step 3)");
}

/* ---------------------------------------------------- changing entries */

/* The entry without its accessed bit.  Tests: t_modref_cleared_while_mapped. */
static inline pt_entry_t
pte_clear_referenced(pt_entry_t pte)
{
	(void)pte;
	pmap_kern_panic("md/template: pte_clear_referenced: clear the accessed bit "
	    "(PORTING.md step 3)");
}

/* The entry without its dirty bit.  Tests: t_modref_cleared_while_mapped. */
static inline pt_entry_t
pte_clear_modified(pt_entry_t pte)
{
	(void)pte;
	pmap_kern_panic("md/template: pte_clear_modified: clear the dirty bit "
	    "(PORTING.md step 3)");
}

/*
 * The entry with A set; with A and D set.  Only pmap_fault uses them, and
 * only under PMAP_CAP_SW_REFMOD (the MMU faults instead of setting A/D).
 * Tests: t_modref_by_access (Svade-like models).
 */
static inline pt_entry_t
pte_set_referenced(pt_entry_t pte)
{
	(void)pte;
	pmap_kern_panic("md/template: pte_set_referenced: set the accessed bit "
	    "(PORTING.md step 3)");
}

static inline pt_entry_t
pte_set_modified(pt_entry_t pte)
{
	(void)pte;
	pmap_kern_panic("md/template: pte_set_modified: set the accessed and dirty bits "
	    "(PORTING.md step 3)");
}

/* Set (w) or clear the software wired bit.  Tests: t_wired_and_unwire. */
static inline pt_entry_t
pte_set_wired(pt_entry_t pte, bool w)
{
	(void)pte, (void)w;
	pmap_kern_panic("md/template: pte_set_wired: set or clear the software wired bit "
	    "(PORTING.md step 3)");
}

/*
 * Lower the protection to at most prot, never raising it (mi/ removes the
 * mapping instead when prot lacks read).  Tests: t_protect_readonly_and_none,
 * t_page_ops_complete, t_access_matrix.
 */
static inline pt_entry_t
pte_restrict(pt_entry_t pte, vm_prot_t prot)
{
	(void)pte, (void)prot;
	pmap_kern_panic("md/template: pte_restrict: lower the protection to prot "
	    "(PORTING.md step 3)");
}

/* The bits the MMU sets on its own (A, D); mi/ carries them into a rewritten entry. */
static inline pt_entry_t
pte_hw_bits(pt_entry_t pte)
{
	(void)pte;
	pmap_kern_panic("md/template: pte_hw_bits: the bits the MMU sets itself "
	    "(PORTING.md step 3)");
}

/*
 * Demotion: the leaf one level below `level` that maps byte `off` of the
 * large leaf `large` (its frame plus off, every attribute and A/D of
 * `large`).  Tests: t_large_demotion.
 */
static inline pt_entry_t
pte_demote(pt_entry_t large, int level, vaddr_t off)
{
	(void)large, (void)level, (void)off;
	pmap_kern_panic("md/template: pte_demote: the small leaf for byte off of a large leaf "
	    "(PORTING.md step 3)");
}

/*
 * TODO: define PTE_NOTE_WRITE(p, v) here to observe every entry write on
 * the host (md/i386-pae/pte.h), or leave it out.
 */
#include <pmap/pte_atomic.h>

#endif /* MD_TEMPLATE_PTE_H */
