/*
 * make bench.  On the host build: ns per operation for pmap_enter,
 * pmap_remove, pmap_protect and pmap_extract, single pages and 4096-page
 * ranges of distinct pages.  Host times include the MMU model: every
 * page-table access through PTmap or a window is a model translation.  On every build: pv bytes per mapping and page-table pages per
 * 1000 mappings (the guest's are the 32-bit numbers), and invalidation
 * counts.  Numbers only; nothing here passes or fails on time.
 *
 * The output is three tables of KTAP comment lines no wider than 80
 * columns; scripts/bench-plot.py reads the timing table's rows (the
 * operation names are its keys: keep them, and their width, stable).
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

/*
 * One row of the timing table: time per op where there is a clock ("-"
 * under TCG), and the work the phase caused.  what is at most 28 columns.
 */
static void
b_report(const char *what, unsigned long ops)
{
	uint64_t dt = plat_nsec() - b_t0;
	struct pmap_stats s;
	char ns[24];

	pmap_stats_get(&s);
	if (b_t0 == 0)
		ksnprintf(ns, sizeof(ns), "-");
	else
		ksnprintf(ns, sizeof(ns), "%llu.%01llu", (unsigned long long)(dt / ops),
		    (unsigned long long)(dt * 10 / ops % 10));
	kprintf("# %-28s %9s %6lu %6lu %5lu %7lu %5lu\n", what, ns, ops,
	    s.inval_pages - b_s0.inval_pages, s.inval_full - b_s0.inval_full,
	    s.inval_skipped - b_s0.inval_skipped, s.ptp_frees - b_s0.ptp_frees);
}

static void
b_times(struct pmap *pm, paddr_t *pa)
{
	const unsigned rounds = 16;

	kprintf("#\n# Time per operation (user pmap, distinct pages; range = %u pages);\n"
	    "#   invlpg/full: TLB invalidations issued; skipped: not needed (never\n"
	    "#   touched); freed: page-table pages freed\n", B_N);
	kprintf("# %-28s %9s %6s %6s %5s %7s %5s\n", "operation", "ns/op", "ops", "invlpg",
	    "full", "skipped", "freed");
	b_start();
	for (unsigned r = 0; r < rounds; r++) {
		for (unsigned i = 0; i < B_N; i++)
			pmap_enter(pm, B_VA + i * PAGE_SIZE, pa[i], RW, 0);
		pmap_remove(pm, B_VA, B_VA + B_N * PAGE_SIZE);
		pmap_update(pm);
	}
	b_report("enter + remove range", rounds * B_N);

	for (unsigned i = 0; i < B_N; i++)
		pmap_enter(pm, B_VA + i * PAGE_SIZE, pa[i], RW, 0);
	b_start();
	paddr_t got;
	unsigned long hits = 0;
	for (unsigned r = 0; r < rounds; r++)
		for (unsigned i = 0; i < B_N; i++)
			hits += pmap_extract(pm, B_VA + i * PAGE_SIZE + 8, &got);
	b_report("extract", rounds * B_N);

	b_start();
	for (unsigned i = 0; i < B_N; i++)
		pmap_protect(pm, B_VA + i * PAGE_SIZE, B_VA + (i + 1) * PAGE_SIZE, VM_PROT_READ);
	pmap_update(pm);
	b_report("protect 1 page", B_N);

	b_start();
	for (unsigned r = 0; r < rounds; r++) {
		pmap_protect(pm, B_VA, B_VA + B_N * PAGE_SIZE, VM_PROT_READ);
		pmap_update(pm);
	}
	b_report("protect range (per range)", rounds);

	b_start();
	for (unsigned i = 0; i < B_N; i++)
		pmap_remove(pm, B_VA + i * PAGE_SIZE, B_VA + (i + 1) * PAGE_SIZE);
	pmap_update(pm);
	b_report("remove 1 page", B_N);

	b_start();
	for (unsigned i = 0; i < B_N; i++)
		pmap_enter(pm, B_VA + i * PAGE_SIZE, pa[i], RW, 0);
	b_report("enter (tables present)", B_N);
	b_start();
	pmap_remove(pm, B_VA, B_VA + B_N * PAGE_SIZE);
	pmap_update(pm);
	b_report("remove range (per range)", 1);
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
	b_report("remove touched + update", B_N / 2);
	b_start();
	pmap_remove(pm, B_VA + B_N / 2 * PAGE_SIZE, B_VA + B_N * PAGE_SIZE);
	pmap_update(pm);
	b_report("remove touched half-range", 1);
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
	kprintf("#\n# Memory (%u-bit build; pv entry %u bytes, %u per chunk)\n",
	    (unsigned)sizeof(void *) * 8, esize, per);
	kprintf("#   pv bytes per mapping, pages mapped once       %6lu.%02lu\n",
	    b1 / B_NPG, b1 * 100 / B_NPG % 100);
	kprintf("#   pv bytes per mapping, second mapping of each  %6lu.%02lu\n",
	    b2 / B_NPG, b2 * 100 / B_NPG % 100);
	kprintf("#   page-table pages per 1000 dense mappings      %6lu\n",
	    s1.ptp_inuse - s0.ptp_inuse);
	kprintf("#   page-table pages per 1000 sparse mappings     %6lu   (a leaf table each)\n",
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
	kprintf("# %-34s %10lu %6lu %6lu %5lu\n", what,
	    b->shootdowns - a->shootdowns, b->shootdown_cpus - a->shootdown_cpus,
	    b->shootdown_pages - a->shootdown_pages, b->shootdown_full - a->shootdown_full);
}

static void
b_shootdowns(const paddr_t *pa)
{
	static const unsigned every[] = { B_SCATTER, 16, 1 };
	struct pmap_stats a, b;
	struct pmap *pm;

	unsigned others = kern_ncpus() - 1;

	kprintf("#\n# Shootdowns: %u scattered touched pages removed, the pmap live on %u CPUs,"
	    "\n#   ceiling %u; one IPI per page would be %u shootdowns, %u IPIs\n", B_SCATTER,
	    kern_ncpus(), (unsigned)CONFIG_PMAP_TLB_CEILING, others ? B_SCATTER : 0,
	    B_SCATTER * others);
	kprintf("# %-34s %10s %6s %6s %5s\n", "removes", "shootdowns", "IPIs", "pages", "full");
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
		ksnprintf(what, sizeof(what), "1 page each, update every %u", every[k]);
		b_shoot_report(what, &a, &b);
		b_scatter_done(pm);
	}
	/* Process exit: everything at once (remove_all), then the teardown. */
	pm = b_scatter_setup(pa);
	pmap_stats_get(&a);
	pmap_remove_all(pm);
	pmap_update(pm);
	pmap_stats_get(&b);
	b_shoot_report("exit: pmap_remove_all + update", &a, &b);
	b_scatter_done(pm);
	pm = b_scatter_setup(pa);
	pmap_stats_get(&a);
	pmap_remove(pm, VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS);
	pmap_update(pm);
	pmap_stats_get(&b);
	b_shoot_report("exit: pmap_remove of all + update", &a, &b);
	b_scatter_done(pm);
}

void
bench_run(void)
{
	struct pmap *pm = pmap_create(), *pm2 = pmap_create();
	static paddr_t pa[B_N];

	kprintf("KTAP version 1\n1..0\n# bench: backend %s, %u CPUs, invariant checks %s\n",
	    PMAP_MD_NAME, kern_ncpus(),
#ifdef CONFIG_PMAP_DEBUG
	    "ON (times distorted)"
#else
	    "off"
#endif
	    );
	if (plat_nsec() == 0)
		kprintf("# (no clock under TCG: ns/op is \"-\" here; make bench's host run has them)\n");
	for (unsigned i = 0; i < B_N; i++)
		if (physmem_alloc(&pa[i]) != 0)
			kpanic("bench_run: no page");
	b_memory(pm, pm2);
	b_shootdowns(pa);
	pmap_activate(pm);
	b_times(pm, pa);
	pmap_activate(pmap_kernel());
	pmap_destroy(pm);
	pmap_destroy(pm2);
	for (unsigned i = 0; i < B_N; i++)
		physmem_free(pa[i]);
}
