/*
 * amd64 PTE helpers (4-level paging; Intel SDM vol. 3A, 4.5, tables 4-14 to
 * 4-20).  Bound at compile time: mi/ calls these inline.  No other file may
 * name a PG_ bit; the bits and helpers every x86 format shares are in
 * md/x86/pte_x86.h.
 *
 * Levels: [PML5 (CONFIG_AMD64_LA57),] PML4, PDPT (1 GiB leaves with PS), PD
 * (2 MiB leaves with PS), PT.  Entries are 8 bytes, written with single
 * 8-byte atomics.
 */
#ifndef MD_AMD64_PTE_H
#define MD_AMD64_PTE_H

#include <pmap/pmap_md_ops.h>
#include "../x86/pte_x86.h"

#define PG_NX		(1ull << 63)	/* no execute, with EFER.NXE */
#define PG_FRAME	0x000FFFFFFFFFF000ull	/* 52-bit physical addresses */
#define PG_2MFRAME	0x000FFFFFFFE00000ull
#define PG_1GFRAME	0x000FFFFFC0000000ull

/* Levels from the leaves up, so that 4- and 5-level paging share them. */
#define AMD64_LEVEL_PD		(PMAP_LEAF_LEVEL - 1)
#define AMD64_LEVEL_PDPT	(PMAP_LEAF_LEVEL - 2)
#define AMD64_LEVEL_PML4	(PMAP_LEAF_LEVEL - 3)

_Static_assert(__atomic_always_lock_free(sizeof(pt_entry_t), 0),
    "8-byte PTE updates must be single lock-free atomic operations");

/* Chosen at bootstrap from CPUID and Kconfig (md/amd64/pmap_amd64.c). */
extern pt_entry_t pmap_amd64_pg_g;	/* PG_G or 0 */
extern pt_entry_t pmap_amd64_pg_nx;	/* PG_NX once EFER.NXE is on */

static inline pt_entry_t
pte_frame(int level)
{
	return level == AMD64_LEVEL_PDPT ? PG_1GFRAME : level == AMD64_LEVEL_PD ? PG_2MFRAME :
	    PG_FRAME;
}

/* PS makes an entry above the page tables a leaf. */
static inline pt_entry_t
pte_ps(int level)
{
	return level == PMAP_LEAF_LEVEL ? 0 : PG_PS;
}

static inline pt_entry_t
pte_make(paddr_t pa, vm_prot_t prot, unsigned mk, int level)
{
	return pte_x86_bits(prot, mk, pmap_amd64_pg_g, pmap_amd64_pg_nx) |
	    (pa & pte_frame(level)) | pte_ps(level);
}

/*
 * An entry at `level` pointing at the next table: permissions are left to
 * the leaves (the walk ANDs R/W and U/S and ORs NX over the levels), so a
 * table entry allows everything its half of the space may (user tables U).
 */
static inline pt_entry_t
pte_make_table(paddr_t pa, bool user, int level)
{
	(void)level;
	return (pa & PG_FRAME) | PG_V | PG_RW | (user ? PG_U : 0);
}

static inline bool pte_leaf_p(pt_entry_t pte, int level)
{
	return level == PMAP_LEAF_LEVEL ||
	    ((level == AMD64_LEVEL_PDPT || level == AMD64_LEVEL_PD) && (pte & PG_PS));
}
static inline paddr_t pte_pa(pt_entry_t pte, int level)
{
	return pte & (pte_leaf_p(pte, level) ? pte_frame(level) : PG_FRAME);
}

static inline vm_prot_t pte_prot(pt_entry_t pte)
{
	return VM_PROT_READ | ((pte & PG_RW) ? VM_PROT_WRITE : 0) |
	    ((pte & PG_NX) ? 0 : VM_PROT_EXECUTE);
}

/* Lower the entry's protection to at most prot (never raises it). */
static inline pt_entry_t pte_restrict(pt_entry_t pte, vm_prot_t prot)
{
	if (!(prot & VM_PROT_WRITE))
		pte &= ~PG_RW;
	if (!(prot & VM_PROT_EXECUTE))
		pte |= pmap_amd64_pg_nx;
	return pte;
}
/*
 * Demotion: the entry one level down that maps byte `off` of the large leaf
 * `large` at `level`, with its attributes, NX and A/D: a 2 MiB leaf (PS
 * kept) from a 1 GiB one, a 4 KiB leaf from a 2 MiB one.  Bits 0-11 and 63
 * mean the same in all three (SDM vol. 3A, tables 4-16, 4-18, 4-20) except
 * PS, which is PAT in a PTE; the large pages' PAT bit (12) is never set here.
 */
static inline pt_entry_t pte_demote(pt_entry_t large, int level, vaddr_t off)
{
	pt_entry_t attrs = large & (PG_NX | 0xFFFull);

	if (level + 1 == PMAP_LEAF_LEVEL)
		return (attrs & ~PG_PS) | ((pte_pa(large, level) + off) & PG_FRAME);
	return attrs | ((pte_pa(large, level) + off) & pte_frame(level + 1));
}

#include <pmap/pte_atomic.h>

#endif /* MD_AMD64_PTE_H */
