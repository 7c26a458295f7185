/*
 * The floor for the instruction counts (tests/icount.c): what a page-table
 * walker costs with nothing else, over the backend's own geometry
 * (PMAP_LEVEL_SHIFT, PMAP_LEVEL_ENTRIES: constants, as mi/ uses them) and
 * entry helpers (<pte.h>), so that pmapkit's numbers
 * are read against the same tree shape and entry format.  No pv entries,
 * no resident or table counts, no batching, no locks, no TLB invalidation,
 * no checks: plain loads and stores in tables reached through the direct
 * map (plat_phys), never made live on a CPU.  Each entry is read and
 * written in one access (<pte.h>'s pte_load and pte_store), as any code
 * writing tables an MMU walks must: plain stores would let the compiler
 * merge them into vector stores, which no page-table writer may use.
 * Table pages come from the
 * test kernel's allocator and are never freed (the run is a throwaway
 * process).
 */
#include "t.h"
#include "floor.h"

#include <pmap/pmap_md_ops.h>
#include <pte.h>

static inline pt_entry_t *
fl_table(paddr_t pa)
{
	return plat_phys(pa);
}

static inline unsigned
fl_index(int l, vaddr_t va)
{
	return (unsigned)(va >> PMAP_LEVEL_SHIFT(l)) & (PMAP_LEVEL_ENTRIES(l) - 1u);
}

static paddr_t
fl_new_table(void)
{
	paddr_t pa;

	if (physmem_alloc_direct(&pa) != 0)
		kpanic("floor: no page for a table");
	memset(fl_table(pa), 0, PAGE_SIZE);
	return pa;
}

void
floor_init(struct floor *f)
{
	f->root = fl_new_table();
}

/* The leaf table for va, made where missing. */
static pt_entry_t *
fl_leaf_table(struct floor *f, vaddr_t va)
{
	paddr_t t = f->root;

	for (int l = 0; l < PMAP_LEAF_LEVEL; l++) {
		pt_entry_t *e = &fl_table(t)[fl_index(l, va)];
		if (!pte_valid_p(pte_load(e)))
			pte_store(e, pte_make_table(fl_new_table(), true, l));
		t = pte_pa(pte_load(e), l);
	}
	return fl_table(t);
}

void
floor_enter(struct floor *f, vaddr_t va, paddr_t pa, vm_prot_t prot)
{
	pte_store(&fl_leaf_table(f, va)[fl_index(PMAP_LEAF_LEVEL, va)],
	    pte_make(pa, prot, PMAP_MK_USER, PMAP_LEAF_LEVEL));
}

paddr_t
floor_extract(struct floor *f, vaddr_t va)
{
	paddr_t t = f->root;

	for (int l = 0; l < PMAP_LEAF_LEVEL; l++) {
		pt_entry_t e = pte_load(&fl_table(t)[fl_index(l, va)]);
		if (!pte_valid_p(e))
			return 0;
		t = pte_pa(e, l);
	}
	pt_entry_t e = pte_load(&fl_table(t)[fl_index(PMAP_LEAF_LEVEL, va)]);
	return pte_valid_p(e) ? pte_pa(e, PMAP_LEAF_LEVEL) + (va & PAGE_MASK) : 0;
}

/* Apply to the valid leaves of [sva, eva) below table t (level l): clear, or restrict to prot. */
static void
fl_range(paddr_t t, int l, vaddr_t sva, vaddr_t eva, bool clear, vm_prot_t prot)
{
	pt_entry_t *tbl = fl_table(t);
	vaddr_t size = (vaddr_t)1 << PMAP_LEVEL_SHIFT(l);

	for (vaddr_t va = sva, next; va < eva; va = next) {
		next = (va & ~(size - 1)) + size;
		if (next == 0 || next > eva)
			next = eva;
		pt_entry_t *e = &tbl[fl_index(l, va)], v = pte_load(e);
		if (!pte_valid_p(v))
			continue;
		if (l == PMAP_LEAF_LEVEL)
			pte_store(e, clear ? 0 : pte_restrict(v, prot));
		else
			fl_range(pte_pa(v, l), l + 1, va, next, clear, prot);
	}
}

void
floor_remove(struct floor *f, vaddr_t sva, vaddr_t eva)
{
	fl_range(f->root, 0, sva, eva, true, 0);
}

void
floor_protect(struct floor *f, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	fl_range(f->root, 0, sva, eva, false, prot);
}

/* Map [va, va + npages) to [pa, ...): one walk per leaf table, then its entries in a row. */
void
floor_map_range(struct floor *f, vaddr_t va, paddr_t pa, unsigned npages, vm_prot_t prot)
{
	unsigned per = PMAP_LEVEL_ENTRIES(PMAP_LEAF_LEVEL);

	while (npages > 0) {
		pt_entry_t *tbl = fl_leaf_table(f, va);
		unsigned i = fl_index(PMAP_LEAF_LEVEL, va);
		for (; i < per && npages > 0; i++, npages--, va += PAGE_SIZE, pa += PAGE_SIZE)
			pte_store(&tbl[i], pte_make(pa, prot, PMAP_MK_GLOBAL | PMAP_MK_WIRED,
			    PMAP_LEAF_LEVEL));
	}
}
