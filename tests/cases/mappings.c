/*
 * Managed mappings in user pmaps: enter, extract, remove, protect, re-enter,
 * wiring.  Every claim is checked through a real access (probe) as well as
 * through the API.
 */
#include "t.h"

#include <pmap/pmap_md_ops.h>	/* struct pmap: t_extract_reused_table sets pm_walk_gen */

#define UVA		0x10000000u
#define RW		(VM_PROT_READ | VM_PROT_WRITE)

static struct pmap *
active_pmap(struct tctx *t)
{
	struct pmap *pm = t_pmap(t);

	pmap_activate(pm);
	return pm;
}

void
t_enter_extract_remove(struct tctx *t)
{
	struct pmap *pm = active_pmap(t);
	paddr_t pa = t_page(t), got = 0;
	uint32_t v = 0;
	bool user;

	T_EQ(t, pmap_enter(pm, UVA, pa, RW, 0), 0);
	pmap_update(pm);
	T_ASSERT(t, pmap_extract(pm, UVA + 0x123, &got));
	T_EQ(t, got, pa + 0x123);
	T_EQ(t, pmap_resident_count(pm), 1);
	t_phys_write(pa, 8, 0xfeedf00d);
	T_ASSERT(t, t_read(UVA + 8, &v));
	T_EQ(t, v, 0xfeedf00d);
	T_ASSERT(t, t_write(UVA + 12, 0x12345678));
	T_EQ(t, t_phys_read(pa, 12), 0x12345678);
	bool uok = t_user_write(UVA + 16, 7, &user);
	T_ASSERT(t, !user || (uok && t_phys_read(pa, 16) == 7));
	T_CHECK_PMAP(t, pm);

	pmap_remove(pm, UVA, UVA + PAGE_SIZE);
	pmap_update(pm);
	T_ASSERT(t, !pmap_extract(pm, UVA, NULL));
	T_ASSERT(t, !t_read(UVA + 8, &v), "read through a removed mapping succeeded");
	T_EQ(t, pmap_resident_count(pm), 0);
	T_CHECK_PMAP(t, pm);
}

/*
 * pmap_extract after the leaf table it last went through was freed and
 * taken again as the next span's table (the allocator hands back the page
 * it took last; a mapping two spans up keeps the table above both): the
 * answer must be the asked va's, not what the reused page holds at that
 * slot.  Where pmap_extract answers from the walk cache without the lock
 * (PMAP_DIRECT_TABLES), the second extract must have done so (the first
 * filled the cache: an enter that makes tables leaves it), and the last one
 * shows that a cache entry of an older generation is not used.
 */
static void
extract_reused_table(struct tctx *t, bool carry)
{
	struct pmap *pm = t_pmap(t);
	paddr_t a = t_page(t), b = t_page(t), c = t_page(t), got = 0;
	vaddr_t va0 = UVA + 5 * PAGE_SIZE, va1 = va0 + t_leaf_span(), va2 = va1 + t_leaf_span();
	struct pmap_stats s0, s1;
	uint64_t gen = pm->pm_walk_gen;

	/*
	 * Two steps below the next carry out of the low half: a jump forward,
	 * which leaves every cache entry of the pmap stale as a step does (only
	 * ever forward: a pooled struct's old values may be in other CPUs' caches).
	 */
	if (carry) {
		gen = ((((gen + 2) >> 32) + 1) << 32) - 2;
		pm->pm_walk_gen = gen;
	}
	T_EQ(t, pmap_enter(pm, va2, c, VM_PROT_READ, 0), 0);
	T_EQ(t, pmap_enter(pm, va0, a, VM_PROT_READ, 0), 0);
	T_ASSERT(t, pmap_extract(pm, va0 + 8, &got));
	pmap_stats_get(&s0);
	T_ASSERT(t, pmap_extract(pm, va0, &got));
	pmap_stats_get(&s1);
	T_EQ(t, got, a);
#ifdef PMAP_DIRECT_TABLES
	T_EQ(t, s1.extract_locked - s0.extract_locked, 0);	/* from the walk cache */
#else
	T_EQ(t, s1.extract_locked - s0.extract_locked, 1);
#endif
	unsigned long frees = s1.ptp_frees;
	pmap_remove(pm, va0, va0 + PAGE_SIZE);
	pmap_update(pm);
	pmap_stats_get(&s1);
	T_EQ(t, s1.ptp_frees - frees, 1);	/* va0's leaf table, alone */
	T_EQ(t, pmap_enter(pm, va1, b, VM_PROT_READ, 0), 0);
	T_ASSERT(t, !pmap_extract(pm, va0, &got), "pmap_extract of the removed va %#"
	    PMAP_PRIxVADDR " gave pa %#llx (%#llx is mapped at the same slot one span up)", va0,
	    (unsigned long long)got, (unsigned long long)b);
	T_ASSERT(t, pmap_extract(pm, va1, &got));
	T_EQ(t, got, b);
	T_CHECK_PMAP(t, pm);
	/* It only grows: a value it held before may be a stale cache entry's. */
	T_ASSERT(t, pm->pm_walk_gen > gen, "the walk generation went from %#llx to %#llx",
	    (unsigned long long)gen, (unsigned long long)pm->pm_walk_gen);
}

/*
 * pmap_enter's kept leaf bits (the fast path's pmap_enter_key) are the walk
 * cache entry's pmap's: the same prot, flags and managed page entered into
 * the kernel pmap and then into a user pmap on one CPU, three in each leaf
 * table (the first may make tables, the second fill the walk cache, the
 * third takes the fast path with the kept bits), give the user mappings user
 * bits, not the kernel's global ones.
 */
void
t_enter_bits_per_pmap(struct tctx *t)
{
	struct pmap *pm = active_pmap(t), *kpm = pmap_kernel();
	vaddr_t kva = t_kva(t, 3);
	vaddr_t va[6] = { kva, kva + PAGE_SIZE, kva + 2 * PAGE_SIZE,
	    UVA, UVA + PAGE_SIZE, UVA + 2 * PAGE_SIZE };
	struct pmap *pms[6] = { kpm, kpm, kpm, pm, pm, pm };
	struct pmap_mapping m[6];
	bool found[6], supported;
	int err[6];

	for (unsigned i = 0; i < 6; i++)
		err[i] = pmap_enter(pms[i], va[i], t_page(t), RW, 0);
	pmap_update(pm);
	for (unsigned i = 0; i < 6; i++)
		found[i] = pmap_lookup(pms[i], va[i], &m[i]);
	/* The kernel's managed mappings gone before any check can end the test. */
	pmap_remove(kpm, kva, kva + 3 * PAGE_SIZE);
	pmap_update(kpm);
	for (unsigned i = 0; i < 6; i++) {
		bool kernel = pms[i] == kpm;
		T_EQ(t, err[i], 0);
		T_ASSERT(t, found[i]);
		T_ASSERT(t, m[i].user == !kernel && (kernel || !m[i].global), "%s mapping at va %#"
		    PMAP_PRIxVADDR ": user %d, global %d", kernel ? "kernel" : "user", va[i],
		    m[i].user, m[i].global);
	}
	T_ASSERT(t, t_user_write(va[5], 7, &supported) || !supported,
	    "a user write to va %#" PMAP_PRIxVADDR " faulted", va[5]);
	T_CHECK_PMAP(t, pm);
}

/*
 * The above as the pmap is made, then with its generation two steps below
 * the carry out of its low 32 bits (mi/ steps and reads it by halves where
 * vaddr_t is 32 bits wide): the tables made step it across.
 */
void
t_extract_reused_table(struct tctx *t)
{
	extract_reused_table(t, false);
	extract_reused_table(t, true);
}

/*
 * pmap_extract without the lock (PMAP_DIRECT_TABLES) against a tree changed
 * between its finding va's leaf table and its reading the entry: the hook
 * (pmap_debug_extract_race, CONFIG_PMAP_DEBUG) removes va's one mapping,
 * whose leaf table is freed at the pmap_update, and maps the same slot one
 * span up, which takes that page as its table.  The entry read is then the
 * other span's, and only the generation's second read can refuse it.
 */
#if defined(PMAP_DIRECT_TABLES) && defined(CONFIG_PMAP_DEBUG)
static struct {
	vaddr_t	 va, up;
	paddr_t	 pa;
	unsigned long frees;
	bool	 ran;
} xr;

static void
extract_race_fn(struct pmap *pm, vaddr_t va)
{
	struct pmap_stats s;

	xr.ran = va == xr.va;
	pmap_stats_get(&s);
	xr.frees = s.ptp_frees;
	pmap_remove(pm, xr.va, xr.va + PAGE_SIZE);
	pmap_update(pm);
	pmap_stats_get(&s);
	xr.frees = s.ptp_frees - xr.frees;
	if (pmap_enter(pm, xr.up, xr.pa, VM_PROT_READ, PMAP_CANFAIL) != 0)
		xr.frees = 0;
}
#endif

void
t_extract_race(struct tctx *t)
{
#if !defined(PMAP_DIRECT_TABLES) || !defined(CONFIG_PMAP_DEBUG)
	T_SKIP(t, "no unlocked pmap_extract, or no CONFIG_PMAP_DEBUG (its hook)");
#else
	struct pmap *pm = t_pmap(t);
	paddr_t a = t_page(t), c = t_page(t), got = 0;
	vaddr_t va0 = UVA + 5 * PAGE_SIZE;

	xr.va = va0;
	xr.up = va0 + t_leaf_span();
	xr.pa = t_page(t);
	xr.ran = false;
	/* A mapping two spans up keeps the tables above va0's leaf table. */
	T_EQ(t, pmap_enter(pm, xr.up + t_leaf_span(), c, VM_PROT_READ, 0), 0);
	T_EQ(t, pmap_enter(pm, va0, a, VM_PROT_READ, 0), 0);
	T_ASSERT(t, pmap_extract(pm, va0, &got));
	T_EQ(t, got, a);
	__atomic_store_n(&pmap_debug_extract_race, extract_race_fn, __ATOMIC_RELAXED);
	bool found = pmap_extract(pm, va0, &got);
	T_ASSERT(t, xr.ran, "pmap_extract of va %#" PMAP_PRIxVADDR " took no unlocked path",
	    va0);
	T_EQ(t, xr.frees, 1);	/* va0's leaf table freed, and the enter one span up worked */
	T_ASSERT(t, !found, "pmap_extract of va %#" PMAP_PRIxVADDR ", removed while it read, "
	    "gave pa %#llx (%#llx is mapped at the same slot one span up)", va0,
	    (unsigned long long)got, (unsigned long long)xr.pa);
	T_ASSERT(t, pmap_extract(pm, xr.up, &got));
	T_EQ(t, got, xr.pa);
	T_CHECK_PMAP(t, pm);
#endif
}


/*
 * 3000 mappings from 100 pages below a leaf-table boundary, each writing its
 * own word; remove a run that crosses boundaries and empties the middle
 * tables (the counts follow the backend's geometry).
 */
#define R_START		(t_leaf_span() - 100 * PAGE_SIZE)
#define R_N		3000u
#define R_CUT_LO	50u
#define R_CUT_HI	2900u

static paddr_t r_pages[4];

static bool
r_mapped_ok(struct tctx *t, unsigned i)
{
	uint32_t v;

	(void)t;
	return t_read(R_START + i * PAGE_SIZE + (i / 4 % 1024) * 4, &v) && v == i;
}

void
t_range_across_tables(struct tctx *t)
{
	struct pmap *pm = active_pmap(t);
	struct pmap_stats st0, st1, st2;

	for (unsigned p = 0; p < 4; p++)
		r_pages[p] = t_page(t);
	pmap_stats_get(&st0);
	for (unsigned i = 0; i < R_N; i++)
		T_EQ(t, pmap_enter(pm, R_START + i * PAGE_SIZE, r_pages[i % 4], RW, 0), 0);
	pmap_update(pm);
	pmap_stats_get(&st1);
	T_EQ(t, st1.ptp_inuse - st0.ptp_inuse, t_tables_for(R_START, R_START + R_N * PAGE_SIZE));
	T_EQ(t, pmap_resident_count(pm), R_N);
	for (unsigned i = 0; i < R_N; i++) {
		paddr_t pa;
		T_ASSERT(t, pmap_extract(pm, R_START + i * PAGE_SIZE, &pa) && pa == r_pages[i % 4]);
		T_ASSERT(t, t_write(R_START + i * PAGE_SIZE + (i / 4 % 1024) * 4, i));
	}
	for (unsigned i = 0; i < R_N; i++)
		T_EQ(t, t_phys_read(r_pages[i % 4], (i / 4 % 1024) * 4), i);
	T_CHECK_PMAP(t, pm);

	pmap_remove(pm, R_START + R_CUT_LO * PAGE_SIZE, R_START + R_CUT_HI * PAGE_SIZE);
	pmap_update(pm);
	pmap_stats_get(&st2);
	T_EQ(t, st1.ptp_inuse - st2.ptp_inuse, t_tables_freed(R_START, R_START + R_N * PAGE_SIZE,
	    R_START + R_CUT_LO * PAGE_SIZE, R_START + R_CUT_HI * PAGE_SIZE));
	T_EQ(t, pmap_resident_count(pm), R_N - (R_CUT_HI - R_CUT_LO));
	for (unsigned i = 0; i < R_N; i++) {
		bool kept = i < R_CUT_LO || i >= R_CUT_HI;
		T_ASSERT(t, pmap_extract(pm, R_START + i * PAGE_SIZE, NULL) == kept,
		    "extract of mapping %u", i);
		T_ASSERT(t, r_mapped_ok(t, i) == kept, "probe of mapping %u", i);
	}
	T_CHECK_PMAP(t, pm);
}

/* Removing [0, VM_MAXUSER_ADDRESS) over three scattered pages finds all three. */
void
t_sparse_huge_remove(struct tctx *t)
{
	struct pmap *pm = active_pmap(t);
	paddr_t pa = t_page(t);
	const vaddr_t vas[] = { 0x00000000u, 0x5FC00000u, VM_MAXUSER_ADDRESS - PAGE_SIZE };
	uint32_t v;

	for (unsigned i = 0; i < 3; i++)
		T_EQ(t, pmap_enter(pm, vas[i], pa, VM_PROT_READ, 0), 0);
	T_EQ(t, pmap_resident_count(pm), 3);
	pmap_update(pm);
	for (unsigned i = 0; i < 3; i++)
		T_ASSERT(t, t_read(vas[i], &v));
	pmap_remove(pm, VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS);
	pmap_update(pm);
	T_EQ(t, pmap_resident_count(pm), 0);
	for (unsigned i = 0; i < 3; i++)
		T_ASSERT(t, !t_read(vas[i], &v) && !pmap_extract(pm, vas[i], NULL));
	T_CHECK_PMAP(t, pm);
}

void
t_protect_readonly_and_none(struct tctx *t)
{
	struct pmap *pm = active_pmap(t);
	paddr_t pa = t_page(t);
	uint32_t v;
	bool user;

	for (unsigned i = 0; i < 8; i++)
		T_EQ(t, pmap_enter(pm, UVA + i * PAGE_SIZE, pa, RW, 0), 0);
	pmap_update(pm);
	for (unsigned i = 0; i < 8; i++)
		T_ASSERT(t, t_write(UVA + i * PAGE_SIZE, i), "write before protect");

	pmap_protect(pm, UVA, UVA + 4 * PAGE_SIZE, VM_PROT_READ);
	pmap_update(pm);
	for (unsigned i = 0; i < 8; i++) {
		T_ASSERT(t, t_read(UVA + i * PAGE_SIZE, &v), "read after protect, page %u", i);
		T_ASSERT(t, t_write(UVA + i * PAGE_SIZE, i) == (i >= 4),
		    "kernel write to page %u after protect to read-only (CR0.WP)", i);
		bool uw = t_user_write(UVA + i * PAGE_SIZE, i, &user);
		T_ASSERT(t, !user || uw == (i >= 4), "user write to page %u", i);
	}
	T_EQ(t, pmap_resident_count(pm), 8);

	pmap_protect(pm, UVA + 2 * PAGE_SIZE, UVA + 6 * PAGE_SIZE, VM_PROT_NONE);
	pmap_update(pm);
	for (unsigned i = 0; i < 8; i++)
		T_ASSERT(t, t_read(UVA + i * PAGE_SIZE, &v) == (i < 2 || i >= 6),
		    "read of page %u after protect to none", i);
	T_EQ(t, pmap_resident_count(pm), 4);
	/* pmap_protect never raises permissions. */
	pmap_protect(pm, UVA, UVA + 8 * PAGE_SIZE, RW);
	pmap_update(pm);
	T_ASSERT(t, !t_write(UVA, 1) && t_write(UVA + 7 * PAGE_SIZE, 1));
	T_CHECK_PMAP(t, pm);
}

void
t_reenter_pa_prot_wiring(struct tctx *t)
{
	struct pmap *pm = active_pmap(t);
	paddr_t a = t_page(t), b = t_page(t), got;
	uint32_t v;

	t_phys_write(a, 0, 0xaaaa);
	t_phys_write(b, 0, 0xbbbb);
	T_EQ(t, pmap_enter(pm, UVA, a, RW, VM_PROT_WRITE | VM_PROT_READ), 0);
	pmap_update(pm);
	T_ASSERT(t, t_read(UVA, &v) && v == 0xaaaa);
	/* New pa: the old translation must not survive, a's mod/ref are kept. */
	T_EQ(t, pmap_enter(pm, UVA, b, RW, 0), 0);
	pmap_update(pm);
	T_ASSERT(t, pmap_extract(pm, UVA, &got) && got == b);
	T_ASSERT(t, t_read(UVA, &v) && v == 0xbbbb, "read %#x after re-enter", v);
	T_ASSERT(t, pmap_is_modified(t_pg(a)) && pmap_is_referenced(t_pg(a)));
	T_ASSERT(t, !pmap_is_modified(t_pg(b)));
	T_EQ(t, pmap_resident_count(pm), 1);
	/* Same pa, read-only: writes fault now, even through a translation cached dirty. */
	T_EQ(t, pmap_enter(pm, UVA, b, RW, 0), 0);
	pmap_update(pm);
	T_ASSERT(t, t_write(UVA, 0xdddd));
	T_EQ(t, pmap_enter(pm, UVA, b, VM_PROT_READ, 0), 0);
	pmap_update(pm);
	T_ASSERT(t, t_read(UVA, &v) && !t_write(UVA, 1), "write through a re-entered read-only mapping");
	/* Same pa, writable and wired: writes work, counted wired. */
	T_EQ(t, pmap_enter(pm, UVA, b, RW, PMAP_WIRED), 0);
	pmap_update(pm);
	T_ASSERT(t, t_write(UVA, 0xcccc) && t_phys_read(b, 0) == 0xcccc);
	T_EQ(t, pmap_wired_count(pm), 1);
	T_ASSERT(t, pmap_is_modified(t_pg(b)));
	T_EQ(t, pmap_enter(pm, UVA, b, RW, 0), 0);
	T_EQ(t, pmap_wired_count(pm), 0);
	T_EQ(t, pmap_resident_count(pm), 1);
	/* Uncached re-enter of a managed page stays managed: page_protect finds it. */
	T_EQ(t, pmap_enter(pm, UVA, b, RW, PMAP_NOCACHE), 0);
	T_CHECK_PMAP(t, pm);
	pmap_page_protect(t_pg(b), VM_PROT_NONE);
	pmap_update(pm);
	T_ASSERT(t, !pmap_extract(pm, UVA, NULL) && !t_read(UVA, &v));
	T_CHECK_PMAP(t, pm);
}

void
t_wired_and_unwire(struct tctx *t)
{
	struct pmap *pm = active_pmap(t);
	paddr_t pa = t_page(t);

	for (unsigned i = 0; i < 3; i++)
		T_EQ(t, pmap_enter(pm, UVA + i * PAGE_SIZE, pa, RW, PMAP_WIRED), 0);
	T_EQ(t, pmap_enter(pm, UVA + 3 * PAGE_SIZE, pa, RW, 0), 0);
	T_EQ(t, pmap_wired_count(pm), 3);
	T_EQ(t, pmap_resident_count(pm), 4);
	pmap_unwire(pm, UVA + PAGE_SIZE);
	T_EQ(t, pmap_wired_count(pm), 2);
	pmap_unwire(pm, UVA + PAGE_SIZE);	/* already unwired: no change */
	pmap_unwire(pm, UVA + 3 * PAGE_SIZE);
	T_EQ(t, pmap_wired_count(pm), 2);
	T_CHECK_PMAP(t, pm);
	pmap_remove(pm, UVA, UVA + PAGE_SIZE);
	T_EQ(t, pmap_wired_count(pm), 1);
	pmap_page_protect(t_pg(pa), VM_PROT_NONE);	/* wired ones go too */
	pmap_update(pm);
	T_EQ(t, pmap_wired_count(pm), 0);
	T_EQ(t, pmap_resident_count(pm), 0);
	T_CHECK_PMAP(t, pm);
}

/* One page in three pmaps: page_protect reaches every mapping. */
void
t_page_protect_three_pmaps(struct tctx *t)
{
	struct pmap *pm[3] = { t_pmap(t), t_pmap(t), t_pmap(t) };
	paddr_t pa = t_page(t);
	struct pmap_page *pg = t_pg(pa);
	uint32_t v;

	for (unsigned i = 0; i < 3; i++)
		T_EQ(t, pmap_enter(pm[i], UVA + i * 0x00400000u, pa, RW, 0), 0);
	for (unsigned i = 0; i < 3; i++) {
		pmap_activate(pm[i]);
		T_ASSERT(t, t_write(UVA + i * 0x00400000u, 0x100 + i), "write in pmap %u", i);
	}
	T_EQ(t, t_phys_read(pa, 0), 0x102);

	pmap_page_protect(pg, VM_PROT_READ);
	pmap_update(pm[2]);
	for (unsigned i = 0; i < 3; i++) {
		pmap_activate(pm[i]);
		T_ASSERT(t, t_read(UVA + i * 0x00400000u, &v) && v == 0x102, "read in pmap %u", i);
		T_ASSERT(t, !t_write(UVA + i * 0x00400000u, 1), "write in pmap %u after "
		    "page_protect(READ)", i);
		T_ASSERT(t, pmap_extract(pm[i], UVA + i * 0x00400000u, NULL));
	}
	pmap_page_protect(pg, VM_PROT_NONE);
	pmap_update(pm[2]);
	for (unsigned i = 0; i < 3; i++) {
		pmap_activate(pm[i]);
		T_ASSERT(t, !t_read(UVA + i * 0x00400000u, &v), "read in pmap %u after "
		    "page_protect(NONE)", i);
		T_ASSERT(t, !pmap_extract(pm[i], UVA + i * 0x00400000u, NULL));
		T_EQ(t, pmap_resident_count(pm[i]), 0);
		T_CHECK_PMAP(t, pm[i]);
	}
	T_ASSERT(t, pmap_is_modified(pg), "modified bit lost by page_protect");
}
