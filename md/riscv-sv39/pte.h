/*
 * RISC-V Sv39/Sv48 PTE helpers (privileged spec 4.4.1, 4.5.1).  Bound at
 * compile time: mi/ calls these inline.  No other file may name a PG_ bit;
 * the bits and helpers every RISC-V format shares are in
 * md/riscv/pte_riscv.h.
 *
 * Entries are 8 bytes: flags in bits 0-9, a 44-bit PPN in bits 10-53 (56-bit
 * physical addresses), bits 54-60 reserved, 61-62 Svpbmt's PBMT and 63
 * Svnapot's N (both reserved without those extensions).  pmapkit sets PBMT
 * = NC (non-cacheable, idempotent, weakly ordered main memory) in
 * PMAP_NOCACHE leaves where the hart has Svpbmt, else PMA (0): the
 * physical memory attributes decide, as without the extension; it never
 * sets N (no 64 KiB NAPOT pages).  A leaf may sit at any level (a 1 GiB
 * gigapage, a 2 MiB megapage; Sv48 also allows 512 GiB, which pmapkit does
 * not make).
 */
#ifndef MD_RISCV_SV39_PTE_H
#define MD_RISCV_SV39_PTE_H

#include <pmap/pmap_md_ops.h>
#include "../riscv/pte_riscv.h"

#define PG_PPN_MASK	((pt_entry_t)0x003FFFFFFFFFFC00)	/* bits 10-53 */
#define PG_PBMT_MASK	((pt_entry_t)3 << 61)	/* Svpbmt: 0 PMA, 1 NC, 2 IO, 3 reserved */
#define PG_PBMT_NC	((pt_entry_t)1 << 61)

/* PG_PBMT_NC where the hart has Svpbmt, else 0 (pmap_sv39.c, at bootstrap). */
extern pt_entry_t pmap_sv39_pbmt_nc;

_Static_assert(__atomic_always_lock_free(sizeof(pt_entry_t), 0),
    "8-byte PTE updates must be single lock-free atomic operations");

static inline pt_entry_t pte_ppn(paddr_t pa)
{
	return ((pt_entry_t)(pa >> PAGE_SHIFT) << PG_PPN_SHIFT) & PG_PPN_MASK;
}

static inline pt_entry_t
pte_make(paddr_t pa, vm_prot_t prot, unsigned mk, int level)
{
	(void)level;			/* a large leaf differs only in its alignment */
	return pte_riscv_flags(prot, mk) | pte_ppn(pa) |
	    ((mk & PMAP_MK_NOCACHE) ? pmap_sv39_pbmt_nc : 0);
}

/* A pointer to the next table: V alone (spec 4.4.1: R = W = X = 0; A, D, U clear). */
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
	return (paddr_t)((pte & PG_PPN_MASK) >> PG_PPN_SHIFT) << PAGE_SHIFT;
}
static inline bool pte_nocache_p(pt_entry_t pte) { return (pte & PG_PBMT_MASK) == PG_PBMT_NC; }

/*
 * Demotion: the leaf one level down that maps byte `off` of the large leaf
 * `large`: the same flag bits (0-9, A/D included) and memory type, the
 * part's PPN; a leaf is a leaf at every level (spec 4.4.1).
 */
static inline pt_entry_t pte_demote(pt_entry_t large, int level, vaddr_t off)
{
	return (large & (PG_FLAGS | PG_PBMT_MASK)) | pte_ppn(pte_pa(large, level) + off);
}

#include <pmap/pte_atomic.h>

#endif /* MD_RISCV_SV39_PTE_H */
