/*
 * pmap_update batching and TLB shootdown.
 *
 * Each CPU gathers, in its own batch, the VAs whose translations its pmap
 * calls may have left cached, and the set of CPUs that may cache them: the
 * CPUs where the pmap is live (every running CPU for the kernel pmap).
 * pmap_update() completes the batch: one shootdown request to the other
 * target CPUs (one IPI each), the local invalidations, a wait until every
 * target has acknowledged, and only then the page-table pages and pv chunks
 * the batch unhooked go back to the kernel (unhook, invalidate, free: the
 * mmu_gather order).  Past CONFIG_PMAP_TLB_CEILING pages the request is a
 * full flush (Linux uses 33, NetBSD 16); a global translation in the batch
 * makes it flush global entries too.
 *
 * pmap_page_protect, pmap_clear_modify, pmap_clear_reference and pmap_copy
 * may not leave work for pmap_update (pmap(9)): they complete the batch
 * before they return (pmap_tlb_complete).
 *
 * A request is dropped where no stale entry can exist: the old entry was
 * invalid or never accessed (pte_tlb_cached_p), or the pmap is live on no
 * CPU and the MMU has no ASIDs.  With ASIDs a CPU where the pmap is not
 * live is not interrupted: the backend forgets the pmap's ASID there
 * (tlb_forget), so its next activation on that CPU starts with a fresh one.
 *
 * Requests: no global mailbox.  A sender's request is its own batch, left
 * untouched until every target has served it; it sets its bit in each
 * target's pc_requests and waits for its pc_unserved to empty, serving the
 * requests sent to it meanwhile, so that two CPUs shooting at each other
 * never wait on each other.  Locking (mi/pmap_lock.c): one pmap-wide lock
 * serializes every pmap call today; a CPU spinning for it serves
 * shootdowns meanwhile, as the holder may be waiting for that CPU.
 */
#include "pmap_int.h"

#define PMAP_FREE_BATCH	64	/* pages held back before an early flush */

struct tlb_batch {
	unsigned	 n;
	bool		 full;		/* over the ceiling: flush everything */
	bool		 global;	/* a global translation is involved */
	bool		 urgent;	/* complete before the pmap call returns */
	uint32_t	 targets;	/* CPUs that may cache the translations */
	vaddr_t		 va[CONFIG_PMAP_TLB_CEILING];
	unsigned	 nfree;
	struct {
		paddr_t	 pa;		/* a page-table page, or */
		void	*chunk;		/* a pv chunk */
	} free[PMAP_FREE_BATCH];
};

struct pmap_cpu {
	struct pmap	*pc_curpmap;	/* user pmap live here, or NULL */
	struct tlb_batch pc_batch;	/* also the request other CPUs serve */
	uint32_t	 pc_requests;	/* senders whose batch this CPU has still to serve */
	uint32_t	 pc_unserved;	/* targets that have not served this CPU's batch yet */
	vaddr_t		 pc_retried_va;	/* pmap_fault: last spurious fault retried */
	bool		 pc_retried;
};
static struct pmap_cpu pmap_cpus[PMAP_MAXCPUS];

/*
 * Test hook: drop this many invalidation requests, as if the call were
 * missing.  Only the test that proves the host TLB model strict sets it.
 */
unsigned pmap_tlb_debug_drop;

unsigned
pmap_cpu_self(void)
{
	unsigned c = pmap_kern_cpu_index();

	KASSERTMSG(c < PMAP_MAXCPUS, "pmap_cpu_self: CPU %u beyond PMAP_MAXCPUS %u", c,
	    (unsigned)PMAP_MAXCPUS);
	return c;
}

struct pmap **
pmap_curpmap_ptr(void)
{
	return &pmap_cpus[pmap_cpu_self()].pc_curpmap;
}



/* This CPU's batch must complete before the pmap call returns (pmap_unlock). */
bool
pmap_tlb_urgent(void)
{
	return pmap_cpus[pmap_cpu_self()].pc_batch.urgent;
}

/* ---- queueing ---- */

/*
 * The CPUs that may cache pm's translations and must be shot down.  With
 * ASIDs, the CPUs where pm is not live, this one included, forget its ASID
 * instead: tlb_invalidate need only reach the live tag (PORTING.md), so a
 * local invalidation cannot stand in for pm's.
 */
static uint32_t
pmap_tlb_targets(struct pmap *pm)
{
	uint32_t running = pmap_kern_cpus_running();

	if (pm->pm_is_kernel)
		return running;
	uint32_t live = __atomic_load_n(&pm->pm_cpus, __ATOMIC_ACQUIRE) & running;
	if ((pmap_md_ops.caps & PMAP_CAP_ASID) == 0)
		return live;
	uint32_t idle = running & ~live;
	for (unsigned c = 0; idle != 0; c++, idle >>= 1)
		if (idle & 1u) {
			pmap_md_ops.tlb_forget(pm, c);
			pmap_stats.asid_forgets++;
		}
	return live;
}

/* Queue va (all: a full flush) for pm's target CPUs but `except`; false if there are none. */
static bool
pmap_tlb_queue(struct pmap *pm, vaddr_t va, bool global, bool all, uint32_t except)
{
	struct tlb_batch *b = &pmap_cpus[pmap_cpu_self()].pc_batch;
	uint32_t targets = pmap_tlb_targets(pm) & ~except;

	if (targets == 0)
		return false;
	b->targets |= targets;
	if (global)
		b->global = true;
	if (b->full)
		return true;
	if (all || b->n == CONFIG_PMAP_TLB_CEILING) {
		b->full = true;
		return true;
	}
	b->va[b->n++] = va;
	return true;
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
	if (!pte_tlb_cached_p(old) || !pmap_tlb_queue(pm, va, pte_global_p(old), false, 0))
		pmap_stats.inval_skipped++;
}

/*
 * The calling pmap operation must be complete when it returns (pmap(9)
 * lets only enter, remove, protect, kenter_pa and kremove defer): if this
 * CPU's batch holds work, the release of the pmap lock completes it, in one
 * shootdown, before the operation returns.  Earlier deferred work in the
 * batch completes with it.
 */
void
pmap_tlb_complete(void)
{
	struct tlb_batch *b = &pmap_cpus[pmap_cpu_self()].pc_batch;

	if (b->n > 0 || b->full || b->nfree > 0)
		b->urgent = true;
}

/*
 * pmap_fault found A (and D) already set for an access the entry allows:
 * either this CPU used a translation cached before another CPU's pmap_fault
 * set them (pmap_fault drops only its own CPU's), or the fault has a cause
 * the pmap cannot see (RISC-V: a supervisor access to a user page with
 * sstatus.SUM clear).  Retry once after dropping this CPU's translation:
 * the same page faulting again right after is the real fault.
 */
bool
pmap_tlb_spurious(vaddr_t va)
{
	struct pmap_cpu *pc = &pmap_cpus[pmap_cpu_self()];

	if (pc->pc_retried && pc->pc_retried_va == va) {
		pc->pc_retried = false;
		return false;
	}
	pc->pc_retried = true;
	pc->pc_retried_va = va;
	pmap_md_ops.tlb_invalidate(va);
	return true;
}

/*
 * This CPU switches away from `old`.  With ASIDs, invalidations queued for
 * it here but not yet completed (in any CPU's batch, until its next
 * pmap_update) would arrive when another tag is live, and tlb_invalidate
 * need only reach that one: forget old's tag here, so that nothing cached
 * under it is used again.
 */
void
pmap_tlb_leave(struct pmap *old)
{
	unsigned me = pmap_cpu_self();

	if (old == NULL || old->pm_is_kernel || (pmap_md_ops.caps & PMAP_CAP_ASID) == 0)
		return;
	for (unsigned c = 0; c < PMAP_MAXCPUS; c++)
		if (pmap_cpus[c].pc_batch.targets & (1u << me)) {
			pmap_md_ops.tlb_forget(old, me);
			pmap_stats.asid_forgets++;
			return;
		}
}

/* pmap_fault decided a fault on its own: a later one at the same page is new. */
void
pmap_tlb_fault_done(void)
{
	pmap_cpus[pmap_cpu_self()].pc_retried = false;
}

void
pmap_md_tlb_sync(struct pmap *pm, vaddr_t va, bool all, bool urgent)
{
	if (pmap_tlb_queue(pm, va, false, all, 1u << pmap_cpu_self()) && urgent)
		pmap_cpus[pmap_cpu_self()].pc_batch.urgent = true;
}

static void
pmap_tlb_defer(paddr_t pa, void *chunk)
{
	struct tlb_batch *b = &pmap_cpus[pmap_cpu_self()].pc_batch;

	if (b->nfree == PMAP_FREE_BATCH)
		pmap_tlb_flush_now();
	b->free[b->nfree].pa = pa;
	b->free[b->nfree].chunk = chunk;
	b->nfree++;
}

/* Free the page-table page at pa once no TLB holds anything that reaches it. */
void
pmap_tlb_free_ptp(paddr_t pa)
{
	pmap_tlb_defer(pa, NULL);
}

/* Free a pv chunk after the same point: a CPU may still walk it until then. */
void
pmap_tlb_free_chunk(void *chunk)
{
	pmap_tlb_defer(0, chunk);
}

/* ---- completing ---- */

static void
pmap_tlb_invalidate_local(unsigned n, bool full, bool global, const vaddr_t *va)
{
	if (full) {
		pmap_md_ops.tlb_flush(global);
	} else if (pmap_md_ops.tlb_invalidate_batch != NULL) {
		if (n > 0)
			pmap_md_ops.tlb_invalidate_batch(va, n);
	} else {
		for (unsigned i = 0; i < n; i++)
			pmap_md_ops.tlb_invalidate(va[i]);
	}
}

void
pmap_tlb_shootdown_poll(void)
{
	unsigned me = pmap_cpu_self();

	if (__atomic_load_n(&pmap_cpus[me].pc_requests, __ATOMIC_RELAXED) == 0)
		return;
	uint32_t from = __atomic_exchange_n(&pmap_cpus[me].pc_requests, 0, __ATOMIC_ACQUIRE);
	for (unsigned s = 0; from != 0; s++, from >>= 1) {
		if (!(from & 1u))
			continue;
		const struct tlb_batch *b = &pmap_cpus[s].pc_batch;	/* still until we answer */
		pmap_tlb_invalidate_local(b->n, b->full, b->global, b->va);
		__atomic_fetch_and(&pmap_cpus[s].pc_unserved, ~(1u << me), __ATOMIC_RELEASE);
	}
}

void
pmap_tlb_flush_now(void)
{
	unsigned me = pmap_cpu_self();
	struct tlb_batch *b = &pmap_cpus[me].pc_batch;
	uint32_t remote = b->targets & ~(1u << me) & pmap_kern_cpus_running();

	if (b->n > 0 || b->full) {
		if (remote != 0) {
			KASSERTMSG(pmap_lock_held() > 0,
			    "pmap_tlb_flush_now: CPU %u shoots down without the pmap lock", me);
			__atomic_store_n(&pmap_cpus[me].pc_unserved, remote, __ATOMIC_RELAXED);
			for (unsigned t = 0; t < PMAP_MAXCPUS; t++)	/* the batch is the request */
				if (remote & (1u << t))
					__atomic_fetch_or(&pmap_cpus[t].pc_requests, 1u << me,
					    __ATOMIC_RELEASE);
			pmap_kern_ipi(remote);
			pmap_stats.shootdowns++;
			pmap_stats.shootdown_cpus += (unsigned)__builtin_popcount(remote);
			if (b->full)
				pmap_stats.shootdown_full++;
			else
				pmap_stats.shootdown_pages += b->n;
		}
		if (b->targets & (1u << me)) {
			pmap_tlb_invalidate_local(b->n, b->full, b->global, b->va);
			if (b->full)
				pmap_stats.inval_full++;
			else
				pmap_stats.inval_pages += b->n;
		}
		while (__atomic_load_n(&pmap_cpus[me].pc_unserved, __ATOMIC_ACQUIRE) != 0)
			pmap_tlb_shootdown_poll();	/* targets answer from their IPI handler
							 * or spin loop; serve ours meanwhile */
	}
	for (unsigned i = 0; i < b->nfree; i++) {
		if (b->free[i].chunk != NULL) {
			pmap_kern_chunk_free(b->free[i].chunk);
			continue;
		}
		pmap_kern_page_free(b->free[i].pa);
		pmap_stats.ptp_frees++;
		pmap_stats.ptp_inuse--;
	}
	b->n = b->nfree = 0;
	b->targets = 0;
	b->full = b->global = b->urgent = false;
}

/*
 * pmap_update: complete every deferred invalidation and free of this CPU.
 * On return no CPU can use a translation that the changes before it removed
 * or restricted.
 */
void
pmap_update(struct pmap *pm)
{
	PMAP_LOCKED();
	struct tlb_batch *b = &pmap_cpus[pmap_cpu_self()].pc_batch;

	(void)pm;	/* one batch per CPU covers every pmap */
	if (b->n == 0 && !b->full && b->nfree == 0)
		return;
	pmap_stats.updates++;
	pmap_tlb_flush_now();
}
