/*
 * Allocation failure with PMAP_CANFAIL: ENOMEM and the pmap exactly as
 * before; pv memory per mapping.
 */
#include "t.h"

#include <pmap/pmap_md_ops.h>

#define UVA	0x50000000u
#define RW	(VM_PROT_READ | VM_PROT_WRITE)

struct pm_state {
	long		 resident, wired;
	unsigned long	 ptp, pv, chunks, embedded, free;
};

static void
pm_state(struct pmap *pm, struct pm_state *s)
{
	struct pmap_stats st;

	pmap_stats_get(&st);
	*s = (struct pm_state){ pmap_resident_count(pm), pmap_wired_count(pm),
	    st.ptp_inuse, st.pv_inuse, st.pv_chunks, st.pv_embedded, physmem_free_count() };
}

static bool
pm_state_eq(const struct pm_state *a, const struct pm_state *b)
{
	return a->resident == b->resident && a->wired == b->wired && a->ptp == b->ptp &&
	    a->pv == b->pv && a->chunks == b->chunks && a->embedded == b->embedded &&
	    a->free == b->free;
}

void
t_canfail_ptp(struct tctx *t)
{
	struct pmap *pm = t_pmap(t);
	paddr_t pa = t_page(t);
	struct pm_state s0, s1;
	struct pmap_stats st0, st1;

	pm_state(pm, &s0);
	pmap_stats_get(&st0);
	physmem_fail_after(0);				/* the page table */
	T_EQ(t, pmap_enter(pm, UVA, pa, RW, PMAP_CANFAIL | PMAP_WIRED), ENOMEM);
	physmem_fail_after(-1);
	pm_state(pm, &s1);
	pmap_stats_get(&st1);
	T_ASSERT(t, pm_state_eq(&s0, &s1), "pmap changed by a failed enter");
	T_EQ(t, st1.enomem, st0.enomem + 1);
	T_ASSERT(t, !pmap_extract(pm, UVA, NULL));
	T_CHECK_PMAP(t, pm);
	T_EQ(t, pmap_enter(pm, UVA, pa, RW, PMAP_CANFAIL | PMAP_WIRED), 0);
	T_EQ(t, pmap_wired_count(pm), 1);
	T_CHECK_PMAP(t, pm);
}

static struct pmap *pl_pm;
static paddr_t pl_pa;

static void
pl_enter(void *arg)
{
	(void)arg;
	(void)pmap_enter(pl_pm, UVA, pl_pa, RW, 0);
}

/*
 * A kernel whose pmap_kern_page_alloc_below answers a page at the limit
 * (ptp_limit: tables the backend reaches only below it, or the MMU walks
 * only below it): pmap_enter panics naming the page, before it changes
 * anything.
 */
void
t_ptp_limit_checked(struct tctx *t)
{
	const paddr_t limit = pmap_md_ops.ptp_limit;
	char want[128];

	if (!t_panics_catchable())
		T_SKIP(t, "panics are caught on the host build only");
	if (limit == 0)
		T_SKIP(t, "this backend takes table pages anywhere (no ptp_limit)");
	pl_pm = t_pmap(t);
	pl_pa = t_page(t);
	struct pm_state s0, s1;
	pm_state(pl_pm, &s0);
	ksnprintf(want, sizeof(want), "pmap_ptp_alloc: page %#llx from pmap_kern_page_alloc_below "
	    "is not below %#llx", (unsigned long long)limit, (unsigned long long)limit);
	physmem_misplace_next(limit);
	bool panicked = t_expect_panic(t, pl_enter, NULL, want);
	physmem_misplace_next(0);
	T_ASSERT(t, panicked, "wants \"%s\"", want);
	pm_state(pl_pm, &s1);
	T_ASSERT(t, pm_state_eq(&s0, &s1), "pmap changed by the enter that panicked");
	T_CHECK_PMAP(t, pl_pm);
	T_EQ(t, pmap_enter(pl_pm, UVA, pl_pa, RW, 0), 0);	/* a page below the limit: fine */
	T_CHECK_PMAP(t, pl_pm);
}

#ifdef CONFIG_PMAP_DEBUG
static bool efp_held;	/* the hook found pm's lock held by its CPU */

static void
efp_panic(struct pmap *pm, vaddr_t va)
{
	/* The lock word's low 16 bits: the holder + 1 (struct pmap_spin). */
	efp_held = (__atomic_load_n(&pm->pm_lock.ps_owner, __ATOMIC_RELAXED) & 0xffffu) ==
	    plat_cpu_index() + 1;
	pmap_kern_panic("t_enter_fast_panic: pmap %p va %#" PMAP_PRIxVADDR, (void *)pm, va);
}

static void
efp_enter(void *arg)
{
	(void)arg;
	(void)pmap_enter(pl_pm, UVA + PAGE_SIZE, pl_pa, RW, 0);
}
#endif

/*
 * A panic inside pmap_enter's fast path (its test hook, CONFIG_PMAP_DEBUG),
 * under the brief hold of the pmap's lock, which no held stack records:
 * the hook finds the lock held by its CPU, pmap_panic_unwind lets it go and
 * turns preemption back on, as the hold's end would, and the pmap is as
 * before and works on.
 */
void
t_enter_fast_panic(struct tctx *t)
{
#ifndef CONFIG_PMAP_DEBUG
	T_SKIP(t, "the fast path's test hook is in CONFIG_PMAP_DEBUG builds only");
#else
	if (!t_panics_catchable())
		T_SKIP(t, "panics are caught on the host build only");
	pl_pm = t_pmap(t);
	pl_pa = t_page(t);
	T_EQ(t, pmap_enter(pl_pm, UVA, t_page(t), RW, 0), 0);	/* the table, in the walk cache */
	struct pm_state s0, s1;
	pm_state(pl_pm, &s0);
	unsigned depth = kern_preempt_depth();
	efp_held = false;
	__atomic_store_n(&pmap_debug_enter_fast, efp_panic, __ATOMIC_RELAXED);
	bool panicked = t_expect_panic(t, efp_enter, NULL, "t_enter_fast_panic: pmap");
	__atomic_store_n(&pmap_debug_enter_fast, NULL, __ATOMIC_RELAXED);
	T_ASSERT(t, panicked, "no panic from the fast path's hook");
	T_ASSERT(t, efp_held, "pmap_enter's fast path ran without its pmap's lock");
	T_EQ(t, __atomic_load_n(&pl_pm->pm_lock.ps_owner, __ATOMIC_RELAXED), 0u);
	T_EQ(t, kern_preempt_depth(), depth);
	pm_state(pl_pm, &s1);
	T_ASSERT(t, pm_state_eq(&s0, &s1), "pmap changed by the enter that panicked");
	T_EQ(t, pmap_enter(pl_pm, UVA + PAGE_SIZE, pl_pa, RW, 0), 0);
	paddr_t pa;
	T_ASSERT(t, pmap_extract(pl_pm, UVA + PAGE_SIZE, &pa) && pa == pl_pa);
	T_CHECK_PMAP(t, pl_pm);
#endif
}

/* The page is mapped once elsewhere, so this pmap needs a pv chunk: fail that. */
void
t_canfail_pv(struct tctx *t)
{
	struct pmap *other = t_pmap(t), *pm = t_pmap(t);
	paddr_t pa = t_page(t), pa2 = t_page(t);
	struct pm_state s0, s1;

	T_EQ(t, pmap_enter(other, UVA, pa, RW, 0), 0);
	T_EQ(t, pmap_enter(pm, UVA, pa2, RW, 0), 0);	/* table now exists */
	pm_state(pm, &s0);
	physmem_fail_after(0);				/* the pv chunk */
	T_EQ(t, pmap_enter(pm, UVA + PAGE_SIZE, pa, RW, PMAP_CANFAIL), ENOMEM);
	physmem_fail_after(-1);
	pm_state(pm, &s1);
	T_ASSERT(t, pm_state_eq(&s0, &s1), "pmap changed by a failed enter");
	T_ASSERT(t, !pmap_extract(pm, UVA + PAGE_SIZE, NULL));
	/* Both a table and a chunk needed; fail the second allocation. */
	pm_state(pm, &s0);
	physmem_fail_after(1);
	T_EQ(t, pmap_enter(pm, UVA + 0x00400000u, pa, RW, PMAP_CANFAIL), ENOMEM);
	physmem_fail_after(-1);
	pm_state(pm, &s1);
	T_ASSERT(t, pm_state_eq(&s0, &s1), "table kept after the pv allocation failed");
	T_CHECK_PMAP(t, pm);
	T_EQ(t, pmap_enter(pm, UVA + PAGE_SIZE, pa, RW, PMAP_CANFAIL), 0);
	T_CHECK_PMAP(t, pm);
}

/*
 * pv memory: a page mapped once costs nothing; further mappings cost one
 * entry each, in chunks.  Reported for the build it runs on (the guest
 * build is the one with 32-bit pointers).
 */
void
t_pv_memory(struct tctx *t)
{
	struct pmap *pm = t_pmap(t), *pm2 = t_pmap(t);
	struct pmap_stats s0, s1, s2;
	unsigned esize, per;
	const unsigned n = 2000;
	paddr_t pa[4];

	for (unsigned i = 0; i < 4; i++)
		pa[i] = t_page(t);
	pmap_pv_geometry(&esize, &per);
	pmap_stats_get(&s0);
	for (unsigned i = 0; i < 4; i++)
		T_EQ(t, pmap_enter(pm, UVA + i * PAGE_SIZE, pa[i], RW, 0), 0);
	pmap_stats_get(&s1);
	T_EQ(t, s1.pv_inuse, s0.pv_inuse);
	T_EQ(t, s1.pv_chunks, s0.pv_chunks);
	T_EQ(t, s1.pv_embedded, s0.pv_embedded + 4);
	for (unsigned i = 0; i < n; i++)
		T_EQ(t, pmap_enter(pm2, UVA + i * PAGE_SIZE, pa[i % 4], RW, 0), 0);
	pmap_stats_get(&s2);
	unsigned long chunks = s2.pv_chunks - s1.pv_chunks;
	T_EQ(t, s2.pv_inuse - s1.pv_inuse, n);
	T_EQ(t, chunks, (n + per - 1) / per);
	unsigned long bytes = chunks * PAGE_SIZE;
	kprintf("# pv: page mapped once: 0 bytes; %u further mappings: %lu chunk bytes "
	    "= %lu.%02lu bytes each; entry %u bytes, %u per chunk (%lu.%02lu bytes/entry "
	    "with the header, full chunk)\n", n, bytes, bytes / n, bytes * 100 / n % 100,
	    esize, per, (unsigned long)PAGE_SIZE / per,
	    (unsigned long)PAGE_SIZE * 100 / per % 100);
	if (sizeof(void *) == 4)
		T_ASSERT(t, esize <= 8, "pv entry is %u bytes on a 32-bit build", esize);
	T_CHECK_PMAP(t, pm2);
	pmap_remove(pm2, UVA, UVA + n * PAGE_SIZE);
	pmap_stats_get(&s2);
	T_EQ(t, s2.pv_chunks, s1.pv_chunks);
	T_EQ(t, s2.pv_inuse, s1.pv_inuse);
}

/*
 * pv exhaustion at a small soft limit: one warning, then unwired listed
 * mappings are reclaimed (their mod/ref kept in the page, their VAs faulting
 * after the update), wired ones never; ENOMEM once nothing can be reclaimed.
 */
void
t_pv_reclaim(struct tctx *t)
{
	struct pmap *first = t_pmap(t), *pm = t_pmap(t);
	paddr_t pa[4];
	struct pmap_stats s0, s1;
	uint32_t v;

	for (unsigned i = 0; i < 4; i++) {
		pa[i] = t_page(t);
		T_EQ(t, pmap_enter(first, UVA + i * PAGE_SIZE, pa[i], RW, 0), 0);  /* embedded */
	}
	pmap_stats_get(&s0);
	pmap_pv_set_soft_limit(s0.pv_inuse + 6);
	/* 2 unwired + 4 wired listed mappings in pm: exactly at the limit. */
	pmap_activate(pm);
	for (unsigned i = 0; i < 6; i++)
		T_EQ(t, pmap_enter(pm, UVA + i * PAGE_SIZE, pa[i % 4], RW,
		    i < 2 ? 0 : PMAP_WIRED), 0);
	pmap_update(pm);
	T_ASSERT(t, t_write(UVA, 0x11) && t_write(UVA + PAGE_SIZE, 0x22));
	pmap_clear_modify(t_pg(pa[0]));
	pmap_update(pm);
	T_ASSERT(t, t_write(UVA, 0x33));	/* pa[0] modified through pm only */
	pmap_stats_get(&s1);
	T_EQ(t, s1.pv_soft_warnings, s0.pv_soft_warnings);
	T_EQ(t, s1.pv_reclaims, s0.pv_reclaims);

	/* Two more listed (wired) mappings: both unwired ones of pm are reclaimed. */
	struct pmap *third = t_pmap(t);
	T_EQ(t, pmap_enter(third, UVA, pa[2], RW, PMAP_WIRED), 0);
	T_EQ(t, pmap_enter(third, UVA + PAGE_SIZE, pa[3], RW, PMAP_WIRED), 0);
	pmap_update(pm);
	pmap_stats_get(&s1);
	T_EQ(t, s1.pv_soft_warnings, s0.pv_soft_warnings + 1);
	T_EQ(t, s1.pv_reclaims, s0.pv_reclaims + 2);
	T_EQ(t, s1.pv_inuse, s0.pv_inuse + 6);
	T_ASSERT(t, !pmap_extract(pm, UVA, NULL) && !pmap_extract(pm, UVA + PAGE_SIZE, NULL));
	T_ASSERT(t, !t_read(UVA, &v) && !t_read(UVA + PAGE_SIZE, &v), "reclaimed VA readable");
	T_ASSERT(t, pmap_is_modified(t_pg(pa[0])), "reclaim lost the modified bit");
	T_EQ(t, pmap_wired_count(pm), 4);
	for (unsigned i = 2; i < 6; i++)
		T_ASSERT(t, pmap_extract(pm, UVA + i * PAGE_SIZE, NULL), "wired mapping %u reclaimed", i);

	/* Only wired listed mappings remain: ENOMEM, nothing changed, still one warning. */
	long r1 = pmap_resident_count(first), r2 = pmap_resident_count(pm);
	long r3 = pmap_resident_count(third);
	pmap_stats_get(&s0);
	T_EQ(t, pmap_enter(third, UVA + 2 * PAGE_SIZE, pa[0], RW, PMAP_CANFAIL), ENOMEM);
	T_ASSERT(t, pmap_resident_count(first) == r1 && pmap_resident_count(pm) == r2 &&
	    pmap_resident_count(third) == r3, "ENOMEM after changing mappings");
	pmap_stats_get(&s1);
	T_EQ(t, s1.pv_reclaims, s0.pv_reclaims);
	T_EQ(t, s1.pv_inuse, s0.pv_inuse);
	pmap_stats_get(&s0);
	T_ASSERT(t, !pmap_extract(third, UVA + 2 * PAGE_SIZE, NULL));
	/* A page's first mapping needs no pv entry and still works. */
	paddr_t fresh = t_page(t);
	T_EQ(t, pmap_enter(third, UVA + 3 * PAGE_SIZE, fresh, RW, PMAP_CANFAIL), 0);
	pmap_stats_get(&s1);
	T_EQ(t, s1.pv_soft_warnings, s0.pv_soft_warnings);
	pmap_pv_set_soft_limit(CONFIG_PMAP_PV_SOFT_LIMIT);
	T_CHECK_PMAP(t, first);
	T_CHECK_PMAP(t, pm);
	T_CHECK_PMAP(t, third);
}

/*
 * Fault injection: for each scenario, fail its first allocation, then its
 * second, ... until it needs no more.  Every failure must return ENOMEM with
 * the pmap exactly as before (counts, mappings, pv, tables, free pages and
 * pmap_check); the run that fails nothing must succeed.  (pmapkit allocates
 * page-table pages and pv chunks; page records are the kernel's, embedded.)
 */
struct fi_scenario {
	const char	*name;
	unsigned	 premapped;	/* other pmaps mapping the page first */
	vaddr_t		 va;		/* in the pmap under test */
	bool		 table_exists;
};

static void
fi_run(struct tctx *t, const struct fi_scenario *sc, unsigned *points)
{
	for (long n = 0;; n++) {
		struct pmap *other = t_pmap(t), *pm = t_pmap(t);
		paddr_t pa = t_page(t), pb = t_page(t);
		for (unsigned i = 0; i < sc->premapped; i++)
			T_EQ(t, pmap_enter(other, UVA + i * PAGE_SIZE, pa, RW, 0), 0);
		if (sc->table_exists)
			T_EQ(t, pmap_enter(pm, sc->va + PAGE_SIZE, pb, RW, 0), 0);
		struct pm_state s0, s1;
		pm_state(pm, &s0);
		unsigned long allocs = physmem_alloc_count();
		physmem_fail_after(n);
		int error = pmap_enter(pm, sc->va, pa, RW, PMAP_CANFAIL | PMAP_WIRED);
		physmem_fail_after(-1);
		if (error == 0) {
			T_ASSERT(t, pmap_extract(pm, sc->va, NULL), "%s: mapping missing", sc->name);
			T_ASSERT(t, physmem_alloc_count() - allocs == (unsigned long)n,
			    "%s: succeeded with injection %ld armed", sc->name, n);
			t_cleanup(t);
			return;
		}
		(*points)++;
		T_EQ(t, error, ENOMEM);
		pm_state(pm, &s1);
		T_ASSERT(t, pm_state_eq(&s0, &s1), "%s: injection %ld changed the pmap",
		    sc->name, n);
		T_ASSERT(t, !pmap_extract(pm, sc->va, NULL));
		T_EQ(t, t_pmap_check(pm), 0);
		t_cleanup(t);
	}
}

void
t_fault_injection_sweep(struct tctx *t)
{
	static const struct fi_scenario scenarios[] = {
		{ "first mapping, table missing", 0, UVA, false },
		{ "first mapping, table present", 0, UVA, true },
		{ "listed mapping, table missing", 1, UVA + 0x00400000u, false },
		{ "listed mapping, table present", 2, UVA + 0x00800000u, true },
		{ "listed mapping in a fresh 4 MiB", 3, 0x7FC00000u, false },
	};
	unsigned total = 0;

	for (unsigned i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		unsigned points = 0;
		fi_run(t, &scenarios[i], &points);
		if (t->failed)
			return;
		kprintf("# fault injection: \"%s\": %u allocation points failed and unwound\n",
		    scenarios[i].name, points);
		total += points;
	}
	kprintf("# fault injection: %u injection points exercised\n", total);
	T_ASSERT(t, total >= 6, "only %u injection points", total);
}

/*
 * At the soft limit a failing allocation must not have cost the victim its
 * mapping: the reclaim happens only once nothing else can fail.
 */
void
t_pv_reclaim_atomic(struct tctx *t)
{
	struct pmap *p1 = t_pmap(t), *p2 = t_pmap(t), *p3 = t_pmap(t);
	paddr_t a = t_page(t), b = t_page(t);
	struct pmap_stats s0, s1;

	T_EQ(t, pmap_enter(p1, UVA, a, RW, 0), 0);		/* embedded */
	T_EQ(t, pmap_enter(p2, UVA, a, RW, 0), 0);		/* listed: the victim */
	pmap_stats_get(&s0);
	pmap_pv_set_soft_limit(s0.pv_inuse);
	physmem_fail_after(0);					/* p3's page table */
	T_EQ(t, pmap_enter(p3, UVA, a, RW, PMAP_CANFAIL), ENOMEM);
	physmem_fail_after(-1);
	T_ASSERT(t, pmap_extract(p2, UVA, NULL), "victim reclaimed by a failed enter");
	T_EQ(t, pmap_enter(p3, UVA + PAGE_SIZE, b, RW, 0), 0);	/* p3 has its table now */
	physmem_fail_after(0);					/* p3's pv chunk */
	T_EQ(t, pmap_enter(p3, UVA, a, RW, PMAP_CANFAIL), ENOMEM);
	physmem_fail_after(-1);
	pmap_stats_get(&s1);
	T_EQ(t, s1.pv_reclaims, s0.pv_reclaims);
	T_ASSERT(t, pmap_extract(p2, UVA, NULL), "victim reclaimed by a failed enter");
	T_EQ(t, pmap_enter(p3, UVA, a, RW, PMAP_CANFAIL), 0);	/* now the victim goes */
	pmap_stats_get(&s1);
	T_EQ(t, s1.pv_reclaims, s0.pv_reclaims + 1);
	T_ASSERT(t, !pmap_extract(p2, UVA, NULL) && pmap_extract(p3, UVA, NULL));
	pmap_pv_set_soft_limit(CONFIG_PMAP_PV_SOFT_LIMIT);
	T_CHECK_PMAP(t, p2);
	T_CHECK_PMAP(t, p3);
}
