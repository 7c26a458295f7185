/*
 * pmap_update batching: deferred TLB invalidation.
 *
 * Changes record the VAs whose translations may be cached; pmap_update()
 * invalidates them, or flushes the whole TLB once more than
 * CONFIG_PMAP_TLB_CEILING pages are pending (Linux uses 33, NetBSD 16).
 * A request is dropped when no stale entry can exist: the old entry was
 * invalid or never accessed (pte_tlb_cached_p), or the pmap is live on no
 * CPU and the MMU has no ASIDs.  Page-table pages unhooked by a change are freed only after the
 * flush (unhook, invalidate, free: the mmu_gather order), so no walk can
 * reach a page that has been reused.
 *
 * One CPU for now: the batch is per CPU in spirit, and pm_cpus already says
 * where a pmap is live, which is what SMP shootdown will target.
 */
#include "pmap_int.h"

#define PMAP_FREE_BATCH	64	/* PTPs held before an early flush */

static struct {
	unsigned	 n;
	bool		 full;		/* over the ceiling: flush everything */
	bool		 global;	/* a global translation is involved */
	vaddr_t		 va[CONFIG_PMAP_TLB_CEILING];
	unsigned	 nfree;
	paddr_t		 freeptp[PMAP_FREE_BATCH];
} tlb_batch;

/*
 * Test hook: drop this many invalidation requests, as if the call were
 * missing.  Only the test that proves the host TLB model strict sets it.
 */
unsigned pmap_tlb_debug_drop;

/*
 * May this CPU's TLB hold translations of pm?  Without ASIDs only while pm is
 * live (loading another root drops them); with ASIDs always, since tagged
 * entries outlive the switch.
 */
bool
pmap_active_here(const struct pmap *pm)
{
	return pm->pm_is_kernel || (pm->pm_cpus & (1u << PMAP_CPU)) != 0 ||
	    (pmap_md_ops.caps & PMAP_CAP_ASID) != 0;
}

/* The entry `old` for va in pm was changed; queue its invalidation if needed. */
void
pmap_tlb_inval(struct pmap *pm, vaddr_t va, pt_entry_t old, enum pmap_inval_reason why)
{
	pmap_stats.inval_requested[why]++;
	if (pmap_tlb_debug_drop > 0) {
		pmap_tlb_debug_drop--;
		return;
	}
	if (!pte_tlb_cached_p(old) || !pmap_active_here(pm)) {
		pmap_stats.inval_skipped++;
		return;
	}
	if (pte_global_p(old))
		tlb_batch.global = true;
	if (tlb_batch.full)
		return;
	if (tlb_batch.n == CONFIG_PMAP_TLB_CEILING) {
		tlb_batch.full = true;
		return;
	}
	tlb_batch.va[tlb_batch.n++] = va;
}

/* Free the page-table page at pa once the TLB holds nothing that reaches it. */
void
pmap_tlb_free_ptp(paddr_t pa)
{
	if (tlb_batch.nfree == PMAP_FREE_BATCH)
		pmap_tlb_flush_now();
	tlb_batch.freeptp[tlb_batch.nfree++] = pa;
}

void
pmap_tlb_flush_now(void)
{
	if (tlb_batch.full) {
		pmap_md_ops.tlb_flush(tlb_batch.global);
		pmap_stats.inval_full++;
	} else {
		for (unsigned i = 0; i < tlb_batch.n; i++)
			pmap_md_ops.tlb_invalidate(tlb_batch.va[i]);
		pmap_stats.inval_pages += tlb_batch.n;
	}
	tlb_batch.n = 0;
	tlb_batch.full = tlb_batch.global = false;
	for (unsigned i = 0; i < tlb_batch.nfree; i++) {
		pmap_kern_page_free(tlb_batch.freeptp[i]);
		pmap_stats.ptp_frees++;
		pmap_stats.ptp_inuse--;
	}
	tlb_batch.nfree = 0;
}

/*
 * pmap_update: complete every deferred invalidation and page-table free.
 * On return no CPU can use a translation that the changes before it removed
 * or restricted.
 */
void
pmap_update(struct pmap *pm)
{
	(void)pm;	/* one batch per CPU covers every pmap */
	if (tlb_batch.n == 0 && !tlb_batch.full && tlb_batch.nfree == 0)
		return;
	pmap_stats.updates++;
	pmap_tlb_flush_now();
}

void
pmap_tlb_shootdown_poll(void)
{
}
