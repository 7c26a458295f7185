/*
 * pmap_dump: an address space in the manner of Linux's ptdump.  Runs of
 * mappings with consecutive addresses and the same kind (leaf size,
 * protection, user/kernel, global, wired, managed, A, D, cache mode) are
 * one line each, with their size; the page-table pages the space uses are
 * counted per level.  Built on pmap_mappings, so it sees exactly the part
 * of the space that is pm's.
 */
#include "pmap_int.h"

struct dump_run {
	void		(*print)(const char *, ...) __attribute__((format(printf, 1, 2)));
	bool		 open;
	struct pmap_mapping first;	/* the run's first mapping */
	vaddr_t		 end;		/* where the run ends (0: the top) */
	paddr_t		 next_pa;	/* where its physical pages would go on */
	bool		 scattered;	/* its physical pages are not one range */
	unsigned long	 pages, runs, total;
};

static bool
dump_same_kind(const struct pmap_mapping *a, const struct pmap_mapping *b)
{
	return a->size == b->size && a->prot == b->prot && a->wired == b->wired &&
	    a->managed == b->managed && a->user == b->user && a->global == b->global &&
	    a->nocache == b->nocache && a->referenced == b->referenced &&
	    a->modified == b->modified;
}

/* bytes as "4 KiB", "2 MiB", "1 GiB" (rounded down). */
static void
dump_bytes(char *buf, size_t n, uint64_t bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned u = 0;

	while (u < 4 && bytes >= 1024 && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	/*
	 * A short formatter of our own: the library has no snprintf.  A run
	 * is whole pages, so bytes is now at most the VA space / 1 KiB and
	 * fits a vaddr_t: no 64-bit division (a libgcc call on 32-bit MMUs).
	 */
	vaddr_t v = (vaddr_t)bytes;
	char tmp[24];
	int len = 0;
	do {
		tmp[len++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && len < 20);
	size_t o = 0;
	while (len > 0 && o + 1 < n)
		buf[o++] = tmp[--len];
	for (const char *s = " "; *s != '\0' && o + 1 < n; s++)
		buf[o++] = *s;
	for (const char *s = unit[u]; *s != '\0' && o + 1 < n; s++)
		buf[o++] = *s;
	buf[o] = '\0';
}

static void
dump_flush(struct dump_run *d)
{
	const struct pmap_mapping *m = &d->first;
	char size[16], leaf[16];

	if (!d->open)
		return;
	dump_bytes(size, sizeof(size), (uint64_t)d->pages * PAGE_SIZE);
	dump_bytes(leaf, sizeof(leaf), m->size);
	d->print("  %#" PMAP_PRIxVADDR "-%#" PMAP_PRIxVADDR " %10s %7s %c%c%c %s %s %s %s %s %s %s "
	    "pa %#" PMAP_PRIxPADDR "%s\n", m->va, d->end - 1, size, leaf,
	    (m->prot & VM_PROT_READ) ? 'r' : '-', (m->prot & VM_PROT_WRITE) ? 'w' : '-',
	    (m->prot & VM_PROT_EXECUTE) ? 'x' : '-', m->user ? "user" : "kern",
	    m->global ? "G" : "-", m->wired ? "W" : "-", m->managed ? "M" : "-",
	    m->referenced ? "A" : "-", m->modified ? "D" : "-", m->nocache ? "uc" : "wb",
	    m->pa, d->scattered ? " (scattered)" : "");
	d->runs++;
	d->open = false;
}

static int
dump_fn(const struct pmap_mapping *m, void *arg)
{
	struct dump_run *d = arg;

	if (!d->open || m->va != d->end || !dump_same_kind(&d->first, m)) {
		dump_flush(d);
		*d = (struct dump_run){ .print = d->print, .open = true, .first = *m,
		    .end = m->va, .next_pa = m->pa, .runs = d->runs, .total = d->total };
	}
	if (m->pa != d->next_pa)
		d->scattered = true;
	d->end = m->va + m->size;
	d->next_pa = m->pa + m->size;
	d->pages += m->size / PAGE_SIZE;
	d->total += m->size / PAGE_SIZE;
	return 0;
}

/* Count the tables below level l of pm's part [lo, hi) of the space, per level. */
static void
dump_tables(struct pmap *pm, int l, vaddr_t base, pt_entry_t parent, vaddr_t lo, vaddr_t hi,
    unsigned long *per_level)
{
	pt_entry_t *tbl = pmap_md_ops.table(pm, l, base, parent);
	vaddr_t size = pmap_level_size(l);

	for (unsigned i = 0; i < PMAP_LEVEL_ENTRIES(l); i++) {
		vaddr_t va = pmap_va_canonical(base + i * size);
		pt_entry_t e = pte_load(&tbl[i]);
		if (!pte_valid_p(e) || pte_leaf_p(e, l) || va + (size - 1) < lo || va > hi - 1)
			continue;
		per_level[l + 1]++;
		if (l + 1 < PMAP_LEAF_LEVEL) {
			dump_tables(pm, l + 1, va, e, lo, hi, per_level);
			tbl = pmap_md_ops.table(pm, l, base, parent);
		}
	}
}

void
pmap_dump(struct pmap *pm, void (*print)(const char *fmt, ...)
    __attribute__((format(printf, 1, 2))))
{
	PMAP_LOCKED(pm);
	struct dump_run d = { .print = print };
	unsigned long per_level[PMAP_MD_NLEVELS] = { 1 };	/* the root */
	vaddr_t lo = pm->pm_is_kernel ? pmap_kernel_min() : VM_MIN_ADDRESS;
	vaddr_t hi = pm->pm_is_kernel ? VM_MAX_KERNEL_VA : VM_MAXUSER_ADDRESS;

	dump_tables(pm, 0, 0, 0, lo, hi, per_level);
	print("pmap %p (%s, %s), %d levels\n", (void *)pm, pm->pm_is_kernel ? "kernel" : "user",
	    pmap_md_ops.name, PMAP_MD_NLEVELS);
	for (int l = 0; l < PMAP_MD_NLEVELS; l++)
		print("  page-table pages at level %d: %lu%s\n", l, per_level[l],
		    l == 0 ? " (the root)" : "");
	print("  %-21s %10s %7s %3s %4s %s %s %s %s %s %s pa\n", "va", "size", "leaf", "rwx",
	    "mode", "G", "W", "M", "A", "D", "cache");
	pmap_mappings(pm, lo, hi, dump_fn, &d);
	dump_flush(&d);
	print("  %lu runs, %lu pages mapped (resident %ld, wired %ld)\n", d.runs, d.total,
	    pm->pm_resident, pm->pm_wired);
}
