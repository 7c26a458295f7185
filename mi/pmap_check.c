/*
 * pmap_check: the invariant walk of one pmap (docs/statistics.md): every
 * table's count against its valid entries, the resident, wired and table
 * counts against the leaves found, every managed leaf against its pv
 * entry, and the backend's own invariants (pmap_md_ops.check).
 */
#include "pmap_int.h"

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
	if (pg == NULL) {
		CHECK(c, false, "pmap_check: managed va %#" PMAP_PRIxVADDR " (pa %#llx) has no "
		    "page record\n", va, (unsigned long long)pte_pa(pte, l));
		return;
	}
	pmap_page_lock(pg);
	CHECK(c, pmap_pv_has(pg, c->pm, va),
	    "pmap_check: managed va %#" PMAP_PRIxVADDR " (pa %#llx) has no pv entry\n", va,
	    (unsigned long long)pte_pa(pte, l));
	if (pg->pp_pmap == c->pm && pg->pp_va == va)
		c->embedded++;
	pmap_page_unlock(pg);
}

/* A chunk entry of c->pm: on the pv list of the page its va maps, through a managed leaf. */
static bool
check_pv_entry(struct pv_entry *pv, void *arg)
{
	struct check *c = arg;
	struct pmap_path path;
	pt_entry_t pte = 0;

	if (pmap_path_lookup(c->pm, pv->pv_va, &path))
		pte = pte_load(path.pte[path.level]);
	struct pmap_page *pg = pte_valid_p(pte) && pte_managed_p(pte) ?
	    pmap_kern_phys_to_page(pte_pa(pte, path.level)) : NULL;
	bool listed = false;
	if (pg != NULL) {
		pmap_page_lock(pg);
		for (struct pv_entry *p = pg->pp_pvlist; p != NULL; p = p->pv_next)
			listed |= p == pv;
		pmap_page_unlock(pg);
	}
	CHECK(c, listed, "pmap_check: pv entry %p (pmap %p va %#" PMAP_PRIxVADDR ") has no "
	    "matching managed PTE\n", (void *)pv, (void *)c->pm, pv->pv_va);
	return false;
}

/* Check the table at level l reached through `parent`, covering [base, base + span). */
static void
check_table(struct check *c, int l, vaddr_t base, vaddr_t lo, vaddr_t hi, pt_entry_t parent,
    struct pmap_page *tpp)
{
	pt_entry_t *tbl = pmap_md_ops.table(c->pm, l, base, parent);
	vaddr_t size = pmap_level_size(l);
	unsigned valid = 0;

	for (unsigned i = 0; i < PMAP_LEVEL_ENTRIES(l); i++) {
		vaddr_t va = pmap_va_canonical(base + i * size);
		pt_entry_t e = pte_load(&tbl[i]);
		if (l == 0 && !c->pm->pm_is_kernel && va < VM_MAXUSER_ADDRESS)
			CHECK(c, pte_valid_p(e) == ((c->pm->pm_root_used[i / 64] >> (i % 64)) & 1),
			    "pmap_check: pmap %p root slot %u (va %#" PMAP_PRIxVADDR ") is %s but "
			    "its used bit %s\n", (void *)c->pm, i, va,
			    pte_valid_p(e) ? "valid" : "invalid",
			    pte_valid_p(e) ? "is clear" : "is set");
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
	PMAP_LOCKED(pm);
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
	pmap_pv_chunk_foreach(pm, check_pv_entry, &c);
	pmap_users_lock();	/* the kernel root entries hold still */
	c.errs += pmap_md_ops.check(pm, print);
	pmap_users_unlock();
	return c.errs;
}
