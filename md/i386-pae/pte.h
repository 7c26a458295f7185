/*
 * i386-PAE PTE helpers (Intel SDM vol. 3A, 4.4, Tables 4-8 to 4-11).
 * Bound at compile time: mi/ calls these inline.  No other file may name a
 * PG_ bit; the bits and helpers every x86 format shares are in
 * md/x86/pte_x86.h.
 *
 * Entries are 8 bytes on a 32-bit CPU: every read and write of a live entry
 * is one 8-byte atomic operation (cmpxchg8b on i686), so the MMU never sees
 * half an update (SDM 4.10.4.4 and 8.1.1: a plain pair of 32-bit stores can
 * tear).  The _Static_assert proves the compiler emits them lock-free inline.
 */
#ifndef MD_I386_PAE_PTE_H
#define MD_I386_PAE_PTE_H

#include <pmap/pmap_md_ops.h>
#include "../x86/pte_x86.h"

#define PG_NX		(1ull << 63)	/* no execute, with EFER.NXE */
#define PG_FRAME	0x0000000FFFFFF000ull	/* 36-bit physical addresses */
#define PG_LGFRAME	0x0000000FFFE00000ull

#define PAE_LEVEL_PDPT	0
#define PAE_LEVEL_PD	1

_Static_assert(__atomic_always_lock_free(sizeof(pt_entry_t), 0),
    "8-byte PTE updates must be single lock-free atomic operations");

/* Chosen at bootstrap from CPUID and Kconfig (md/i386-pae/pmap_pae.c). */
extern pt_entry_t pmap_pae_pg_g;	/* PG_G or 0 */
extern pt_entry_t pmap_pae_pg_nx;	/* PG_NX once EFER.NXE is on */

static inline pt_entry_t
pte_make(paddr_t pa, vm_prot_t prot, unsigned mk, int level)
{
	return pte_x86_bits(prot, mk, pmap_pae_pg_g, pmap_pae_pg_nx) |
	    ((level == PMAP_LEAF_LEVEL) ? (pa & PG_FRAME) : (pa & PG_LGFRAME) | PG_PS);
}

/*
 * An entry at `level` pointing at the next table.  A PDPTE holds only P and
 * the address (its RW/US bits are reserved: a CR3 load with them set #GPs);
 * a PDE leaves permissions to the leaf.
 */
static inline pt_entry_t
pte_make_table(paddr_t pa, bool user, int level)
{
	if (level == PAE_LEVEL_PDPT)
		return (pa & PG_FRAME) | PG_V;
	return (pa & PG_FRAME) | PG_V | PG_RW | (user ? PG_U : 0);
}

static inline bool pte_leaf_p(pt_entry_t pte, int level)
{
	return level == PMAP_LEAF_LEVEL || (level == PAE_LEVEL_PD && (pte & PG_PS));
}
static inline paddr_t pte_pa(pt_entry_t pte, int level)
{
	return (level == PAE_LEVEL_PD && (pte & PG_PS)) ? (pte & PG_LGFRAME) : (pte & PG_FRAME);
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
		pte |= pmap_pae_pg_nx;
	return pte;
}
/*
 * Demotion: the 4 KiB leaf that maps byte `off` of the 2 MiB leaf `large`
 * (level PAE_LEVEL_PD), with its attributes, NX and A/D.  Bits 0-11 and 63
 * mean the same in a 2 MiB PDE and a PTE (SDM vol. 3A, tables 4-9 and 4-11)
 * except PS, which is PAT in a PTE; the 2 MiB PAT bit (12) is never set here.
 */
static inline pt_entry_t pte_demote(pt_entry_t large, int level, vaddr_t off)
{
	return (large & (PG_NX | 0xFFFull) & ~PG_PS) | ((pte_pa(large, level) + off) & PG_FRAME);
}

/*
 * On the host the PAE model is told of every write made through these
 * accessors; a live entry that changes any other way (a write that could
 * tear) stops the run (md/i386-pae/mmu_host.c).
 */
#ifdef PMAP_HOST
void	pae_model_pte_written(const pt_entry_t *p, pt_entry_t v);
#define PTE_NOTE_WRITE(p, v)	pae_model_pte_written((p), (v))
#endif
#include <pmap/pte_atomic.h>

#endif /* MD_I386_PAE_PTE_H */
