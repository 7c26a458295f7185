/*
 * Statistics and what the backend is.  Definitions: docs/statistics.md.
 * The invariant walk is pmap_check.c's.
 */
#include "pmap_int.h"

/* The counts with high-water marks, global: pv entries and page-table pages in use. */
static struct {
	unsigned long	pv_inuse, pv_highwater;
	unsigned long	ptp_inuse, ptp_highwater;
} pmap_gauges;

static void
pmap_gauge_add(unsigned long *now, unsigned long *high, long delta)
{
	unsigned long v = __atomic_add_fetch(now, (unsigned long)delta, __ATOMIC_RELAXED);
	unsigned long h = __atomic_load_n(high, __ATOMIC_RELAXED);

	while (v > h && !__atomic_compare_exchange_n(high, &h, v, true, __ATOMIC_RELAXED,
	    __ATOMIC_RELAXED))
		continue;
}

void
pmap_stat_pv_inuse(long delta)
{
	pmap_gauge_add(&pmap_gauges.pv_inuse, &pmap_gauges.pv_highwater, delta);
}

void
pmap_stat_ptp_inuse(long delta)
{
	pmap_gauge_add(&pmap_gauges.ptp_inuse, &pmap_gauges.ptp_highwater, delta);
}

unsigned long
pmap_stat_pv_inuse_now(void)
{
	return __atomic_load_n(&pmap_gauges.pv_inuse, __ATOMIC_RELAXED);
}

static const char *const inval_reason_names[PMAP_INV_NREASONS] = {
	[PMAP_INV_REMOVE] = "remove",
	[PMAP_INV_PROTECT] = "protect",
	[PMAP_INV_PAGE_PROTECT] = "page-protect",
	[PMAP_INV_ENTER_REPLACE] = "enter-replace",
	[PMAP_INV_CLEAR_MODIFY] = "clear-modify",
	[PMAP_INV_CLEAR_REFERENCE] = "clear-reference",
	[PMAP_INV_RECLAIM] = "reclaim",
};

const char *
pmap_backend_name(void)
{
	return pmap_md_ops.name;
}

unsigned
pmap_pa_bits(void)
{
	unsigned cpu = pmap_md_ops.cpu_pa_bits != NULL ? pmap_md_ops.cpu_pa_bits() :
	    pmap_md_ops.pa_bits;

	return cpu < pmap_md_ops.pa_bits ? cpu : pmap_md_ops.pa_bits;
}

unsigned
pmap_backend_caps(void)
{
	return pmap_md_ops.cpu_caps != NULL ? pmap_md_ops.caps & pmap_md_ops.cpu_caps() :
	    pmap_md_ops.caps;
}

int
pmap_backend_levels(void)
{
	return PMAP_MD_NLEVELS;
}

vaddr_t
pmap_table_span(int level)
{
	unsigned bits = PMAP_LEVEL_SHIFT(level) + (unsigned)__builtin_ctz(PMAP_LEVEL_ENTRIES(level));

	return bits >= 8 * sizeof(vaddr_t) ? 0 : (vaddr_t)1 << bits;
}

vsize_t
pmap_large_page_size(void)
{
#ifdef CONFIG_PMAP_PSE
	for (int l = 0; l < PMAP_LEAF_LEVEL; l++)
		if (pmap_md_levels[l].pl_leaf_ok)
			return (vsize_t)1 << PMAP_LEVEL_SHIFT(l);
#endif
	return PAGE_SIZE;
}

const char *
pmap_inval_reason_name(enum pmap_inval_reason r)
{
	return (unsigned)r < PMAP_INV_NREASONS ? inval_reason_names[r] : "?";
}

/* The sum over CPUs (each field an unsigned long: a CPU's count may have wrapped below 0). */
void
pmap_stats_get(struct pmap_stats *st)
{
	unsigned long *sum = (unsigned long *)st;
	const size_t nfields = sizeof(*st) / sizeof(unsigned long);

	_Static_assert(sizeof(struct pmap_stats) % sizeof(unsigned long) == 0,
	    "struct pmap_stats holds only unsigned longs");
	memset(st, 0, sizeof(*st));
	for (unsigned c = 0; c < PMAP_MAXCPUS; c++) {
		const unsigned long *f = (const unsigned long *)&pmap_percpu[c].stats;
		for (size_t i = 0; i < nfields; i++)
			sum[i] += __atomic_load_n(&f[i], __ATOMIC_RELAXED);
	}
	st->pv_inuse = __atomic_load_n(&pmap_gauges.pv_inuse, __ATOMIC_RELAXED);
	st->pv_highwater = __atomic_load_n(&pmap_gauges.pv_highwater, __ATOMIC_RELAXED);
	st->ptp_inuse = __atomic_load_n(&pmap_gauges.ptp_inuse, __ATOMIC_RELAXED);
	st->ptp_highwater = __atomic_load_n(&pmap_gauges.ptp_highwater, __ATOMIC_RELAXED);
}

void
pmap_stats_dump(void (*print)(const char *fmt, ...) __attribute__((format(printf, 1, 2))))
{
	struct pmap_stats st, *s = &st;

	pmap_stats_get(&st);

	print("pmap stats (%s): pmaps %lu (pool pages %lu), ptp %lu (kernel %lu, high %lu, "
	    "allocs %lu, frees %lu), large %lu (demoted %lu)\n", pmap_md_ops.name, s->pmaps,
	    s->pmap_pool_pages, s->ptp_inuse, s->ptp_kernel, s->ptp_highwater,
	    s->ptp_allocs, s->ptp_frees, s->large_mappings, s->demotions);
	print("  pv: embedded %lu, entries %lu (high %lu) in %lu chunks, soft-limit "
	    "warnings %lu, reclaimed %lu\n", s->pv_embedded, s->pv_inuse, s->pv_highwater,
	    s->pv_chunks, s->pv_soft_warnings, s->pv_reclaims);
	print("  invalidations:");
	for (int r = 0; r < PMAP_INV_NREASONS; r++)
		print(" %s %lu", inval_reason_names[r], s->inval_requested[r]);
	print("\n  skipped %lu, pages %lu, full flushes %lu, updates %lu, enomem %lu, "
	    "ref/mod faults %lu, ASID rollovers %lu\n", s->inval_skipped, s->inval_pages,
	    s->inval_full, s->updates, s->enomem, s->refmod_faults, s->asid_rollovers);
	print("  shootdowns %lu to %lu CPUs (%lu pages, %lu full flushes), ASIDs forgotten "
	    "instead %lu\n", s->shootdowns, s->shootdown_cpus, s->shootdown_pages,
	    s->shootdown_full, s->asid_forgets);
	print("  lock waits %lu, extracts under the lock %lu\n", s->lock_spins, s->extract_locked);
}

void
pmap_pv_geometry(unsigned *entry_bytes, unsigned *per_chunk)
{
	*entry_bytes = sizeof(struct pv_entry);
	*per_chunk = pmap_pv_chunk_capacity();
}
