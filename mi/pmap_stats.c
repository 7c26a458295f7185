/*
 * Statistics and the invariant walk.  Definitions: docs/statistics.md.
 */
#include "pmap_int.h"

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
	unsigned bits = pmap_md_levels[level].pl_shift +
	    (unsigned)__builtin_ctz(pmap_md_levels[level].pl_entries);

	return bits >= 8 * sizeof(vaddr_t) ? 0 : (vaddr_t)1 << bits;
}

vsize_t
pmap_large_page_size(void)
{
#ifdef CONFIG_PMAP_PSE
	for (int l = 0; l < PMAP_LEAF_LEVEL; l++)
		if (pmap_md_levels[l].pl_leaf_ok)
			return (vsize_t)1 << pmap_md_levels[l].pl_shift;
#endif
	return PAGE_SIZE;
}

const char *
pmap_inval_reason_name(enum pmap_inval_reason r)
{
	return (unsigned)r < PMAP_INV_NREASONS ? inval_reason_names[r] : "?";
}

void
pmap_stats_get(struct pmap_stats *st)
{
	*st = pmap_stats;
}

void
pmap_stats_dump(void (*print)(const char *fmt, ...) __attribute__((format(printf, 1, 2))))
{
	const struct pmap_stats *s = &pmap_stats;

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
}

void
pmap_pv_geometry(unsigned *entry_bytes, unsigned *per_chunk)
{
	*entry_bytes = sizeof(struct pv_entry);
	*per_chunk = pmap_pv_chunk_capacity();
}

/* ------------------------------------------------------------ pmap_check */

struct check {
	struct pmap	*pm;
	void		(*print)(const char *, ...) __attribute__((format(printf, 1, 2)));
	int		 errs;
	long		 resident, wired, managed, embedded, tables;
};

#define CHECK(c, cond, ...) do { if (!(cond)) { (c)->print(__VA_ARGS__); (c)->errs++; } } while (0)

static void
check_leaf(struct check *c, vaddr_t va, pt_entry_t pte, int l)
{
	long npages = pmap_level_pages(l);

	c->resident += npages;
	if (pte_wired_p(pte))
		c->wired += npages;
	CHECK(c, pte_user_p(pte) == !c->pm->pm_is_kernel,
	    "pmap_check: va %#" PMAP_PRIxVADDR " user bit wrong for %s pmap\n", va,
	    c->pm->pm_is_kernel ? "the kernel" : "a user");
	if (!pte_managed_p(pte))
		return;
	c->managed++;
	struct pmap_page *pg = pmap_kern_phys_to_page(pte_pa(pte, l));
	CHECK(c, pg != NULL && pmap_pv_has(pg, c->pm, va),
	    "pmap_check: managed va %#" PMAP_PRIxVADDR " (pa %#llx) has no pv entry\n", va,
	    (unsigned long long)pte_pa(pte, l));
	if (pg != NULL && pg->pp_pmap == c->pm && pg->pp_va == va)
		c->embedded++;
}

/* Check the table at level l reached through `parent`, covering [base, base + span). */
static void
check_table(struct check *c, int l, vaddr_t base, vaddr_t lo, vaddr_t hi, pt_entry_t parent,
    struct pmap_page *tpp)
{
	pt_entry_t *tbl = pmap_md_ops.table(c->pm, l, base, parent);
	vaddr_t size = pmap_level_size(l);
	unsigned valid = 0;

	for (unsigned i = 0; i < pmap_md_levels[l].pl_entries; i++) {
		vaddr_t va = pmap_va_canonical(base + i * size);
		pt_entry_t e = pte_load(&tbl[i]);
		if (!pte_valid_p(e)) {
			CHECK(c, e == 0, "pmap_check: invalid entry for va %#" PMAP_PRIxVADDR
			    " holds %#llx\n", va, (unsigned long long)e);
			continue;
		}
		valid++;
		if (va + (size - 1) < lo || va > hi - 1)
			continue;			/* outside the checked range */
		if (pte_leaf_p(e, l)) {
			if (va >= lo && va + (size - 1) <= hi - 1)
				check_leaf(c, va, e, l);
			continue;
		}
		struct pmap_page *cpp = pmap_table_page(e, l);
		c->tables++;
		check_table(c, l + 1, va, lo, hi, e, cpp);
		tbl = pmap_md_ops.table(c->pm, l, base, parent);
	}
	CHECK(c, tpp == NULL || tpp->pp_ptpcount == valid,
	    "pmap_check: table for va %#" PMAP_PRIxVADDR " (level %d) counts %u entries, "
	    "holds %u\n", base, l, tpp ? tpp->pp_ptpcount : 0, valid);
}

/*
 * Walk pm and its pv chunks: every managed leaf has exactly one pv entry and
 * every pv entry a matching leaf; resident, wired and table counts equal what
 * the walk finds; invalid entries hold no frame bits.  Returns the number of
 * violations, each printed.
 */
int
pmap_check(struct pmap *pm, void (*print)(const char *fmt, ...)
    __attribute__((format(printf, 1, 2))))
{
	PMAP_LOCKED();
	struct check c = { pm, print, 0, 0, 0, 0, 0, 0 };
	vaddr_t lo = pm->pm_is_kernel ? pmap_kernel_min() : VM_MIN_ADDRESS;
	vaddr_t hi = pm->pm_is_kernel ? VM_MAX_KERNEL_VA : VM_MAXUSER_ADDRESS;

	check_table(&c, 0, 0, lo, hi, 0, NULL);
	CHECK(&c, c.resident == pm->pm_resident, "pmap_check: pmap %p resident %ld, walk "
	    "finds %ld\n", (void *)pm, pm->pm_resident, c.resident);
	CHECK(&c, c.wired == pm->pm_wired, "pmap_check: pmap %p wired %ld, walk finds %ld\n",
	    (void *)pm, pm->pm_wired, c.wired);
	CHECK(&c, pm->pm_is_kernel || c.tables == pm->pm_ptps, "pmap_check: pmap %p counts %ld "
	    "page-table pages, walk finds %ld\n", (void *)pm, pm->pm_ptps, c.tables);
	CHECK(&c, c.managed == c.embedded + (long)pmap_pv_chunk_entries_inuse(pm),
	    "pmap_check: pmap %p has %ld managed leaves but %ld embedded + %u chunk pv "
	    "entries\n", (void *)pm, c.managed, c.embedded, pmap_pv_chunk_entries_inuse(pm));
	pmap_pv_chunks_check(pm, &c.errs, print);
	return c.errs + pmap_md_ops.check(pm, print);
}
