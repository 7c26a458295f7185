/*
 * How much stack a pmap call needs: kernels with small stacks (4 KiB is
 * common) must know.  The stack below the caller is painted, the deepest
 * paths are run (table and pv-chunk allocation with a reclaim at the soft
 * limit, a demotion, removal with table frees and a shootdown, the
 * page-level operations, pmap_copy, pmap_mappings, pmap_check), and the
 * painted words left untouched tell how deep each went.  The library is
 * built with a frame limit (LIB_FRAME_LIMIT); docs/embedding.md has the
 * numbers.
 */
#include "t.h"

#define PAINT_BYTES	8192u
#define PAINT_WORD	0x57ac57acu
#define UVA		0x58000000u
#define RW		(VM_PROT_READ | VM_PROT_WRITE)
/*
 * What a pmap call may take: half a 4 KiB stack on 32-bit targets (twice
 * that on 64-bit ones).  AddressSanitizer's redzones make every frame larger
 * (4-level demotion paths pass 4 KiB under it), and ThreadSanitizer's
 * instrumentation some: twice the budget there; the plain host build and
 * every guest keep the real one.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define T_ASAN_FRAMES	2
#endif
#endif
#ifndef T_ASAN_FRAMES
#define T_ASAN_FRAMES	1
#endif
#define STACK_BUDGET	(T_ASAN_FRAMES * 512u * sizeof(void *))

static __attribute__((noinline)) void
paint(void)
{
	volatile uint32_t buf[PAINT_BYTES / 4];

	for (unsigned i = 0; i < PAINT_BYTES / 4; i++)
		buf[i] = PAINT_WORD;
}

/* Bytes of the painted area (below this frame's level) that were written. */
static __attribute__((noinline)) unsigned
used(void)
{
	volatile uint32_t buf[PAINT_BYTES / 4];
	unsigned i = 0;

	while (i < PAINT_BYTES / 4 && buf[i] == PAINT_WORD)
		i++;
	return PAINT_BYTES - i * 4;
}

struct deep {
	struct tctx	*t;
	struct pmap	*pm, *pm2;
	paddr_t		 pa, block;
	vaddr_t		 big;
};

static int
count_fn(const struct pmap_mapping *m, void *arg)
{
	(void)m;
	++*(unsigned *)arg;
	return 0;
}

static void op_enter(struct deep *d)
{
	for (unsigned i = 0; i < 4; i++)	/* a new table each, and pv entries */
		pmap_enter(d->pm, UVA + i * 0x00400000u, d->pa, RW, PMAP_CANFAIL);
}
static void op_reclaim(struct deep *d)
{
	pmap_pv_set_soft_limit(1);	/* the next pv entry reclaims a mapping first */
	pmap_enter(d->pm2, UVA, d->pa, RW, PMAP_CANFAIL);
	pmap_pv_set_soft_limit(CONFIG_PMAP_PV_SOFT_LIMIT);
}
static void op_demote(struct deep *d) { pmap_kremove(d->big + PAGE_SIZE, PAGE_SIZE); }
static void op_protect(struct deep *d) { pmap_page_protect(t_pg(d->pa), VM_PROT_READ); }
static void op_clear(struct deep *d) { pmap_clear_modify(t_pg(d->pa)); }
static void op_copy(struct deep *d) { pmap_copy(d->pm2, d->pm, UVA, 0x01000000u, UVA); }
static void op_mappings(struct deep *d)
{
	unsigned n = 0;
	pmap_mappings(d->pm, 0, 0, count_fn, &n);
}
static void op_check(struct deep *d) { pmap_check(d->pm, kprintf); }
static void quiet(const char *fmt, ...) { (void)fmt; }
static void op_dump(struct deep *d) { pmap_dump(d->pm, quiet); }
static void op_remove(struct deep *d)
{
	pmap_remove(d->pm, UVA, UVA + 0x01000000u);	/* tables freed, a shootdown */
	pmap_update(d->pm);
}
static void op_destroy_path(struct deep *d)
{
	pmap_page_protect(t_pg(d->pa), VM_PROT_NONE);
	pmap_remove_all(d->pm2);
	pmap_update(d->pm2);
}

static const struct {
	const char	*name;
	void		(*fn)(struct deep *);
} ops[] = {
	{ "pmap_enter (new tables, pv entries)", op_enter },
	{ "pmap_enter (pv reclaim at the soft limit)", op_reclaim },
	{ "pmap_kremove (demotion)", op_demote },
	{ "pmap_page_protect", op_protect },
	{ "pmap_clear_modify", op_clear },
	{ "pmap_copy", op_copy },
	{ "pmap_mappings", op_mappings },
	{ "pmap_check", op_check },
	{ "pmap_dump", op_dump },
	{ "pmap_remove + pmap_update (table frees, shootdown)", op_remove },
	{ "pmap_page_protect(NONE) + pmap_remove_all", op_destroy_path },
};

void
t_stack_use(struct tctx *t)
{
	struct deep d = { t, t_pmap(t), t_pmap(t), t_page(t), 0, 0 };
	unsigned deepest = 0, which = 0;
	vsize_t lsz = t_large_size();

	if (lsz > PAGE_SIZE && (d.block = t_block(t, lsz)) != 0) {
		d.big = VM_MAX_KERNEL_VA - 10 * t_leaf_span();
		pmap_kenter_range(d.big, d.block, lsz, RW, 0);
	}
	if (kern_ncpus() > 1)
		t_access_on(1, d.pm, UVA, PROBE_READ, 0, NULL);	/* live elsewhere: shootdowns */
	pmap_activate(d.pm);
	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (ops[i].fn == op_demote && d.big == 0)
			continue;
		paint();
		ops[i].fn(&d);
		unsigned u = used();
		if (u > deepest) {
			deepest = u;
			which = i;
		}
	}
	t_activate_on(1 < kern_ncpus() ? 1 : 0, pmap_kernel());
	pmap_activate(pmap_kernel());
	if (d.big != 0) {
		pmap_kremove(d.big, lsz);
		pmap_update(pmap_kernel());
	}
	kprintf("# deepest pmap call: %u bytes of stack below the caller (%s), budget %u\n",
	    deepest, ops[which].name, (unsigned)STACK_BUDGET);
	T_ASSERT(t, deepest > 0 && deepest < PAINT_BYTES, "measured %u bytes", deepest);
	T_ASSERT(t, deepest <= STACK_BUDGET, "%s takes %u bytes of stack", ops[which].name,
	    deepest);
}
