/*
 * What every RISC-V page-table format shares (privileged spec 4.3.1, 4.4.1,
 * 4.5.1: bits 0-9 mean the same in an Sv32, Sv39, Sv48 or Sv57 entry, and a
 * leaf is a leaf at any level), and the PTE helpers that use nothing else.
 * Each RISC-V backend's pte.h includes this once pt_entry_t is known and
 * adds what differs: the PPN field's width, pte_make's extra bits, the
 * levels.  No file outside the RISC-V backends' pte.h may name a PG_ bit.
 *
 * A leaf has R, W or X set; an entry with V alone points at the next table.
 * W without R is reserved.  A and D are set by the MMU where it does so
 * (QEMU 7.2) or by pmap_fault where it faults instead (Svade); kernel
 * (kenter) mappings are made with both set, so the kernel never faults on
 * its own mappings.
 */
#ifndef MD_RISCV_PTE_RISCV_H
#define MD_RISCV_PTE_RISCV_H

#define PG_V		((pt_entry_t)0x001)
#define PG_R		((pt_entry_t)0x002)
#define PG_W		((pt_entry_t)0x004)
#define PG_X		((pt_entry_t)0x008)
#define PG_U		((pt_entry_t)0x010)
#define PG_G		((pt_entry_t)0x020)
#define PG_A		((pt_entry_t)0x040)
#define PG_D		((pt_entry_t)0x080)
#define PG_WIRED	((pt_entry_t)0x100)	/* RSW: wired */
#define PG_MANAGED	((pt_entry_t)0x200)	/* RSW: managed, has a pv entry */
#define PG_FLAGS	((pt_entry_t)0x3FF)	/* bits 0-9 */
#define PG_PPN_SHIFT	10
#define PG_LEAF		(PG_R | PG_W | PG_X)

/*
 * The flag bits of a leaf made from prot and the PMAP_MK_ properties: A and
 * D when asked, and always on unmanaged kernel mappings (nothing would
 * ever clear them, and an Svade MMU would fault on them forever).
 */
static inline pt_entry_t
pte_riscv_flags(vm_prot_t prot, unsigned mk)
{
	pt_entry_t pte = PG_V;
	bool kernel_unmanaged = (mk & (PMAP_MK_GLOBAL | PMAP_MK_MANAGED)) == PMAP_MK_GLOBAL;

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
	if ((mk & (PMAP_MK_REF | PMAP_MK_MOD)) || kernel_unmanaged)
		pte |= PG_A;
	if ((mk & PMAP_MK_MOD) || kernel_unmanaged)
		pte |= PG_D;
	return pte;
}

static inline bool pte_valid_p(pt_entry_t pte) { return (pte & PG_V) != 0; }
static inline bool pte_leaf_p(pt_entry_t pte, int level)
{
	return level == PMAP_LEAF_LEVEL || (pte & PG_LEAF) != 0;
}
static inline bool pte_wired_p(pt_entry_t pte) { return (pte & PG_WIRED) != 0; }
static inline bool pte_managed_p(pt_entry_t pte) { return (pte & PG_MANAGED) != 0; }
static inline bool pte_user_p(pt_entry_t pte) { return (pte & PG_U) != 0; }
static inline bool pte_global_p(pt_entry_t pte) { return (pte & PG_G) != 0; }
static inline bool pte_referenced_p(pt_entry_t pte) { return (pte & PG_A) != 0; }
static inline bool pte_modified_p(pt_entry_t pte) { return (pte & PG_D) != 0; }
static inline bool pte_writable_p(pt_entry_t pte) { return (pte & PG_W) != 0; }

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

#endif /* MD_RISCV_PTE_RISCV_H */
