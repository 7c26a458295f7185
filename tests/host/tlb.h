/*
 * Strict TLB model for the host build, one TLB per simulated CPU (the
 * functions act on model_cpu's): a translation, once made, is kept
 * until an invalidation removes it.  Real TLBs may drop entries at any time
 * (QEMU does), so a missing invalidation shows up in the guest only by
 * chance; here it shows up every time.
 */
#ifndef TESTS_HOST_TLB_H
#define TESTS_HOST_TLB_H

#include <stdbool.h>
#include <stdint.h>

struct tlb_entry {
	uint64_t	 va;		/* base of the page the entry covers (any VA width) */
	uint8_t		 shift;		/* page size: 1 << shift */
	uint64_t	 pa;		/* base of the physical page */
	bool		 w, u, x, g, d;	/* writable, user, executable, global, dirty */
	bool		 r;		/* readable (x86: always) */
	bool		 a;		/* model_tlb_check's leaf only: the accessed bit */
	uint16_t	 asid;		/* address-space tag: ASID, PCID (else 0); globals match any */
	struct tlb_entry *next;
	struct tlb_entry *all_next, *all_prev;
};

struct model_tlb_stats {
	unsigned long	hits, misses, inval_page, flush_all, flush_nonglobal;
} __attribute__((aligned(64)));		/* per CPU: each its own cache line */
extern struct model_tlb_stats model_tlb_stats[];	/* per CPU */

struct tlb_entry *model_tlb_lookup(uint64_t va, uint16_t asid);
void	model_tlb_insert(const struct tlb_entry *);
void	model_tlb_inval_va(uint64_t va);	/* every entry covering va, global too */
/* x86 invlpg with PCIDs: the entries covering va tagged asid, and the global ones. */
void	model_tlb_inval_va_tagged(uint64_t va, uint16_t asid);
void	model_tlb_flush(bool global);		/* non-global entries, or all */
/*
 * Count (and print) the running CPU's stale entries; leaf(va, w) reads the
 * tables as they are now: 1 and the leaf in *w (with .a, and .d from the
 * entry's bits), 0 if nothing is mapped, -1 if the CPU's cached root entries
 * (PAE PDPTEs) disagree with memory.
 */
int	model_tlb_check(uint16_t asid, int (*leaf)(uint64_t va, struct tlb_entry *),
	    void (*print)(const char *, ...));
/* RISC-V sfence.vma: by va and/or ASID; global entries only when asid is any. */
void	model_tlb_inval(uint64_t va, bool any_va, uint16_t asid, bool any_asid);

#endif
