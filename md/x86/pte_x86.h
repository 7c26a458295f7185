/*
 * What every x86 paging format shares (Intel SDM vol. 3A, 4.3, 4.4, 4.5:
 * bits 0-11 mean the same in a 32-bit, a PAE and a 4-level entry), and the
 * PTE helpers that use nothing else.  Each x86 backend's pte.h includes this
 * once pt_entry_t is known and adds what differs: the address fields, NX,
 * pte_make, pte_prot, the levels.  No file outside the x86 backends' pte.h
 * may name a PG_ bit.
 */
#ifndef MD_X86_PTE_X86_H
#define MD_X86_PTE_X86_H

#define PG_V		((pt_entry_t)0x001)	/* present */
#define PG_RW		((pt_entry_t)0x002)	/* writable */
#define PG_U		((pt_entry_t)0x004)	/* user */
#define PG_WT		((pt_entry_t)0x008)	/* write-through */
#define PG_N		((pt_entry_t)0x010)	/* cache disable */
#define PG_A		((pt_entry_t)0x020)	/* accessed (set by the MMU) */
#define PG_D		((pt_entry_t)0x040)	/* dirty (set by the MMU) */
#define PG_PS		((pt_entry_t)0x080)	/* a large leaf, above the PT; PAT in a PTE */
#define PG_G		((pt_entry_t)0x100)	/* global, with CR4.PGE */
#define PG_W		((pt_entry_t)0x200)	/* software: wired (ignored bit 9) */
#define PG_PVLIST	((pt_entry_t)0x400)	/* software: managed, has a pv entry (bit 10) */

static inline bool pte_valid_p(pt_entry_t pte) { return (pte & PG_V) != 0; }
static inline bool pte_wired_p(pt_entry_t pte) { return (pte & PG_W) != 0; }
static inline bool pte_managed_p(pt_entry_t pte) { return (pte & PG_PVLIST) != 0; }
static inline bool pte_user_p(pt_entry_t pte) { return (pte & PG_U) != 0; }
static inline bool pte_global_p(pt_entry_t pte) { return (pte & PG_G) != 0; }
static inline bool pte_referenced_p(pt_entry_t pte) { return (pte & PG_A) != 0; }
static inline bool pte_modified_p(pt_entry_t pte) { return (pte & PG_D) != 0; }
static inline bool pte_writable_p(pt_entry_t pte) { return (pte & PG_RW) != 0; }
static inline bool pte_nocache_p(pt_entry_t pte) { return (pte & PG_N) != 0; }

/*
 * The bits pte_make sets from prot and the PMAP_MK_ properties on every x86
 * format, the address and PS aside: g is the backend's global bit (0
 * without PGE), nx its no-execute bit (0 without NX: i386).
 */
static inline pt_entry_t
pte_x86_bits(vm_prot_t prot, unsigned mk, pt_entry_t g, pt_entry_t nx)
{
	pt_entry_t pte = PG_V;

	if (prot & VM_PROT_WRITE)
		pte |= PG_RW;
	if (!(prot & VM_PROT_EXECUTE))
		pte |= nx;
	if (mk & PMAP_MK_USER)
		pte |= PG_U;
	if (mk & PMAP_MK_GLOBAL)
		pte |= g;
	if (mk & PMAP_MK_WIRED)
		pte |= PG_W;
	if (mk & PMAP_MK_MANAGED)
		pte |= PG_PVLIST;
	if (mk & (PMAP_MK_REF | PMAP_MK_MOD))
		pte |= PG_A;
	if (mk & PMAP_MK_MOD)
		pte |= PG_D;
	if (mk & PMAP_MK_NOCACHE)
		pte |= PG_N | PG_WT;
	return pte;
}

/*
 * May a TLB hold a translation made from this entry?  The MMU caches a
 * translation only after setting A (SDM 4.10.2.1), so never-accessed or
 * invalid entries need no invalidation.
 */
static inline bool pte_tlb_cached_p(pt_entry_t pte)
{
	return (pte & (PG_V | PG_A)) == (PG_V | PG_A);
}

static inline pt_entry_t pte_clear_referenced(pt_entry_t pte) { return pte & ~PG_A; }
static inline pt_entry_t pte_set_referenced(pt_entry_t pte) { return pte | PG_A; }
static inline pt_entry_t pte_set_modified(pt_entry_t pte) { return pte | PG_A | PG_D; }
static inline pt_entry_t pte_clear_modified(pt_entry_t pte) { return pte & ~PG_D; }
static inline pt_entry_t pte_set_wired(pt_entry_t pte, bool w)
{
	return w ? (pte | PG_W) : (pte & ~PG_W);
}
/* Hardware-maintained bits of old, to carry over into a rewritten entry. */
static inline pt_entry_t pte_hw_bits(pt_entry_t pte) { return pte & (PG_A | PG_D); }

#endif /* MD_X86_PTE_X86_H */
