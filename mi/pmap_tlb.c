/*
 * pmap_update batching and TLB shootdown.
 *
 * Each pmap gathers, in its own batch (pm_batch, under its lock), the VAs
 * whose translations its changes may have left cached, and the set of CPUs
 * that may cache them: the CPUs where the pmap is live (every running CPU
 * for the kernel pmap).  pmap_update(pm) completes pm's batch, from
 * whichever CPU it runs on: one shootdown request to the other target CPUs
 * (one IPI each), the local invalidations, a wait until every target has
 * acknowledged, and only then the page-table pages and pv chunks the batch
 * unhooked go back to the kernel (unhook, invalidate, free: the mmu_gather
 * order).  A batch per pmap rather than per CPU: a thread that is
 * preempted and moves to another CPU between pmap_remove and pmap_update
 * still completes its work, and the batch is state its pmap's lock already
 * covers.  Past CONFIG_PMAP_TLB_CEILING pages the request is a full flush
 * (Linux uses 33, NetBSD 16); a global translation in the batch makes it
 * flush global entries too.
 *
 * pmap_page_protect, pmap_clear_modify, pmap_clear_reference and pmap_copy
 * may not leave work for pmap_update (pmap(9)): they mark the batches they
 * touched urgent (pmap_tlb_complete), and the release of each pmap's lock
 * completes its batch.
 *
 * A request is dropped where no stale entry can exist: the old entry was
 * invalid or never accessed (pte_tlb_cached_p), or the pmap is live on no
 * CPU and the MMU has no ASIDs.  With ASIDs a CPU where the pmap is not
 * live is not interrupted: the backend forgets the pmap's ASID there
 * (tlb_forget), so its next activation on that CPU starts with a fresh one.
 * pm_cpus changes only under pm's lock (pmap_activate), so the set read
 * here is exact while the batch fills.
 *
 * Requests: no global mailbox.  A sender's request is the batch it
 * completes, left untouched (its pmap's lock held) until every target has
 * served it; the sender publishes it in its pc_sending, sets its bit in
 * each target's pc_requests and waits for its pc_unserved to empty,
 * serving the requests sent to it meanwhile, so that any number of CPUs
 * may shoot at once, at each other too, without waiting on each other.
 */
#include "pmap_int.h"

struct pmap_cpu {
	struct pmap	*pc_curpmap;	/* user pmap live here, or NULL */
	const struct pmap_tlb_batch *pc_sending;	/* the request this CPU is sending */
	uint32_t	 pc_requests;	/* senders whose batch this CPU has still to serve */
	uint32_t	 pc_unserved;	/* targets that have not served this CPU's request yet */
	vaddr_t		 pc_retried_va;	/* pmap_fault: last spurious fault retried */
	bool		 pc_retried;
} __attribute__((aligned(64)));
static struct pmap_cpu pmap_cpus[PMAP_MAXCPUS];

/*
 * Test hook: drop this many invalidation requests, as if the call were
 * missing.  Only the test that proves the host TLB model strict sets it.
 */
unsigned pmap_tlb_debug_drop;

struct pmap **
pmap_curpmap_ptr(void)
{
	return &pmap_cpus[pmap_cpu_self()].pc_curpmap;
}

/* ---- queueing ---- */

/*
 * The CPUs that may cache pm's translations and must be shot down.  With
 * ASIDs, the CPUs where pm is not live, this one included, forget its ASID
 * instead: tlb_invalidate need only reach the live tag (PORTING.md), so a
 * local invalidation cannot stand in for pm's.
 */
uint32_t
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
			PMAP_STAT_INC(asid_forgets);
		}
	return live;
}

/* Queue va (all: a full flush) for pm's target CPUs but `except`; false if there are none. */
static bool
pmap_tlb_queue(struct pmap *pm, vaddr_t va, bool global, bool all, uint32_t except)
{
	uint32_t targets = pmap_tlb_targets(pm) & ~except;

	if (targets == 0)
		return false;
	pmap_tlb_batch_add(pm, targets, va, global, all);
	return true;
}

/* The test hook: true (and one fewer to drop) if this request is to be dropped. */
bool
pmap_tlb_drop_one(void)
{
	unsigned drop = __atomic_load_n(&pmap_tlb_debug_drop, __ATOMIC_RELAXED);

	while (drop > 0)
		if (__atomic_compare_exchange_n(&pmap_tlb_debug_drop, &drop, drop - 1, true,
		    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return true;
	return false;
}

void
pmap_tlb_run_end(struct pmap_tlb_run *r, enum pmap_inval_reason why, unsigned requested)
{
	pmap_tlb_run_end_on(r, why, requested, pmap_cpu_self());
}

/* The entry `old` for va in pm was changed; queue its invalidation if needed. */
void
pmap_tlb_inval(struct pmap *pm, vaddr_t va, pt_entry_t old, enum pmap_inval_reason why)
{
	pmap_tlb_inval_on(pm, pmap_cpu_self(), va, old, why);
}

/*
 * The calling pmap operation must be complete when it returns (pmap(9)
 * lets only enter, remove, protect, kenter_pa and kremove defer): if pm's
 * batch holds work, the release of pm's lock completes it, in one
 * shootdown, before the operation returns.  Earlier deferred work in the
 * batch completes with it.
 */
void
pmap_tlb_complete(struct pmap *pm)
{
	struct pmap_tlb_batch *b = &pm->pm_batch;

	if (b->n > 0 || b->full || b->nptps > 0 || b->nchunks > 0)
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
 * This CPU switches away from `old` (old's lock held).  With ASIDs,
 * invalidations queued for it with this CPU among the targets but not yet
 * completed (until old's next pmap_update) would arrive when another tag
 * is live, and tlb_invalidate need only reach that one: forget old's tag
 * here, so that nothing cached under it is used again.
 */
void
pmap_tlb_leave(struct pmap *old)
{
	unsigned me = pmap_cpu_self();

	if (old == NULL || old->pm_is_kernel || (pmap_md_ops.caps & PMAP_CAP_ASID) == 0)
		return;
	if (old->pm_batch.targets & (1u << me)) {
		pmap_md_ops.tlb_forget(old, me);
		PMAP_STAT_INC(asid_forgets);
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
		pm->pm_batch.urgent = true;
}

/* Free the page-table page at pa once no TLB holds anything that reaches it. */
void
pmap_tlb_free_ptp(struct pmap *pm, paddr_t pa)
{
	struct pmap_tlb_batch *b = &pm->pm_batch;

	if (b->nptps == PMAP_FREE_PTPS)
		pmap_tlb_flush_now(pm);
	b->ptps[b->nptps++] = pa;
}

/* Free a pv chunk after the same point (its pmap's batch completes). */
void
pmap_tlb_free_chunk(struct pmap *pm, void *chunk)
{
	struct pmap_tlb_batch *b = &pm->pm_batch;

	if (b->nchunks == PMAP_FREE_CHUNKS)
		pmap_tlb_flush_now(pm);
	b->chunks[b->nchunks++] = chunk;
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
	PMAP_PINNED();		/* this CPU's requests, served on this CPU */
	unsigned me = pmap_cpu_self();

	if (__atomic_load_n(&pmap_cpus[me].pc_requests, __ATOMIC_RELAXED) == 0)
		return;
	uint32_t from = __atomic_exchange_n(&pmap_cpus[me].pc_requests, 0, __ATOMIC_ACQUIRE);
	for (unsigned s = 0; from != 0; s++, from >>= 1) {
		if (!(from & 1u))
			continue;
		/* Still until we answer: its sender holds the batch's pmap lock. */
		const struct pmap_tlb_batch *b = __atomic_load_n(&pmap_cpus[s].pc_sending,
		    __ATOMIC_RELAXED);
		pmap_tlb_invalidate_local(b->n, b->full, b->global, b->va);
		__atomic_fetch_and(&pmap_cpus[s].pc_unserved, ~(1u << me), __ATOMIC_RELEASE);
	}
}

/* Complete pm's batch: shoot down, invalidate here, wait, then free (pm locked). */
void
pmap_tlb_flush_now(struct pmap *pm)
{
	unsigned me = pmap_cpu_self();
	struct pmap_tlb_batch *b = &pm->pm_batch;
	uint32_t remote = b->targets & ~(1u << me) & pmap_kern_cpus_running();

	KASSERTMSG(pmap_locked(pm), "pmap_tlb_flush_now: CPU %u completes the batch of pmap "
	    "%p without its lock", me, (void *)pm);
	if (b->n > 0 || b->full) {
		if (remote != 0) {
			struct pmap_cpu *pc = &pmap_cpus[me];
			__atomic_store_n(&pc->pc_sending, b, __ATOMIC_RELAXED);
			__atomic_store_n(&pc->pc_unserved, remote, __ATOMIC_RELAXED);
			for (unsigned t = 0; t < PMAP_MAXCPUS; t++)	/* the batch is the request */
				if (remote & (1u << t))
					__atomic_fetch_or(&pmap_cpus[t].pc_requests, 1u << me,
					    __ATOMIC_RELEASE);
			pmap_kern_ipi(remote);
			PMAP_STAT_INC(shootdowns);
			PMAP_STAT_ADD(shootdown_cpus, __builtin_popcount(remote));
			if (b->full)
				PMAP_STAT_INC(shootdown_full);
			else
				PMAP_STAT_ADD(shootdown_pages, b->n);
		}
		if (b->targets & (1u << me)) {
			pmap_tlb_invalidate_local(b->n, b->full, b->global, b->va);
			if (b->full)
				PMAP_STAT_INC(inval_full);
			else
				PMAP_STAT_ADD(inval_pages, b->n);
		}
		while (__atomic_load_n(&pmap_cpus[me].pc_unserved, __ATOMIC_ACQUIRE) != 0) {
			pmap_tlb_shootdown_poll();	/* targets answer from their IPI handler
							 * or spin loop; serve ours meanwhile */
			pmap_kern_cpu_relax();
		}
	}
	for (unsigned i = 0; i < b->nchunks; i++)
		pmap_kern_chunk_free(b->chunks[i]);
	for (unsigned i = 0; i < b->nptps; i++) {
		pmap_kern_page_free(b->ptps[i]);
		PMAP_STAT_INC(ptp_frees);
		pmap_stat_ptp_inuse(-1);
	}
	b->n = b->nptps = b->nchunks = 0;
	b->targets = 0;
	b->full = b->global = b->urgent = false;
}

/*
 * pmap_update: complete pm's deferred invalidations and frees.  On return
 * no CPU can use a translation that pm's changes before it removed or
 * restricted.
 */
void
pmap_update(struct pmap *pm)
{
	PMAP_LOCKED(pm);
	struct pmap_tlb_batch *b = &pm->pm_batch;

	if (b->n == 0 && !b->full && b->nptps == 0 && b->nchunks == 0)
		return;
	PMAP_STAT_INC(updates);
	pmap_tlb_flush_now(pm);
}
