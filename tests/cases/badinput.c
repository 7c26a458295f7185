/*
 * Bad inputs and their defined outcomes: one check per row of
 * docs/bad-inputs.md.  Every row here is a broken contract, so the outcome is
 * a panic naming the function and the values; panics are caught on the host
 * build only (the guest reports the test skipped).  Every panic fires before
 * the pmap changes, so the suite continues over a consistent pmap.
 */
#include "t.h"

#define UVA	0x70000000u
#define RW	(VM_PROT_READ | VM_PROT_WRITE)

enum bad_op { B_ENTER, B_REMOVE, B_PROTECT, B_KENTER, B_KREMOVE, B_UNWIRE, B_DESTROY,
	B_GROW, B_KRANGE_RO, B_KRANGE };

struct bad_case {
	const char	*row;
	enum bad_op	 op;
	bool		 user;		/* on the test's user pmap, else the kernel's */
	vaddr_t		 va, eva;
	paddr_t		 pa;
	vm_prot_t	 prot;
	unsigned	 flags;
	const char	*want;		/* the panic message contains this, formatted
				   with (va, eva), or (eva) when it names eva
				   alone: width-neutral (b_expect) */
};

static struct pmap *b_pm;

static void
b_run(void *arg)
{
	const struct bad_case *c = arg;
	struct pmap *pm = c->user ? b_pm : pmap_kernel();

	switch (c->op) {
	case B_ENTER:	pmap_enter(pm, c->va, c->pa, c->prot, c->flags); break;
	case B_REMOVE:	pmap_remove(pm, c->va, c->eva); break;
	case B_PROTECT:	pmap_protect(pm, c->va, c->eva, c->prot); break;
	case B_KENTER:	pmap_kenter_pa(c->va, c->pa, c->prot, c->flags); break;
	case B_KREMOVE:	pmap_kremove(c->va, c->eva - c->va); break;
	case B_UNWIRE:	pmap_unwire(pm, c->va); break;
	case B_DESTROY:	pmap_destroy(pm); break;
	case B_GROW:	pmap_growkernel(c->va); break;
	case B_KRANGE_RO: pmap_kremove(c->va, c->eva); break;
	case B_KRANGE:	pmap_kenter_range(c->va, c->pa, c->eva, c->prot, c->flags); break;
	}
}

#define KV	(VM_MIN_KERNEL_VA + 0x00800000u)	/* tests' kernel VA (tlib.c) */
/*
 * The layout from the backend's pmap_md.h, never a width: the top page
 * (above VM_MAX_KERNEL_VA, reserved on every backend), and a kernel VA no
 * test grows the kernel to (248 MiB below the kernel space's end).
 */
#define B_TOP		((vaddr_t)0 - PAGE_SIZE)
#define B_UNGROWN	((vaddr_t)(VM_MAX_KERNEL_VA - 0x0F800000u))

static const struct bad_case bad_cases[] = {
	{ "unaligned va", B_ENTER, true, UVA + 0x10, 0, 0x100000, RW, 0,
	  "pmap_enter: va %#" PMAP_PRIxVADDR " not page aligned" },
	{ "unaligned pa", B_ENTER, true, UVA, 0, 0x100800, RW, 0,
	  "pmap_enter: pa 0x100800 not page aligned" },
	{ "unaligned range end", B_REMOVE, true, UVA, UVA + 0x1800, 0, 0, 0,
	  "pmap_remove: eva %#" PMAP_PRIxVADDR " not page aligned" },
	{ "sva > eva", B_REMOVE, true, UVA + 0x2000, UVA, 0, 0, 0,
	  "pmap_remove: sva %#" PMAP_PRIxVADDR " > eva %#" PMAP_PRIxVADDR "" },
	{ "range wrapping the address space", B_KREMOVE, false, B_TOP, PAGE_SIZE, 0, 0, 0,
	  "pmap_kremove: sva %#" PMAP_PRIxVADDR " > eva %#" PMAP_PRIxVADDR "" },
	{ "va above the kernel space (self-map, windows)", B_KENTER, false,
	  VM_MAX_KERNEL_VA + 0x5000, 0, 0x100000, RW, 0, "is in a reserved area" },
	{ "va at the top page (above the kernel space)", B_ENTER, false, B_TOP, 0, 0x100000, RW, 0,
	  "is in a reserved area" },
	{ "va in the direct map", B_KENTER, false, KERNBASE + 0x200000, 0, 0x100000, RW, 0,
	  "is in a reserved area" },
	{ "range reaching above the kernel space", B_PROTECT, false, VM_MAX_KERNEL_VA - PAGE_SIZE,
	  VM_MAX_KERNEL_VA + PAGE_SIZE, 0, VM_PROT_READ, 0, "touches a reserved area" },
	{ "user va in the kernel pmap", B_ENTER, false, UVA, 0, 0x100000, RW, 0,
	  "pmap_enter: user va %#" PMAP_PRIxVADDR " in the kernel pmap" },
	{ "kernel va in a user pmap", B_ENTER, true, KERNBASE + 0x1000, 0, 0x100000, RW, 0,
	  "pmap_enter: va %#" PMAP_PRIxVADDR " outside the user space of pmap" },
	{ "kernel range in a user pmap", B_REMOVE, true, VM_MAXUSER_ADDRESS - 2 * PAGE_SIZE,
	  VM_MAXUSER_ADDRESS + PAGE_SIZE, 0, 0, 0,
	  "pmap_remove: range %#" PMAP_PRIxVADDR "-%#" PMAP_PRIxVADDR " outside the user space of pmap" },
	{ "prot with write but no read", B_ENTER, true, UVA, 0, 0x100000, VM_PROT_WRITE, 0,
	  "pmap_enter: prot 0x2 has write without read" },
	{ "prot with write but no read (kenter)", B_KENTER, false, KV, 0, 0x100000, VM_PROT_WRITE, 0,
	  "pmap_kenter_pa: prot 0x2 has write without read" },
	{ "prot none in pmap_enter", B_ENTER, true, UVA, 0, 0x100000, VM_PROT_NONE, 0,
	  "pmap_enter: va %#" PMAP_PRIxVADDR " with VM_PROT_NONE" },
	{ "prot none in pmap_kenter_pa", B_KENTER, false, KV, 0, 0x100000, VM_PROT_NONE, 0,
	  "pmap_kenter_pa: va %#" PMAP_PRIxVADDR " with VM_PROT_NONE" },
	{ "pmap_kenter_pa flag other than PMAP_NOCACHE", B_KENTER, false, KV, 0, 0x100000, RW,
	  PMAP_WIRED, "pmap_kenter_pa: unknown flags 0x10" },
	{ "access type exceeding prot", B_ENTER, true, UVA, 0, 0x100000, VM_PROT_READ,
	  VM_PROT_WRITE, "pmap_enter: access type 0x2 exceeds prot 0x1" },
	{ "unknown pmap_enter flag", B_ENTER, true, UVA, 0, 0x100000, RW, 0x8000,
	  "pmap_enter: unknown flags 0x8000" },
	{ "unwire of an unmapped va", B_UNWIRE, true, UVA + 0x5000, 0, 0, 0, 0,
	  "pmap_unwire: va %#" PMAP_PRIxVADDR " not mapped" },
	{ "kenter beyond pmap_growkernel", B_KENTER, false, B_UNGROWN, 0, 0x100000, RW, 0,
	  "pmap_kenter_pa: va %#" PMAP_PRIxVADDR " has no page table" },
	{ "kernel enter beyond pmap_growkernel", B_ENTER, false, B_UNGROWN, 0, 0x100000, RW, 0,
	  "pmap_enter: kernel va %#" PMAP_PRIxVADDR " beyond pmap_growkernel" },
	{ "growkernel past the kernel space", B_GROW, false, VM_MAX_KERNEL_VA + PAGE_SIZE, 0, 0,
	  0, 0, "beyond the kernel space end" },
	{ "destroy of the kernel pmap", B_DESTROY, false, 0, 0, 0, 0, 0,
	  "pmap_destroy: the kernel pmap" },
};
#define NBAD	(sizeof(bad_cases) / sizeof(bad_cases[0]))

static void
b_expect(struct tctx *t, const struct bad_case *c, unsigned *rows)
{
	char want[160];

	if (strstr(c->want, ": eva %") != NULL)
		ksnprintf(want, sizeof(want), c->want, c->eva);
	else
		ksnprintf(want, sizeof(want), c->want, c->va, c->eva);
	T_ASSERT(t, t_expect_panic(t, b_run, (void *)c, want), "row \"%s\": wants \"%s\"",
	    c->row, want);
	(*rows)++;
}

void
t_bad_inputs(struct tctx *t)
{
	unsigned rows = 0;

	if (!t_panics_catchable())
		T_SKIP(t, "panics are caught on the host build only");
	b_pm = t_pmap(t);
	for (unsigned i = 0; i < NBAD; i++) {
		b_expect(t, &bad_cases[i], &rows);
		if (t->failed)
			return;
	}
	/* The physical limit is this CPU's (pmap_pa_bits), known only now. */
	const paddr_t top = t_pa_top_page();
	struct bad_case wrap = { "kenter_range over a wrapping physical range", B_KRANGE,
	    false, KV, 0x2000, top, RW, 0, "wraps or exceeds" };
	b_expect(t, &wrap, &rows);
	if ((paddr_t)-1 > top + PAGE_MASK) {	/* reachable when paddr_t is wider */
		struct bad_case wide = { "pa beyond the backend's physical addresses", B_ENTER,
		    true, UVA, 0, top + PAGE_SIZE, RW, 0, "beyond the " };
		b_expect(t, &wide, &rows);
	}
	/*
	 * Where the MMU translates fewer bits than a vaddr_t holds (amd64: 48
	 * of 64), the hole between the halves: its first and its last page,
	 * and a kernel range starting in it.
	 */
	const vaddr_t span = pmap_table_span(0), lo_end = span / 2;	/* 0: all of vaddr_t */
	if (span != 0 && lo_end == VM_MAXUSER_ADDRESS) {
		vaddr_t hole_top = (vaddr_t)0 - lo_end - PAGE_SIZE;
		struct bad_case hole[] = {
			{ "kenter at the hole's first page", B_KENTER, false, lo_end, 0, 0x100000,
			  RW, 0, "pmap_kenter_pa: va %#" PMAP_PRIxVADDR " is not canonical" },
			{ "kernel enter at the hole's last page", B_ENTER, false, hole_top, 0,
			  0x100000, RW, 0, "pmap_enter: va %#" PMAP_PRIxVADDR " is not canonical" },
			{ "kernel range from inside the hole", B_PROTECT, false, hole_top,
			  KERNBASE + PAGE_SIZE, 0, VM_PROT_READ, 0,
			  "pmap_protect: va %#" PMAP_PRIxVADDR " is not canonical" },
		};
		for (unsigned i = 0; i < sizeof(hole) / sizeof(hole[0]); i++)
			b_expect(t, &hole[i], &rows);
	}
	T_CHECK_PMAP(t, b_pm);
	T_CHECK_PMAP(t, pmap_kernel());
	kprintf("# %u bad-input rows panicked as documented\n", rows);
}

/* Rows that need a mapping or state set up first. */
void
t_bad_inputs_stateful(struct tctx *t)
{
	vaddr_t kva = t_kva(t, 2);
	paddr_t pa = t_page(t), pa2 = t_page(t);
	unsigned rows = 0;
	struct pmap *pm;

	if (!t_panics_catchable())
		T_SKIP(t, "panics are caught on the host build only");
	b_pm = pm = t_pmap(t);

	pmap_kenter_pa(kva, pa, RW, 0);
	struct bad_case unwire_k = { "unwire of a kenter mapping", B_UNWIRE, false, kva, 0, 0, 0,
	    0, "pmap_unwire: va %#" PMAP_PRIxVADDR " is an unmanaged kernel mapping" };
	b_expect(t, &unwire_k, &rows);
	struct bad_case over = { "kenter over an existing mapping", B_KENTER, false, kva, 0, pa2,
	    RW, 0, "pmap_kenter_pa: va" };
	b_expect(t, &over, &rows);
	struct bad_case over_enter = { "enter over a kenter mapping", B_ENTER, false, kva, 0, pa2,
	    RW, 0, "holds a kenter mapping" };
	b_expect(t, &over_enter, &rows);
	T_EQ(t, pmap_enter(pmap_kernel(), kva + PAGE_SIZE, pa2, RW, 0), 0);
	struct bad_case kr = { "kremove of a managed mapping", B_KREMOVE, false, kva + PAGE_SIZE,
	    kva + 2 * PAGE_SIZE, 0, 0, 0, "pmap_kremove: va" };
	b_expect(t, &kr, &rows);
	T_ASSERT(t, pmap_extract(pmap_kernel(), kva + PAGE_SIZE, NULL), "kremove panicked late");
	pmap_remove(pmap_kernel(), kva + PAGE_SIZE, kva + 2 * PAGE_SIZE);
	pmap_kremove(kva, PAGE_SIZE);

	T_EQ(t, pmap_enter(pm, UVA, pa, RW, 0), 0);
	struct bad_case busy = { "destroy of a pmap still holding mappings", B_DESTROY, true,
	    0, 0, 0, 0, 0, "still maps 1 pages" };
	b_expect(t, &busy, &rows);
	pmap_remove(pm, UVA, UVA + PAGE_SIZE);
	pmap_activate(pm);
	struct bad_case live = { "destroy of an active pmap", B_DESTROY, true, 0, 0, 0, 0, 0,
	    "still active on CPUs 0x1" };
	b_expect(t, &live, &rows);
	pmap_activate(pmap_kernel());

	const vsize_t lsz = t_large_size();
	const vaddr_t big = VM_MAX_KERNEL_VA - 2 * t_leaf_span();
	struct pmap_stats s0, s1;
	pmap_stats_get(&s0);
	pmap_kenter_range(big, PMAP_RAM_BASE + lsz, lsz, VM_PROT_READ, 0);
	pmap_stats_get(&s1);
	/* Splitting a large mapping needs a page; with none, the kernel mapping stays whole. */
	struct bad_case split = { "partial removal of a large mapping, no page for the split",
	    B_KRANGE_RO, false, big + PAGE_SIZE, PAGE_SIZE, 0, 0, 0,
	    "pmap_kremove: no page for the page table to split the large mapping at" };
	if (s1.large_mappings > s0.large_mappings) {
		long res = pmap_resident_count(pmap_kernel());
		physmem_fail_after(0);
		b_expect(t, &split, &rows);
		physmem_fail_after(-1);
		pmap_stats_get(&s1);
		T_ASSERT(t, pmap_extract(pmap_kernel(), big + PAGE_SIZE, NULL) &&
		    s1.large_mappings == s0.large_mappings + 1 &&
		    pmap_resident_count(pmap_kernel()) == res,
		    "the failed split changed the large mapping");
	} else {
		kprintf("# no large pages here: the split row does not apply\n");
	}
	pmap_kremove(big, lsz);
	pmap_update(pmap_kernel());
	T_CHECK_PMAP(t, pm);
	T_CHECK_PMAP(t, pmap_kernel());
	kprintf("# %u stateful bad-input rows panicked as documented\n", rows);
}

/*
 * Inputs at the edges that are valid and must work: the highest physical
 * page the backend addresses (as an unmanaged mapping), the last user page
 * below the trampoline, empty ranges.
 */
void
t_edge_inputs(struct tctx *t)
{
	struct pmap *pm = t_pmap(t);
	const paddr_t top = t_pa_top_page();
	paddr_t got;

	T_EQ(t, pmap_enter(pm, UVA, top, VM_PROT_READ, 0), 0);
	T_ASSERT(t, pmap_extract(pm, UVA + 4, &got) && got == top + 4);
	T_ASSERT(t, pmap_kern_phys_to_page(top) == NULL, "pa %#llx beyond RAM has a record",
	    (unsigned long long)top);
	T_EQ(t, pmap_enter(pm, KERN_USER_TRAMPOLINE_VA - PAGE_SIZE, t_page(t), RW, 0), 0);
	pmap_remove(pm, UVA, UVA);
	pmap_protect(pm, UVA, UVA, VM_PROT_READ);
	T_EQ(t, pmap_resident_count(pm), 2);
	T_CHECK_PMAP(t, pm);
	/*
	 * A managed page next to the unmanaged one, with the same prot and
	 * flags (pmap_enter keeps the entry bits of its last call): each entry
	 * must say which it is, and pmap_page_protect reach the managed one.
	 */
	paddr_t ram[2] = { t_page(t), t_page(t) };
	T_EQ(t, pmap_enter(pm, UVA + PAGE_SIZE, ram[0], VM_PROT_READ, 0), 0);
	T_EQ(t, pmap_enter(pm, UVA + 2 * PAGE_SIZE, top, VM_PROT_READ, 0), 0);
	T_EQ(t, pmap_enter(pm, UVA + 3 * PAGE_SIZE, ram[1], VM_PROT_READ, 0), 0);
	T_CHECK_PMAP(t, pm);
	for (unsigned i = 0; i < 2; i++) {
		vaddr_t va = UVA + (1 + 2 * i) * PAGE_SIZE;
		pmap_page_protect(t_pg(ram[i]), VM_PROT_NONE);
		T_ASSERT(t, !pmap_extract(pm, va, NULL), "pmap_page_protect missed va %#"
		    PMAP_PRIxVADDR, va);
	}
	T_ASSERT(t, pmap_extract(pm, UVA + 2 * PAGE_SIZE, &got) && got == top);
	T_EQ(t, pmap_resident_count(pm), 3);
	T_CHECK_PMAP(t, pm);
}
