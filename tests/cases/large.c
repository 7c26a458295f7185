/*
 * Large leaves changed in part: pmap(9) allows any page-aligned range, so
 * pmap_protect, pmap_kremove and pmap_remove of part of a large kernel
 * mapping demote it (a table of base pages with the same attributes and
 * A/D) and change only the part; the rest keeps working, on every CPU.
 * Once the whole range is removed again, the emptied table gives way to a
 * large leaf at the next pmap_kenter_range.
 */
#include "t.h"

#define RW	(VM_PROT_READ | VM_PROT_WRITE)

enum part_op { PART_PROTECT, PART_KREMOVE, PART_REMOVE, PART_NOPS };
static const char *const part_names[PART_NOPS] = { "pmap_protect(READ)", "pmap_kremove",
	"pmap_remove" };

/* The word each page of the block holds at offset 0. */
static uint32_t
marker(unsigned i)
{
	return 0x1a000000u | i;
}

/* The pages the checks look at: the changed run [2, 5) and around it, the middle, the ends. */
static bool
sampled(unsigned i, unsigned n)
{
	return i < 7 || i == n / 2 || i == n - 1;
}

/* Page i of the mapping at va after op changed pages [2, 5): as expected on cpu? */
static void
check_page(struct tctx *t, enum part_op op, vaddr_t va, paddr_t pa, unsigned i, unsigned cpu)
{
	bool changed = i >= 2 && i < 5;
	vaddr_t pva = va + i * PAGE_SIZE;
	uint32_t v = 0;
	paddr_t got;

	if (changed && op != PART_PROTECT) {
		T_ASSERT(t, !t_access_on(cpu, NULL, pva, PROBE_READ, 0, NULL),
		    "%s: CPU %u reads removed page %u", part_names[op], cpu, i);
		T_ASSERT(t, !pmap_extract(pmap_kernel(), pva, NULL));
		return;
	}
	T_ASSERT(t, t_access_on(cpu, NULL, pva, PROBE_READ, 0, &v) && v == marker(i),
	    "%s: CPU %u page %u read %#x", part_names[op], cpu, i, v);
	T_ASSERT(t, pmap_extract(pmap_kernel(), pva + 8, &got) && got == pa + i * PAGE_SIZE + 8);
	bool wrote = t_access_on(cpu, NULL, pva, PROBE_WRITE, marker(i), NULL);
	T_ASSERT(t, wrote != changed, "%s: CPU %u %s page %u", part_names[op], cpu,
	    wrote ? "wrote read-only" : "could not write", i);
}

/*
 * A change inside a large leaf of `size` splits it level by level down to
 * base pages: one demotion and one table per level below it (amd64 1 GiB:
 * two, the 1 GiB leaf to 2 MiB ones, one of those to 4 KiB pages).  The
 * steps, the large leaves left beside the split path, and the leaf size one
 * level down (what a page away from the change is mapped by).
 */
static unsigned
demote_steps(vsize_t size, long *large_left, vsize_t *first_split)
{
	unsigned steps = 0;

	*large_left = 0;
	*first_split = PAGE_SIZE;
	for (int l = 1; l < pmap_backend_levels(); l++) {
		vsize_t span = pmap_table_span(l);
		vsize_t next = l + 1 < pmap_backend_levels() ? pmap_table_span(l + 1) : PAGE_SIZE;
		if (span > size)
			continue;
		if (steps++ == 0)
			*first_split = next;
		if (next > PAGE_SIZE)
			*large_left += (long)(span / next) - 1;
	}
	return steps;
}

static void
part(struct tctx *t, enum part_op op, vaddr_t va, paddr_t pa, vsize_t size)
{
	struct pmap *kpm = pmap_kernel();
	unsigned n = (unsigned)(size / PAGE_SIZE), ncpus = kern_ncpus() > 1 ? 2 : 1;
	long res0 = pmap_resident_count(kpm), wired0 = pmap_wired_count(kpm);
	struct pmap_stats s0, s1, s2;

	pmap_stats_get(&s0);
	pmap_kenter_range(va, pa, size, RW, 0);
	pmap_update(kpm);
	pmap_stats_get(&s1);
	T_ASSERT(t, s1.large_mappings == s0.large_mappings + 1,
	    "%s: kenter_range made no large leaf (an emptied table is in the way?)", part_names[op]);
	/* Warm every TLB that will be checked, and set A/D on the large leaf. */
	for (unsigned c = 0; c < ncpus; c++)
		for (unsigned i = 0; i < n; i++)
			if (sampled(i, n))
				T_ASSERT(t, t_access_on(c, NULL, va + i * PAGE_SIZE, PROBE_WRITE,
				    marker(i), NULL));
	switch (op) {
	case PART_PROTECT:
		pmap_protect(kpm, va + 2 * PAGE_SIZE, va + 5 * PAGE_SIZE, VM_PROT_READ);
		break;
	case PART_KREMOVE:
		pmap_kremove(va + 2 * PAGE_SIZE, 3 * PAGE_SIZE);
		break;
	default:
		pmap_remove(kpm, va + 2 * PAGE_SIZE, va + 5 * PAGE_SIZE);
		break;
	}
	pmap_update(kpm);
	pmap_stats_get(&s2);
	long large_left;
	vsize_t split;
	unsigned steps = demote_steps(size, &large_left, &split);
	T_EQ(t, s2.demotions, s1.demotions + steps);
	T_EQ(t, s2.large_mappings, s0.large_mappings + large_left);
	T_EQ(t, s2.ptp_kernel, s1.ptp_kernel + steps);	/* the demotions' tables */
	/* A page the operation did not touch kept the large leaf's A and D. */
	struct pmap_mapping m;
	T_ASSERT(t, pmap_lookup(kpm, va + (n / 2 + 1) * PAGE_SIZE, &m) && m.size == split &&
	    m.referenced && m.modified && m.wired && !m.managed &&
	    m.pa == pa + (((n / 2 + 1) * PAGE_SIZE) & ~(split - 1)),
	    "%s: a demoted page lost its A/D or attributes",
	    part_names[op]);
	long left = op == PART_PROTECT ? n : n - 3;
	T_EQ(t, pmap_resident_count(kpm), res0 + left);
	T_EQ(t, pmap_wired_count(kpm), wired0 + left);
	for (unsigned c = 0; c < ncpus; c++)
		for (unsigned i = 0; i < n; i++)
			if (sampled(i, n)) {
				check_page(t, op, va, pa, i, c);
				if (t->failed)
					return;
			}
	T_CHECK_PMAP(t, kpm);
	pmap_kremove(va, size);
	pmap_update(kpm);
	T_EQ(t, pmap_resident_count(kpm), res0);
}

/*
 * Every large size (amd64: 2 MiB, then 1 GiB, demoted to 2 MiB leaves and
 * one of those to base pages), in one block of the largest if RAM has a
 * free, aligned one.
 */
void
t_large_demotion(struct tctx *t)
{
	const vsize_t big = pmap_large_page_size(), small = t_large_size();
	vsize_t top = big;

	if (big == PAGE_SIZE)
		T_SKIP(t, "no large pages here (CONFIG_PMAP_PSE off, or the CPU lacks them)");
	paddr_t pa = t_block(t, big);
	if (pa == 0 && big != small)
		pa = t_block(t, top = small);
	if (pa == 0)
		T_SKIP(t, "no free, aligned run of RAM for a large page");
	for (unsigned i = 0; i < top / PAGE_SIZE; i++)
		t_phys_write(pa + i * PAGE_SIZE, 0, marker(i));
	const vsize_t sizes[2] = { small, top };
	for (unsigned s = 0; s < (small == top ? 1u : 2u) && !t->failed; s++) {
		const vaddr_t va = t_large_va(8, sizes[s]);
		for (unsigned op = 0; op < PART_NOPS && !t->failed; op++)
			part(t, op, va, pa, sizes[s]);	/* the same va: the split table must give way */
		kprintf("# %s, %s and %s of 3 pages inside a %lu KiB mapping: demoted, the rest "
		    "intact\n", part_names[0], part_names[1], part_names[2],
		    (unsigned long)(sizes[s] >> 10));
	}
	if (top < big)
		kprintf("# no free, aligned %lu MiB run of RAM: that size not demoted\n",
		    (unsigned long)(big >> 20));
}
