/*
 * RISC-V sv32 PTE helpers (privileged spec, 4.3.1, Figure 4.18).  Bound at
 * compile time: mi/ calls these inline.  No other file may name a PG_ bit.
 *
 * A leaf has R, W or X set; an entry with V alone points at the next table.
 * W without R is reserved.  The PPN field holds 22 bits: 34-bit physical
 * addresses.  A and D are set by the MMU where it does so (QEMU 7.2) or by
 * pmap_fault where it faults instead (Svade); kernel (kenter) mappings are
 * made with both set, so the kernel never faults on its own mappings.
 */
#ifndef MD_RISCV_SV32_PTE_H
#define MD_RISCV_SV32_PTE_H

#include <pmap/pmap_md_ops.h>

#define PG_V		0x001u
#define PG_R		0x002u
#define PG_W		0x004u
#define PG_X		0x008u
#define PG_U		0x010u
#define PG_G		0x020u
#define PG_A		0x040u
#define PG_D		0x080u
#define PG_WIRED	0x100u	/* RSW: wired */
#define PG_MANAGED	0x200u	/* RSW: managed, has a pv entry */
#define PG_PPN_SHIFT	10
#define PG_LEAF		(PG_R | PG_W | PG_X)

static inline pt_entry_t pte_ppn(paddr_t pa) { return (pt_entry_t)(pa >> PAGE_SHIFT) << PG_PPN_SHIFT; }

static inline pt_entry_t
pte_make(paddr_t pa, vm_prot_t prot, unsigned mk, int level)
{
	pt_entry_t pte = PG_V | pte_ppn(pa);

	(void)level;			/* a megapage differs only in its alignment */
	if (prot & VM_PROT_READ)
		pte |= PG_R;
	if (prot & VM_PROT_WRITE)
		pte |= PG_W;
	if (prot & VM_PROT_EXECUTE)
		pte |= PG_X;
	if (mk & PMAP_MK_USER)
		pte |= PG_U;
#ifdef CONFIG_PMAP_PGE
	if (mk & PMAP_MK_GLOBAL)
		pte |= PG_G;
#endif
	if (mk & PMAP_MK_WIRED)
		pte |= PG_WIRED;
	if (mk & PMAP_MK_MANAGED)
		pte |= PG_MANAGED;
	if ((mk & (PMAP_MK_REF | PMAP_MK_MOD)) || (mk & (PMAP_MK_GLOBAL | PMAP_MK_MANAGED)) == PMAP_MK_GLOBAL)
		pte |= PG_A;
	if ((mk & PMAP_MK_MOD) || (mk & (PMAP_MK_GLOBAL | PMAP_MK_MANAGED)) == PMAP_MK_GLOBAL)
		pte |= PG_D;
	return pte;
}

static inline pt_entry_t
pte_make_table(paddr_t pa, bool user, int level)
{
	(void)user;
	(void)level;
	return PG_V | pte_ppn(pa);
}

static inline bool pte_valid_p(pt_entry_t pte) { return (pte & PG_V) != 0; }
static inline bool pte_leaf_p(pt_entry_t pte, int level)
{
	return level == PMAP_LEAF_LEVEL || (pte & PG_LEAF) != 0;
}
static inline paddr_t pte_pa(pt_entry_t pte, int level)
{
	(void)level;
	return (paddr_t)(pte >> PG_PPN_SHIFT) << PAGE_SHIFT;
}
static inline bool pte_wired_p(pt_entry_t pte) { return (pte & PG_WIRED) != 0; }
static inline bool pte_managed_p(pt_entry_t pte) { return (pte & PG_MANAGED) != 0; }
static inline bool pte_user_p(pt_entry_t pte) { return (pte & PG_U) != 0; }
static inline bool pte_global_p(pt_entry_t pte) { return (pte & PG_G) != 0; }
static inline bool pte_referenced_p(pt_entry_t pte) { return (pte & PG_A) != 0; }
static inline bool pte_modified_p(pt_entry_t pte) { return (pte & PG_D) != 0; }
static inline bool pte_writable_p(pt_entry_t pte) { return (pte & PG_W) != 0; }
/* Sv32 has no cache attribute in its entries (PMAs decide): never uncached. */
static inline bool pte_nocache_p(pt_entry_t pte) { (void)pte; return false; }

static inline vm_prot_t pte_prot(pt_entry_t pte)
{
	return ((pte & PG_R) ? VM_PROT_READ : 0) | ((pte & PG_W) ? VM_PROT_WRITE : 0) |
	    ((pte & PG_X) ? VM_PROT_EXECUTE : 0);
}

/* An implementation caches a translation only with A set (spec 4.3.1: Svade faults, hardware sets it). */
static inline bool pte_tlb_cached_p(pt_entry_t pte)
{
	return (pte & (PG_V | PG_A)) == (PG_V | PG_A);
}

static inline pt_entry_t pte_clear_referenced(pt_entry_t pte) { return pte & ~PG_A; }
static inline pt_entry_t pte_clear_modified(pt_entry_t pte) { return pte & ~PG_D; }
static inline pt_entry_t pte_set_referenced(pt_entry_t pte) { return pte | PG_A; }
static inline pt_entry_t pte_set_modified(pt_entry_t pte) { return pte | PG_A | PG_D; }
static inline pt_entry_t pte_set_wired(pt_entry_t pte, bool w)
{
	return w ? (pte | PG_WIRED) : (pte & ~PG_WIRED);
}
/* Lower the protection to at most prot (R stays: a leaf needs one of R/W/X). */
static inline pt_entry_t pte_restrict(pt_entry_t pte, vm_prot_t prot)
{
	if (!(prot & VM_PROT_WRITE))
		pte &= ~PG_W;
	if (!(prot & VM_PROT_EXECUTE))
		pte &= ~PG_X;
	return pte;
}
static inline pt_entry_t pte_hw_bits(pt_entry_t pte) { return pte & (PG_A | PG_D); }
/*
 * Demotion: the 4 KiB leaf that maps byte `off` of the megapage `large`:
 * the same flag bits (0-9, A/D included: spec 4.3.1, a megapage differs
 * only in its level and alignment), the page's PPN.
 */
static inline pt_entry_t pte_demote(pt_entry_t large, int level, vaddr_t off)
{
	return (large & ((1u << PG_PPN_SHIFT) - 1)) | pte_ppn(pte_pa(large, level) + off);
}

#include <pmap/pte_atomic.h>

#endif /* MD_RISCV_SV32_PTE_H */
