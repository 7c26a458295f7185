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
	    "#   ns/op on the host includes the MMU model's work (its walks, TLBs and\n", B_N);
	kprintf("#   windows): the library's own cost is make bench's instruction counts;\n"
	    "#   invlpg/full: TLB invalidations issued; skipped: not needed (never\n"
	    "#   touched); freed: page-table pages freed\n");
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

/*
 * Scaling (issue 15): pmap_enter of 64 pages and one pmap_remove of them,
 * with pmap_update, over and over, on one CPU, then on CPU 0 and CPU 1 at
 * once on two pmaps (disjoint: a lock each), then on one shared pmap
 * (disjoint VAs, one lock).  Throughput as a ratio to one CPU's: 2 would be
 * perfect.  A neighbour page keeps each leaf table (no table is freed), the
 * pmaps are live nowhere (no shootdown): what is measured is the pmap's own
 * work and its locks.
 */
#define B_SCALE_PAGES	64u

struct b_scale {
	struct pmap	*pm;
	vaddr_t		 va;
	const paddr_t	*pa;
	unsigned	 rounds;
	unsigned	 started;	/* both begin together */
};
static struct b_scale b_sc[2];

static void
b_scale_fn(void *arg)
{
	struct b_scale *s = arg;

	__atomic_add_fetch(&b_sc[0].started, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&b_sc[0].started, __ATOMIC_SEQ_CST) < 2)
		kern_spin_poll();
	for (unsigned r = 0; r < s->rounds; r++) {
		for (unsigned k = 0; k < B_SCALE_PAGES; k++)
			if (pmap_enter(s->pm, s->va + k * PAGE_SIZE, s->pa[k], RW, 0) != 0)
				kpanic("b_scale_fn: pmap_enter failed");
		pmap_remove(s->pm, s->va, s->va + B_SCALE_PAGES * PAGE_SIZE);
		pmap_update(s->pm);
	}
}

/* ns for the run (0 without a clock); two = CPU 1 runs b_sc[1] meanwhile. */
static uint64_t
b_scale_run(bool two)
{
	uint64_t t0 = plat_nsec();

	b_sc[0].started = two ? 0 : 1;
	if (two)
		kern_xcall_async(1, b_scale_fn, &b_sc[1]);
	b_scale_fn(&b_sc[0]);
	if (two)
		kern_xcall_wait(1);
	return plat_nsec() - t0;
}

static void
b_scaling(const paddr_t *pa)
{
	struct pmap *pm0 = pmap_create(), *pm1 = pmap_create();
	const unsigned rounds = plat_nsec() != 0 ? 30000 : 100;
	unsigned long ops = (unsigned long)rounds * (B_SCALE_PAGES + 2);
	struct pmap_stats s0, s1;

	kprintf("#\n# Scaling: pmap_enter x %u + pmap_remove + pmap_update, %u rounds\n"
	    "#   per CPU; throughput as a ratio to one CPU's (2.00: perfect)\n",
	    B_SCALE_PAGES, rounds);
	if (kern_ncpus() < 2) {
		kprintf("#   (one CPU: nothing to compare)\n");
		pmap_destroy(pm0);
		pmap_destroy(pm1);
		return;
	}
	kprintf("# %-28s %9s %9s %6s %10s\n", "run", "ns/op", "ratio", "CPUs", "lock waits");
	b_sc[0] = (struct b_scale){ pm0, B_VA, pa, rounds, 0 };
	b_sc[1] = (struct b_scale){ pm1, B_VA + 0x00400000u, pa + B_SCALE_PAGES, rounds, 0 };
	for (int i = 0; i < 2; i++)	/* the neighbours that keep the tables */
		if (pmap_enter(b_sc[i].pm, b_sc[i].va + B_SCALE_PAGES * PAGE_SIZE,
		    pa[2 * B_SCALE_PAGES + i], RW, 0) != 0)
			kpanic("b_scaling: pmap_enter failed");
	uint64_t one = 0;
	const char *names[3] = { "one CPU", "two CPUs, two pmaps", "two CPUs, one pmap" };
	for (int run = 0; run < 3; run++) {
		if (run == 2) {
			b_sc[1].pm = pm0;
			if (pmap_enter(pm0, b_sc[1].va + B_SCALE_PAGES * PAGE_SIZE,
			    pa[2 * B_SCALE_PAGES + 1], RW, 0) != 0)
				kpanic("b_scaling: pmap_enter failed");
		}
		pmap_stats_get(&s0);
		uint64_t dt = b_scale_run(run > 0);
		pmap_stats_get(&s1);
		unsigned cpus = run > 0 ? 2 : 1;
		char ns[24], ratio[24];
		if (dt == 0 || plat_nsec() == 0) {
			ksnprintf(ns, sizeof(ns), "-");
			ksnprintf(ratio, sizeof(ratio), "-");
		} else {
			uint64_t per = dt * 10 / ops;	/* tenths of ns per op of one CPU */
			ksnprintf(ns, sizeof(ns), "%llu.%01llu", (unsigned long long)(per / 10),
			    (unsigned long long)(per % 10));
			if (run == 0)
				one = dt;
			uint64_t r = one * cpus * 100 / dt;
			ksnprintf(ratio, sizeof(ratio), "%llu.%02llu", (unsigned long long)(r / 100),
			    (unsigned long long)(r % 100));
		}
		kprintf("# %-28s %9s %9s %6u %10lu\n", names[run], ns, ratio, cpus,
		    s1.lock_spins - s0.lock_spins);
	}
	pmap_remove(pm0, VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS);
	pmap_remove(pm1, VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS);
	pmap_update(pm0);
	pmap_update(pm1);
	pmap_destroy(pm0);
	pmap_destroy(pm1);
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
	b_scaling(pa);
	pmap_destroy(pm);
	pmap_destroy(pm2);
	for (unsigned i = 0; i < B_N; i++)
		physmem_free(pa[i]);
}
