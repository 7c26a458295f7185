/*
 * Instruction counts (issue 16): pmapkit-host icount=OP runs one operation
 * over B_IC_PAGES pages inside a function of its own, ic_OP, so that
 * callgrind (--toggle-collect=ic_OP) counts exactly that; scripts/icount.py
 * keeps the library's instructions (mi/ and md/, not the MMU model nor the
 * test kernel) and divides by the pages.  Each OP has a floor_OP: the same
 * work done by a bare walker over the backend's geometry and entry helpers
 * (no pv entries, no counts, no batching, no locks, no invalidation),
 * tests/floor.c.  Host only: the guest has no callgrind.
 *
 * The operations: enter (into present tables), extract, remove1 (one
 * pmap_remove per page, then one pmap_update), removerange (one pmap_remove
 * of the range, pmap_update), protect (one pmap_protect of the range to
 * read-only), kenter (one pmap_kenter_range of 4 KiB pages); emptyspan and
 * emptyhalf: one pmap_remove over a span that holds no table (up to 3 GiB
 * of user space, and half of it), a page mapped just below it, counted per
 * call: scripts/icount.py checks that twice the span costs about the same
 * (the walk costs what the tables present cost, not the span's size).
 */
#include "t.h"
#include "floor.h"
#include "icount.h"

#define IC_VA		0x10000000u
#define IC_PAGES	4096u
#define RW		(VM_PROT_READ | VM_PROT_WRITE)

static paddr_t ic_pa[IC_PAGES];

/* One leaf table's worth of the range at most, for the per-call operations: tables present. */
static unsigned
ic_small(void)
{
	unsigned n = (unsigned)(t_leaf_span() / PAGE_SIZE) / 2;

	return n < IC_PAGES ? n : IC_PAGES;
}

static __attribute__((noinline)) void
ic_enter(struct pmap *pm, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (pmap_enter(pm, IC_VA + i * PAGE_SIZE, ic_pa[i], RW, 0) != 0)
			kpanic("ic_enter: pmap_enter failed");
}

static __attribute__((noinline)) void
ic_extract(struct pmap *pm, unsigned n)
{
	paddr_t pa;

	for (unsigned i = 0; i < n; i++)
		if (!pmap_extract(pm, IC_VA + i * PAGE_SIZE, &pa))
			kpanic("ic_extract: not mapped");
}

static __attribute__((noinline)) void
ic_remove1(struct pmap *pm, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		pmap_remove(pm, IC_VA + i * PAGE_SIZE, IC_VA + (i + 1) * PAGE_SIZE);
	pmap_update(pm);
}

static __attribute__((noinline)) void
ic_removerange(struct pmap *pm, unsigned n)
{
	pmap_remove(pm, IC_VA, IC_VA + n * PAGE_SIZE);
	pmap_update(pm);
}

static __attribute__((noinline)) void
ic_protect(struct pmap *pm, unsigned n)
{
	pmap_protect(pm, IC_VA, IC_VA + n * PAGE_SIZE, VM_PROT_READ);
	pmap_update(pm);
}

/* Physical pages for the kenter runs: not aligned to a large page, so 4 KiB leaves. */
static paddr_t
ic_kpa(void)
{
	paddr_t pa = ic_pa[1];

	return (pa & (t_large_size() - 1)) == 0 ? pa + PAGE_SIZE : pa;
}

static __attribute__((noinline)) void
ic_kenter(vaddr_t kva, unsigned n)
{
	pmap_kenter_range(kva, ic_kpa(), n * PAGE_SIZE, RW, 0);
}

/* The empty span: [IC_VA, IC_VA + span), whole leaf-table spans, at most 3 GiB; or its half. */
static vaddr_t
ic_span(bool half)
{
	vaddr_t leaf = t_leaf_span(), room = VM_MAXUSER_ADDRESS - IC_VA - leaf;
	vaddr_t span = room < (vaddr_t)3 << 30 ? room : (vaddr_t)3 << 30;

	if (half)
		span /= 2;
	return span & ~(leaf - 1);
}

static __attribute__((noinline)) void
ic_emptyspan(struct pmap *pm, vaddr_t span)
{
	pmap_remove(pm, IC_VA, IC_VA + span);
}

static __attribute__((noinline)) void
floor_ic_emptyspan(struct floor *f, vaddr_t span)
{
	floor_remove(f, IC_VA, IC_VA + span);
}

static __attribute__((noinline)) void
floor_ic_enter(struct floor *f, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		floor_enter(f, IC_VA + i * PAGE_SIZE, ic_pa[i], RW);
}

static __attribute__((noinline)) void
floor_ic_extract(struct floor *f, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (floor_extract(f, IC_VA + i * PAGE_SIZE) == 0)
			kpanic("floor_ic_extract: not mapped");
}

static __attribute__((noinline)) void
floor_ic_remove1(struct floor *f, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		floor_remove(f, IC_VA + i * PAGE_SIZE, IC_VA + (i + 1) * PAGE_SIZE);
}

static __attribute__((noinline)) void
floor_ic_removerange(struct floor *f, unsigned n)
{
	floor_remove(f, IC_VA, IC_VA + n * PAGE_SIZE);
}

static __attribute__((noinline)) void
floor_ic_protect(struct floor *f, unsigned n)
{
	floor_protect(f, IC_VA, IC_VA + n * PAGE_SIZE, VM_PROT_READ);
}

static __attribute__((noinline)) void
floor_ic_kenter(struct floor *f, vaddr_t kva, unsigned n)
{
	floor_map_range(f, kva, ic_kpa(), n, RW);
}

/* Map pages [0, n) of the range in pm (or the floor), for the operations that need them. */
static void
ic_map(struct pmap *pm, struct floor *f, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (f != NULL)
			floor_enter(f, IC_VA + i * PAGE_SIZE, ic_pa[i], RW);
		else if (pmap_enter(pm, IC_VA + i * PAGE_SIZE, ic_pa[i], RW, 0) != 0)
			kpanic("ic_map: pmap_enter failed");
	if (pm != NULL)
		pmap_update(pm);
}

static const char *const ic_ops[] = { "enter", "extract", "remove1", "removerange",
	"protect", "kenter", "emptyspan", "emptyhalf" };

bool
icount_known(const char *op, size_t len)
{
	bool floor = len > 6 && strncmp(op, "floor_", 6) == 0;

	for (unsigned i = 0; i < sizeof(ic_ops) / sizeof(ic_ops[0]); i++) {
		size_t k = strlen(ic_ops[i]);
		if (len == k + (floor ? 6 : 0) && strncmp(op + (floor ? 6 : 0), ic_ops[i], k) == 0)
			return true;
	}
	return false;
}

/* Run operation op (or floor_op) once over its pages; print what was counted. */
int
icount_run(const char *op, size_t len)
{
	bool fl = len > 6 && strncmp(op, "floor_", 6) == 0;
	const char *name = fl ? op + 6 : op;
	size_t nlen = fl ? len - 6 : len;
	struct pmap *pm = fl ? NULL : pmap_create();
	struct floor f;
	unsigned n = ic_small();
	vaddr_t kva = t_large_va(3, IC_PAGES * PAGE_SIZE > t_leaf_span() ?
	    (vsize_t)IC_PAGES * PAGE_SIZE : t_leaf_span());

	for (unsigned i = 0; i < IC_PAGES; i++)
		if (physmem_alloc(&ic_pa[i]) != 0)
			kpanic("icount_run: no page");
	if (fl)
		floor_init(&f);
#define IS(s)	(nlen == sizeof(s) - 1 && strncmp(name, s, nlen) == 0)
	if (IS("enter")) {
		/* Tables present: a page beyond the measured ones keeps them. */
		if (fl) {
			floor_enter(&f, IC_VA + n * PAGE_SIZE, ic_pa[n], RW);
			floor_ic_enter(&f, n);
		} else {
			if (pmap_enter(pm, IC_VA + n * PAGE_SIZE, ic_pa[n], RW, 0) != 0)
				kpanic("icount_run: pmap_enter failed");
			ic_enter(pm, n);
		}
	} else if (IS("extract")) {
		ic_map(pm, fl ? &f : NULL, n);
		if (fl)
			floor_ic_extract(&f, n);
		else
			ic_extract(pm, n);
	} else if (IS("remove1")) {
		ic_map(pm, fl ? &f : NULL, n + 1);	/* the last keeps the table */
		if (fl)
			floor_ic_remove1(&f, n);
		else
			ic_remove1(pm, n);
	} else if (IS("removerange") || IS("protect")) {
		n = IC_PAGES;
		ic_map(pm, fl ? &f : NULL, n);
		if (IS("protect"))
			fl ? floor_ic_protect(&f, n) : ic_protect(pm, n);
		else
			fl ? floor_ic_removerange(&f, n) : ic_removerange(pm, n);
	} else if (IS("emptyspan") || IS("emptyhalf")) {
		/* The tables of the page below the span stay outside it. */
		vaddr_t span = ic_span(IS("emptyhalf"));
		if (fl) {
			floor_enter(&f, IC_VA - PAGE_SIZE, ic_pa[0], RW);
			floor_ic_emptyspan(&f, span);
		} else {
			if (pmap_enter(pm, IC_VA - PAGE_SIZE, ic_pa[0], RW, 0) != 0)
				kpanic("icount_run: pmap_enter failed");
			ic_emptyspan(pm, span);
		}
		n = 1;
	} else {
		n = IC_PAGES - 1;
		fl ? floor_ic_kenter(&f, kva, n) : ic_kenter(kva, n);
	}
#undef IS
	kprintf("KTAP version 1\n1..0\n# icount %.*s: %u pages, backend %s\n", (int)len, op, n,
	    PMAP_MD_NAME);
	return KERN_EXIT_PASS;
}
