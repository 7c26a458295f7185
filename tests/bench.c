/*
 * make bench.  On the host build: ns per operation for pmap_enter,
 * pmap_remove, pmap_protect and pmap_extract, single pages and 4096-page
 * ranges of distinct pages.  Host times include the MMU model: every
 * page-table access through PTmap or a window is a model translation.  On every build: pv bytes per mapping and page-table pages per
 * 1000 mappings (the guest's are the 32-bit numbers), and invalidation
 * counts.  Numbers only; nothing here passes or fails on time.
 */
#include "t.h"
#include "bench.h"

#define B_VA	0x10000000u
#define B_N	4096u
#define RW	(VM_PROT_READ | VM_PROT_WRITE)

static uint64_t b_t0;
static struct pmap_stats b_s0;

static void
b_start(void)
{
	pmap_stats_get(&b_s0);
	b_t0 = plat_nsec();
}

/* Time per op where there is a clock; always the work the phase caused. */
static void
b_report(const char *what, unsigned long ops)
{
	uint64_t dt = plat_nsec() - b_t0;
	struct pmap_stats s;

	pmap_stats_get(&s);
	if (b_t0 == 0)
		kprintf("# bench %-36s (no clock under TCG)", what);
	else
		kprintf("# bench %-36s %6llu.%01llu ns/op", what,
		    (unsigned long long)(dt / ops), (unsigned long long)(dt * 10 / ops % 10));
	kprintf(" | %lu ops: %lu invlpg, %lu full flushes, %lu skipped, %lu PTPs freed\n",
	    ops, s.inval_pages - b_s0.inval_pages, s.inval_full - b_s0.inval_full,
	    s.inval_skipped - b_s0.inval_skipped, s.ptp_frees - b_s0.ptp_frees);
}

static void
b_times(struct pmap *pm, paddr_t *pa)
{
	const unsigned rounds = 16;

	b_start();
	for (unsigned r = 0; r < rounds; r++) {
		for (unsigned i = 0; i < B_N; i++)
			pmap_enter(pm, B_VA + i * PAGE_SIZE, pa[i], RW, 0);
		pmap_remove(pm, B_VA, B_VA + B_N * PAGE_SIZE);
		pmap_update(pm);
	}
	b_report("enter 1 page + remove 4096-page range", rounds * B_N);

	for (unsigned i = 0; i < B_N; i++)
		pmap_enter(pm, B_VA + i * PAGE_SIZE, pa[i], RW, 0);
	b_start();
	paddr_t got;
	unsigned long hits = 0;
	for (unsigned r = 0; r < rounds; r++)
		for (unsigned i = 0; i < B_N; i++)
			hits += pmap_extract(pm, B_VA + i * PAGE_SIZE + 8, &got);
	b_report("extract 1 page", rounds * B_N);

	b_start();
	for (unsigned i = 0; i < B_N; i++)
		pmap_protect(pm, B_VA + i * PAGE_SIZE, B_VA + (i + 1) * PAGE_SIZE, VM_PROT_READ);
	pmap_update(pm);
	b_report("protect 1 page (read-only)", B_N);

	b_start();
	for (unsigned r = 0; r < rounds; r++) {
		pmap_protect(pm, B_VA, B_VA + B_N * PAGE_SIZE, VM_PROT_READ);
		pmap_update(pm);
	}
	b_report("protect 4096-page range, per range", rounds);

	b_start();
	for (unsigned i = 0; i < B_N; i++)
		pmap_remove(pm, B_VA + i * PAGE_SIZE, B_VA + (i + 1) * PAGE_SIZE);
	pmap_update(pm);
	b_report("remove 1 page", B_N);

	b_start();
	for (unsigned i = 0; i < B_N; i++)
		pmap_enter(pm, B_VA + i * PAGE_SIZE, pa[i], RW, 0);
	b_report("enter 1 page (tables present)", B_N);
	b_start();
	pmap_remove(pm, B_VA, B_VA + B_N * PAGE_SIZE);
	pmap_update(pm);
	b_report("remove 4096-page range, per range", 1);
	/* The same after reading every page once, so translations are cached. */
	for (unsigned i = 0; i < B_N; i++) {
		pmap_enter(pm, B_VA + i * PAGE_SIZE, pa[i], RW, 0);
		t_read(B_VA + i * PAGE_SIZE, NULL);
	}
	b_start();
	for (unsigned i = 0; i < B_N / 2; i++) {
		pmap_remove(pm, B_VA + i * PAGE_SIZE, B_VA + (i + 1) * PAGE_SIZE);
		pmap_update(pm);
	}
	b_report("remove 1 touched page + update", B_N / 2);
	b_start();
	pmap_remove(pm, B_VA + B_N / 2 * PAGE_SIZE, B_VA + B_N * PAGE_SIZE);
	pmap_update(pm);
	b_report("remove 2048 touched pages, per range", 1);
	if (hits != rounds * B_N)
		kprintf("# bench: extract missed %lu times\n", rounds * B_N - hits);
}

#define B_NPG	1000u

/*
 * pv bytes per mapping and page tables per 1000 mappings: 1000 distinct pages
 * mapped once, densely (pm), then each mapped a second time one leaf table apart (pm2).
 */
static void
b_memory(struct pmap *pm, struct pmap *pm2)
{
	static paddr_t pg[B_NPG];
	struct pmap_stats s0, s1, s2;
	unsigned esize, per;

	for (unsigned i = 0; i < B_NPG; i++)
		if (physmem_alloc(&pg[i]) != 0)
			kpanic("b_memory: no page");
	pmap_pv_geometry(&esize, &per);
	pmap_stats_get(&s0);
	for (unsigned i = 0; i < B_NPG; i++)
		pmap_enter(pm, B_VA + i * PAGE_SIZE, pg[i], RW, 0);
	pmap_stats_get(&s1);
	for (unsigned i = 0; i < B_NPG; i++)
		pmap_enter(pm2, (i * t_leaf_span()) % VM_MAXUSER_ADDRESS +
		    (i / (VM_MAXUSER_ADDRESS / t_leaf_span())) * PAGE_SIZE, pg[i], RW, 0);
	pmap_stats_get(&s2);
	unsigned long b1 = (s1.pv_chunks - s0.pv_chunks) * PAGE_SIZE;
	unsigned long b2 = (s2.pv_chunks - s1.pv_chunks) * PAGE_SIZE;
	kprintf("# bench memory (%u-bit build):\n", (unsigned)sizeof(void *) * 8);
	kprintf("# bench   pv bytes per mapping, pages mapped once:       %lu.%02lu\n",
	    b1 / B_NPG, b1 * 100 / B_NPG % 100);
	kprintf("# bench   pv bytes per mapping, second mapping of each:  %lu.%02lu "
	    "(entry %u bytes, %u per chunk)\n", b2 / B_NPG, b2 * 100 / B_NPG % 100, esize, per);
	kprintf("# bench   page-table pages per 1000 dense mappings:      %lu\n",
	    s1.ptp_inuse - s0.ptp_inuse);
	kprintf("# bench   page-table pages per 1000 sparse mappings:     %lu "
	    "(one mapping per leaf table while the user space lasts)\n",
	    s2.ptp_inuse - s1.ptp_inuse);
	pmap_remove_all(pm);
	pmap_remove_all(pm2);
	pmap_update(pm);
	for (unsigned i = 0; i < B_NPG; i++)
		physmem_free(pg[i]);
}

/* ---- shootdowns ---- */

#define B_SCATTER	1000u
#define B_STRIDE	0x11000u	/* scattered: a page every 68 KiB */

static void
b_activate_fn(void *pm)
{
	pmap_activate(pm);
}

/* pm live on every CPU, 1000 scattered pages mapped and touched. */
static struct pmap *
b_scatter_setup(const paddr_t *pa)
{
	struct pmap *pm = pmap_create();
	struct probe_result r;

	for (unsigned c = 0; c < kern_ncpus(); c++)
		kern_xcall(c, b_activate_fn, pm);
	for (unsigned i = 0; i < B_SCATTER; i++)
		if (pmap_enter(pm, B_VA + i * B_STRIDE, pa[i], RW, PMAP_CANFAIL) != 0)
			kpanic("bench: pmap_enter failed");
	pmap_update(pm);
	for (unsigned i = 0; i < B_SCATTER; i++)
		plat_probe(B_VA + i * B_STRIDE, PROBE_READ, false, 0, &r);
	return pm;
}

static void
b_scatter_done(struct pmap *pm)
{
	for (unsigned c = 0; c < kern_ncpus(); c++)
		kern_xcall(c, b_activate_fn, pmap_kernel());
	pmap_destroy(pm);
}

static void
b_shoot_report(const char *what, const struct pmap_stats *a, const struct pmap_stats *b)
{
	unsigned others = kern_ncpus() - 1;

	kprintf("# bench   %-34s %5lu shootdowns, %5lu IPIs (%lu pages, %lu full) per 1000 "
	    "pages; one IPI per page: %u shootdowns, %u IPIs\n", what,
	    b->shootdowns - a->shootdowns, b->shootdown_cpus - a->shootdown_cpus,
	    b->shootdown_pages - a->shootdown_pages, b->shootdown_full - a->shootdown_full,
	    others ? B_SCATTER : 0, B_SCATTER * others);
}

static void
b_shootdowns(const paddr_t *pa)
{
	static const unsigned every[] = { B_SCATTER, 16, 1 };
	struct pmap_stats a, b;
	struct pmap *pm;

	kprintf("# bench shootdowns: %u CPUs, the pmap live on all, %u scattered touched pages, "
	    "ceiling %u:\n", kern_ncpus(), B_SCATTER, (unsigned)CONFIG_PMAP_TLB_CEILING);
	for (unsigned k = 0; k < sizeof(every) / sizeof(every[0]); k++) {
		char what[64];
		pm = b_scatter_setup(pa);
		pmap_stats_get(&a);
		for (unsigned i = 0; i < B_SCATTER; i++) {
			pmap_remove(pm, B_VA + i * B_STRIDE, B_VA + i * B_STRIDE + PAGE_SIZE);
			if ((i + 1) % every[k] == 0)
				pmap_update(pm);
		}
		pmap_update(pm);
		pmap_stats_get(&b);
		ksnprintf(what, sizeof(what), "single-page removes, update every %u:", every[k]);
		b_shoot_report(what, &a, &b);
		b_scatter_done(pm);
	}
	/* Process exit: everything at once (remove_all), then the teardown. */
	pm = b_scatter_setup(pa);
	pmap_stats_get(&a);
	pmap_remove_all(pm);
	pmap_update(pm);
	pmap_stats_get(&b);
	b_shoot_report("exit: pmap_remove_all + update:", &a, &b);
	b_scatter_done(pm);
	pm = b_scatter_setup(pa);
	pmap_stats_get(&a);
	pmap_remove(pm, VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS);
	pmap_update(pm);
	pmap_stats_get(&b);
	b_shoot_report("exit: pmap_remove of all + update:", &a, &b);
	b_scatter_done(pm);
}

void
bench_run(void)
{
	struct pmap *pm = pmap_create(), *pm2 = pmap_create();
	static paddr_t pa[B_N];

	kprintf("KTAP version 1\n1..0\n# bench: backend %s\n", PMAP_MD_NAME);
	for (unsigned i = 0; i < B_N; i++)
		if (physmem_alloc(&pa[i]) != 0)
			kpanic("bench_run: no page");
	b_memory(pm, pm2);
	b_shootdowns(pa);
	pmap_activate(pm);
	b_times(pm, pa);
	pmap_activate(pmap_kernel());
	pmap_stats_dump(kprintf);
	pmap_destroy(pm);
	pmap_destroy(pm2);
	for (unsigned i = 0; i < B_N; i++)
		physmem_free(pa[i]);
}
