/*
 * pmap_update batching: what is invalidated and when, page-table pages freed
 * only after the flush, and proof that the host TLB model is strict.
 */
#include "t.h"

#define UVA	0x40000000u
#define RW	(VM_PROT_READ | VM_PROT_WRITE)

void
t_destroy_returns_ptps(struct tctx *t)
{
	struct pmap_stats s0, s1, s2;
	unsigned long free0 = physmem_free_count();
	paddr_t pa = t_page(t);

	pmap_stats_get(&s0);
	struct pmap *pm = pmap_create();
	for (unsigned i = 0; i < 5; i++)
		T_EQ(t, pmap_enter(pm, UVA + i * 0x00400000u, pa, RW, 0), 0);
	pmap_stats_get(&s1);
	unsigned need = 1;				/* the root */
	for (int l = 1; l < pmap_backend_levels(); l++) {	/* distinct tables per level */
		vaddr_t span = pmap_table_span(l), last = 0;
		for (unsigned i = 0; i < 5; i++) {
			vaddr_t idx = (UVA + i * 0x00400000u) / span + 1;
			need += (idx != last);
			last = idx;
		}
	}
	T_EQ(t, s1.ptp_inuse - s0.ptp_inuse, need);
	pmap_remove(pm, UVA, UVA + 5 * 0x00400000u);
	pmap_update(pm);
	T_CHECK_PMAP(t, pm);
	pmap_destroy(pm);
	pmap_stats_get(&s2);
	T_EQ(t, s2.ptp_inuse, s0.ptp_inuse);
	T_EQ(t, s2.pmaps, s0.pmaps);
	T_EQ(t, physmem_free_count(), free0 - 1);	/* only the test page is out */
}

void
t_ptp_freed_after_flush(struct tctx *t)
{
	struct pmap *pm = t_pmap(t);
	paddr_t pa = t_page(t);
	struct pmap_stats s0, s1, s2;
	uint32_t v;

	pmap_activate(pm);
	T_EQ(t, pmap_enter(pm, UVA, pa, RW, 0), 0);
	pmap_update(pm);
	T_ASSERT(t, t_read(UVA, &v));
	pmap_stats_get(&s0);
	pmap_remove(pm, UVA, UVA + PAGE_SIZE);
	pmap_stats_get(&s1);
	T_EQ(t, s1.ptp_frees, s0.ptp_frees);		/* unhooked, not yet freed */
	T_EQ(t, s1.ptp_inuse, s0.ptp_inuse);
	pmap_update(pm);
	pmap_stats_get(&s2);
	unsigned tables = t_tables_for(UVA, UVA + PAGE_SIZE);	/* every level below the root */
	T_EQ(t, s2.ptp_frees, s0.ptp_frees + tables);
	T_EQ(t, s2.ptp_inuse, s0.ptp_inuse - tables);
	T_ASSERT(t, !t_read(UVA, &v));
}

/*
 * Invalidations: none for a never-accessed or inactive mapping, one per page
 * up to CONFIG_PMAP_TLB_CEILING, one full flush beyond it.
 */
void
t_update_batching(struct tctx *t)
{
	struct pmap *pm = t_pmap(t), *idle = t_pmap(t);
	paddr_t pa = t_page(t);
	struct pmap_stats s0, s1;
	const unsigned n = CONFIG_PMAP_TLB_CEILING + 8;
	uint32_t v;

	pmap_activate(pm);
	for (unsigned i = 0; i < n; i++) {
		T_EQ(t, pmap_enter(pm, UVA + i * PAGE_SIZE, pa, RW, 0), 0);
		T_EQ(t, pmap_enter(idle, UVA + i * PAGE_SIZE, pa, RW, 0), 0);
	}
	pmap_update(pm);
	pmap_stats_get(&s0);
	pmap_remove(pm, UVA, UVA + 4 * PAGE_SIZE);	/* never accessed */
	pmap_remove(idle, UVA, UVA + n * PAGE_SIZE);	/* not live on this CPU */
	pmap_update(pm);
	pmap_stats_get(&s1);
	T_EQ(t, s1.inval_skipped - s0.inval_skipped, 4 + n);
	T_EQ(t, s1.inval_pages, s0.inval_pages);
	T_EQ(t, s1.inval_full, s0.inval_full);

	for (unsigned i = 4; i < 6; i++)
		T_ASSERT(t, t_read(UVA + i * PAGE_SIZE, &v));
	pmap_stats_get(&s0);
	pmap_remove(pm, UVA + 4 * PAGE_SIZE, UVA + 6 * PAGE_SIZE);
	pmap_update(pm);
	pmap_stats_get(&s1);
	T_EQ(t, s1.inval_pages - s0.inval_pages, 2);
	T_EQ(t, s1.updates - s0.updates, 1);

	for (unsigned i = 6; i < n; i++)
		T_ASSERT(t, t_read(UVA + i * PAGE_SIZE, &v));
	pmap_stats_get(&s0);
	pmap_protect(pm, UVA, UVA + n * PAGE_SIZE, VM_PROT_READ);
	pmap_update(pm);
	pmap_stats_get(&s1);
	if (n - 6 > CONFIG_PMAP_TLB_CEILING) {
		T_EQ(t, s1.inval_full - s0.inval_full, 1);
		T_EQ(t, s1.inval_pages, s0.inval_pages);
	} else {
		T_EQ(t, s1.inval_pages - s0.inval_pages, n - 6);
	}
	for (unsigned i = 6; i < n; i++)
		T_ASSERT(t, !t_write(UVA + i * PAGE_SIZE, 1), "page %u still writable", i);
	pmap_update(pm);				/* nothing pending: no work */
	pmap_stats_get(&s0);
	T_EQ(t, s0.updates, s1.updates);
}

/*
 * The host model keeps translations until they are invalidated, so a
 * dropped invalidation is seen every time: here the write through the stale
 * entry succeeds although the PTE is read-only.  QEMU may or may not keep
 * the entry, so the guest only reports what it saw.
 */
void
t_tlb_model_catches_missing_invalidation(struct tctx *t)
{
	struct pmap *pm = t_pmap(t);
	paddr_t pa = t_page(t);

	pmap_activate(pm);
	T_EQ(t, pmap_enter(pm, UVA, pa, RW, 0), 0);
	pmap_update(pm);
	T_ASSERT(t, t_write(UVA, 1));			/* cached writable and dirty */
	__atomic_store_n(&pmap_tlb_debug_drop, 1, __ATOMIC_RELAXED);
	pmap_protect(pm, UVA, UVA + PAGE_SIZE, VM_PROT_READ);
	pmap_update(pm);
	T_EQ(t, __atomic_load_n(&pmap_tlb_debug_drop, __ATOMIC_RELAXED), 0);
	bool stale = t_write(UVA, 2);
	kprintf("# write after a dropped invalidation: %s\n",
	    stale ? "went through the stale TLB entry" : "faulted");
	if (t_host_model())
		T_ASSERT(t, stale && t_phys_read(pa, 0) == 2,
		    "the strict TLB model did not keep the stale translation");
	/* With the invalidation the write faults everywhere. */
	pmap_enter(pm, UVA, pa, RW, 0);
	pmap_protect(pm, UVA, UVA + PAGE_SIZE, VM_PROT_READ);
	pmap_update(pm);
	T_ASSERT(t, !t_write(UVA, 3));
	if (!t_host_model())
		t->skip = "stale-entry detection needs the strict host TLB model";
}

/*
 * More accessed global (kernel) translations than the ceiling in one batch:
 * pmap_update must flush global entries too (CR4.PGE toggle on x86).
 */
void
t_global_full_flush(struct tctx *t)
{
	const unsigned n = CONFIG_PMAP_TLB_CEILING + 8;
	vaddr_t va = t_kva(t, n);
	paddr_t pa = t_page(t);
	struct pmap *pm = t_pmap(t);
	struct pmap_stats s0, s1;
	uint32_t v;

	for (unsigned i = 0; i < n; i++)
		pmap_kenter_pa(va + i * PAGE_SIZE, pa, VM_PROT_READ | VM_PROT_WRITE, 0);
	pmap_update(pmap_kernel());
	pmap_activate(pm);			/* global entries survive the switch */
	for (unsigned i = 0; i < n; i++)
		T_ASSERT(t, t_read(va + i * PAGE_SIZE, &v));
	pmap_stats_get(&s0);
	pmap_kremove(va, n * PAGE_SIZE);
	pmap_update(pmap_kernel());
	pmap_stats_get(&s1);
	T_EQ(t, s1.inval_full - s0.inval_full, 1);
	for (unsigned i = 0; i < n; i++)
		T_ASSERT(t, !t_read(va + i * PAGE_SIZE, &v), "kernel page %u readable after "
		    "kremove and a full flush", i);
	T_CHECK_PMAP(t, pmap_kernel());
}

/*
 * Many address spaces in turn, each mapping its own page at the same VA:
 * every read must see its own page.  With ASIDs (sv32: 511 of them, amd64
 * PCIDs: 4095) this runs on through a generation rollover, and 100 spaces
 * past it; a reused ASID with stale translations left would read another
 * space's page in the strict host TLB.
 */
void
t_asid_rollover(struct tctx *t)
{
	const unsigned max_rounds = 70000;
	unsigned rounds = 600;
	paddr_t pa[3] = { t_page(t), t_page(t), t_page(t) };	/* 3: an ASID aliasing with */
	struct pmap_stats s0, s1;				/* a power-of-two period */
	uint32_t v;						/* reads another page */

	for (unsigned i = 0; i < 3; i++)
		t_phys_write(pa[i], 0, 0xa0 + i);
	pmap_stats_get(&s0);
	for (unsigned i = 0; i < rounds; i++) {
		if (i == rounds - 1 && (pmap_backend_caps() & PMAP_CAP_ASID) && rounds < max_rounds) {
			pmap_stats_get(&s1);	/* no rollover yet: 100 more */
			if (s1.asid_rollovers == s0.asid_rollovers)
				rounds = i + 101 < max_rounds ? i + 101 : max_rounds;
		}
		struct pmap *pm = pmap_create();
		T_EQ(t, pmap_enter(pm, UVA, pa[i % 3], VM_PROT_READ, 0), 0);
		pmap_activate(pm);
		T_ASSERT(t, t_read(UVA, &v) && v == 0xa0u + i % 3, "round %u read %#x", i, v);
		pmap_activate(pmap_kernel());
		pmap_remove(pm, UVA, UVA + PAGE_SIZE);
		pmap_update(pm);
		pmap_destroy(pm);
	}
	pmap_stats_get(&s1);
	kprintf("# %u address spaces in turn: %lu ASID rollovers, %lu invalidations issued\n",
	    rounds, s1.asid_rollovers - s0.asid_rollovers, s1.inval_pages - s0.inval_pages);
	if (pmap_backend_caps() & PMAP_CAP_ASID)
		T_ASSERT(t, s1.asid_rollovers > s0.asid_rollovers, "no ASID rollover in %u spaces",
		    rounds);
}

/*
 * Many address spaces alive at once, each mapping one of three pages at the
 * same VA, activated in turn, twice: every read must see its own page.
 * Unlike t_asid_rollover nothing is freed in between (on RISC-V a freed
 * table flushes the whole TLB), so two spaces whose tags the MMU would
 * alias (a tag wider than the ASID bits the hart keeps) read each other's
 * page in the strict host TLB.
 */
void
t_asid_live_spaces(struct tctx *t)
{
	enum { N = 300 };
	static struct pmap *pm[N];
	paddr_t pa[3] = { t_page(t), t_page(t), t_page(t) };
	uint32_t v;

	for (unsigned i = 0; i < 3; i++)
		t_phys_write(pa[i], 0, 0xb0 + i);
	for (unsigned i = 0; i < N; i++) {
		pm[i] = pmap_create();
		T_EQ(t, pmap_enter(pm[i], UVA, pa[i % 3], VM_PROT_READ, 0), 0);
	}
	for (unsigned round = 0; round < 2 && !t->failed; round++)
		for (unsigned i = 0; i < N && !t->failed; i++) {
			pmap_activate(pm[i]);
			T_ASSERT(t, t_read(UVA, &v) && v == 0xb0u + i % 3,
			    "space %u of %u (round %u) read %#x", i, N, round, v);
		}
	pmap_activate(pmap_kernel());
	for (unsigned i = 0; i < N; i++) {
		pmap_remove(pm[i], UVA, UVA + PAGE_SIZE);
		pmap_update(pm[i]);
		pmap_destroy(pm[i]);
	}
}
