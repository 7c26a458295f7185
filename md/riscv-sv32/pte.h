/*
 * RISC-V sv32 PTE helpers (privileged spec, 4.3.1, Figure 4.18).  Bound at
 * compile time: mi/ calls these inline.  No other file may name a PG_ bit;
 * the bits and helpers every RISC-V format shares are in
 * md/riscv/pte_riscv.h.  The PPN field holds 22 bits: 34-bit physical
 * addresses.
 */
#ifndef MD_RISCV_SV32_PTE_H
#define MD_RISCV_SV32_PTE_H

#include <pmap/pmap_md_ops.h>
#include "../riscv/pte_riscv.h"

static inline pt_entry_t pte_ppn(paddr_t pa) { return (pt_entry_t)(pa >> PAGE_SHIFT) << PG_PPN_SHIFT; }

static inline pt_entry_t
pte_make(paddr_t pa, vm_prot_t prot, unsigned mk, int level)
{
	(void)level;			/* a megapage differs only in its alignment */
	return pte_riscv_flags(prot, mk) | pte_ppn(pa);
}

static inline pt_entry_t
pte_make_table(paddr_t pa, bool user, int level)
{
	(void)user;
	(void)level;
	return PG_V | pte_ppn(pa);
}

static inline paddr_t pte_pa(pt_entry_t pte, int level)
{
	(void)level;
	return (paddr_t)(pte >> PG_PPN_SHIFT) << PAGE_SHIFT;
}
/* Sv32 has no cache attribute in its entries (PMAs decide): never uncached. */
static inline bool pte_nocache_p(pt_entry_t pte) { (void)pte; return false; }

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
