/*
 * i386 PTE helpers (Intel SDM vol. 3A, 4.3 "32-bit paging", Tables 4-5/4-6).
 * Bound at compile time: mi/ calls these inline, so the per-PTE path has no
 * indirect call.  No other file may name a PG_ bit; the bits and helpers
 * every x86 format shares are in md/x86/pte_x86.h.
 */
#ifndef MD_I386_PTE_H
#define MD_I386_PTE_H

#include <pmap/pmap_md_ops.h>
#include "../x86/pte_x86.h"

#define PG_FRAME	0xFFFFF000u
#define PG_LGFRAME	0xFFC00000u

/* Chosen at bootstrap from CPUID and Kconfig (md/i386/pmap_i386.c). */
extern pt_entry_t pmap_i386_pg_g;	/* PG_G or 0 */

static inline pt_entry_t
pte_make(paddr_t pa, vm_prot_t prot, unsigned mk, int level)
{
	pt_entry_t pte = pte_x86_bits(prot, mk, pmap_i386_pg_g, 0);

	pte |= (level == PMAP_LEAF_LEVEL) ? (pa & PG_FRAME) : (pa & PG_LGFRAME) | PG_PS;
	/*
	 * A 4 MiB kernel leaf is a PDE, copied into every user page directory
	 * (i386_sync_kernel_pde): the MMU sets A/D in whichever copy it walked,
	 * and mi/ reads the kernel's.  Made with A and D set, the copies never
	 * differ and a change is never skipped as "never accessed".  (A kernel
	 * leaf's A/D mean nothing else: large leaves are unmanaged.)
	 */
	if (level != PMAP_LEAF_LEVEL)
		pte |= PG_A | PG_D;
	return pte;
}

/*
 * An entry at `level` pointing at the next table, at pa.  Permissions are
 * left to the leaf.  (Only level 0 holds tables on i386.)
 */
static inline pt_entry_t
pte_make_table(paddr_t pa, bool user, int level)
{
	(void)level;
	return (pa & PG_FRAME) | PG_V | PG_RW | (user ? PG_U : 0);
}

static inline bool pte_leaf_p(pt_entry_t pte, int level)
{
	return level == PMAP_LEAF_LEVEL || (pte & PG_PS) != 0;
}
static inline paddr_t pte_pa(pt_entry_t pte, int level)
{
	return (level == PMAP_LEAF_LEVEL || !(pte & PG_PS)) ? (pte & PG_FRAME) : (pte & PG_LGFRAME);
}

/* Protection the entry grants; i386 without PAE cannot deny execute. */
static inline vm_prot_t pte_prot(pt_entry_t pte)
{
	return VM_PROT_READ | VM_PROT_EXECUTE | ((pte & PG_RW) ? VM_PROT_WRITE : 0);
}

/* Lower the entry's protection to at most prot (never raises it). */
static inline pt_entry_t pte_restrict(pt_entry_t pte, vm_prot_t prot)
{
	return (prot & VM_PROT_WRITE) ? pte : (pte & ~PG_RW);
}
/*
 * Demotion: the 4 KiB leaf that maps byte `off` of the 4 MiB leaf `large`
 * (level 0), with its attributes and A/D.  Bits 0-11 mean the same in a
 * 4 MiB PDE and a PTE (SDM vol. 3A, tables 4-4 and 4-6) except PS, which is
 * PAT in a PTE; the 4 MiB PAT bit (12) is never set here.
 */
static inline pt_entry_t pte_demote(pt_entry_t large, int level, vaddr_t off)
{
	return (large & 0xFFFu & ~PG_PS) | ((pte_pa(large, level) + off) & PG_FRAME);
}

/* Entries are aligned 32-bit words: single atomic operations, never torn. */
#include <pmap/pte_atomic.h>

#endif /* MD_I386_PTE_H */
