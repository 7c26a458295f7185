/*
 * pmap(9) lets only pmap_enter, pmap_remove, pmap_protect, pmap_kenter_pa
 * and pmap_kremove leave invalidations for pmap_update.  A VM system calls
 * pmap_page_protect, pmap_clear_modify and pmap_clear_reference from
 * copy-on-write faults, fork and the page daemon, and pmap_copy from fork,
 * without a pmap_update after them: each must be complete when it returns,
 * on this CPU and on every other CPU that caches the old translation.  No
 * pmap_update follows the call under test below; the TLBs are warm first.
 */
#include "t.h"

#define UVA	0x50000000u
#define RW	(VM_PROT_READ | VM_PROT_WRITE)

/* Access va on cpu as the kernel, pm live there; did it complete (value in *vp)? */
static bool
access_on(unsigned cpu, struct pmap *pm, vaddr_t va, enum probe_access acc, uint32_t *vp)
{
	return t_access_on(cpu, pm, va, acc, 0x6b6b6b6b, vp);
}

enum page_op { OP_PROTECT_READ, OP_PROTECT_NONE, OP_CLEAR_MOD, OP_CLEAR_REF, OP_NOPS };
static const char *const op_names[OP_NOPS] = {
	"pmap_page_protect(READ)", "pmap_page_protect(NONE)", "pmap_clear_modify",
	"pmap_clear_reference",
};

/*
 * One rule on one CPU: map a fresh page RW at UVA in pm, make cpu's TLB
 * hold it (a write, so writable and dirty), apply the operation, and check
 * on cpu what the operation promised.
 */
static void
check_op(struct tctx *t, struct pmap *pm, enum page_op op, unsigned cpu)
{
	paddr_t pa = t_page(t);
	struct pmap_page *pg = t_pg(pa);

	T_EQ(t, pmap_enter(pm, UVA, pa, RW, 0), 0);
	pmap_update(pm);
	T_ASSERT(t, access_on(cpu, pm, UVA, PROBE_WRITE, NULL) &&
	    access_on(cpu, pm, UVA, PROBE_READ, NULL), "%s, CPU %u: warming up",
	    op_names[op], cpu);
	switch (op) {
	case OP_PROTECT_READ:
		pmap_page_protect(pg, VM_PROT_READ);
		T_ASSERT(t, !access_on(cpu, pm, UVA, PROBE_WRITE, NULL),
		    "CPU %u wrote a page pmap_page_protect made read-only", cpu);
		T_ASSERT(t, access_on(cpu, pm, UVA, PROBE_READ, NULL));
		break;
	case OP_PROTECT_NONE:
		pmap_page_protect(pg, VM_PROT_NONE);
		T_ASSERT(t, !access_on(cpu, pm, UVA, PROBE_READ, NULL),
		    "CPU %u read a page pmap_page_protect removed", cpu);
		break;
	case OP_CLEAR_MOD:
		T_ASSERT(t, pmap_clear_modify(pg));
		T_ASSERT(t, access_on(cpu, pm, UVA, PROBE_WRITE, NULL));
		T_ASSERT(t, pmap_is_modified(pg),
		    "CPU %u wrote after pmap_clear_modify and the page is clean (lost data)", cpu);
		break;
	case OP_CLEAR_REF:
		T_ASSERT(t, pmap_clear_reference(pg));
		T_ASSERT(t, access_on(cpu, pm, UVA, PROBE_READ, NULL));
		T_ASSERT(t, pmap_is_referenced(pg),
		    "CPU %u read after pmap_clear_reference and the page is unreferenced", cpu);
		break;
	default:
		break;
	}
	t_activate_on(cpu, pmap_kernel());
	pmap_remove(pm, UVA, UVA + PAGE_SIZE);
	pmap_update(pm);
}

/*
 * pmap_copy over a mapping that dst has and cpu caches: the next access
 * there must reach the copied page, not the replaced one.
 */
static void
check_copy(struct tctx *t, struct pmap *src, struct pmap *dst, unsigned cpu)
{
	paddr_t old = t_page(t), new = t_page(t);
	uint32_t v;

	t_phys_write(old, 0, 0x01d01d01);
	t_phys_write(new, 0, 0x0e110e11);
	T_EQ(t, pmap_enter(dst, UVA, old, VM_PROT_READ, 0), 0);
	T_EQ(t, pmap_enter(src, UVA, new, VM_PROT_READ, 0), 0);
	pmap_update(dst);
	T_ASSERT(t, access_on(cpu, dst, UVA, PROBE_READ, &v) && v == 0x01d01d01);
	pmap_copy(dst, src, UVA, PAGE_SIZE, UVA);
	T_ASSERT(t, access_on(cpu, dst, UVA, PROBE_READ, &v) && v == 0x0e110e11,
	    "CPU %u read %#x through the mapping pmap_copy replaced", cpu, v);
	t_activate_on(cpu, pmap_kernel());
	pmap_remove(dst, UVA, UVA + PAGE_SIZE);
	pmap_remove(src, UVA, UVA + PAGE_SIZE);
	pmap_update(dst);
}

/* Every rule on this CPU, then with the page cached on CPU 1 (if there is one). */
void
t_page_ops_complete(struct tctx *t)
{
	unsigned cpus[2] = { plat_cpu_index(), 1 }, ncpus = kern_ncpus() > 1 ? 2 : 1;
	struct pmap *pm = t_pmap(t), *src = t_pmap(t), *dst = t_pmap(t);

	for (unsigned c = 0; c < ncpus; c++) {
		for (unsigned op = 0; op < OP_NOPS; op++) {
			check_op(t, pm, op, cpus[c]);
			if (t->failed)
				return;
		}
		check_copy(t, src, dst, cpus[c]);
		if (t->failed)
			return;
	}
	kprintf("# %u page operations and pmap_copy complete without pmap_update on %u CPU%s\n",
	    OP_NOPS, ncpus, ncpus > 1 ? "s" : "");
}

/*
 * Software ref/mod (Svade): a CPU that cached a clean translation before
 * another CPU's pmap_fault set D faults on its next write with D already
 * set.  pmap_fault must retry it (drop this CPU's translation), not report
 * a real fault.
 */
void
t_refmod_stale_other_cpu(struct tctx *t)
{
	struct pmap *pm = t_pmap(t);
	paddr_t pa = t_page(t);

	if (!(pmap_backend_caps() & PMAP_CAP_SW_REFMOD))
		T_SKIP(t, "the MMU sets referenced/modified itself");
	if (kern_ncpus() < 2)
		T_SKIP(t, "one CPU");
	T_EQ(t, pmap_enter(pm, UVA, pa, RW, 0), 0);
	pmap_update(pm);
	T_ASSERT(t, access_on(1, pm, UVA, PROBE_READ, NULL), "CPU 1: first read");
	T_ASSERT(t, access_on(0, pm, UVA, PROBE_WRITE, NULL), "CPU 0: first write");
	T_ASSERT(t, pmap_is_modified(t_pg(pa)));
	T_ASSERT(t, access_on(1, pm, UVA, PROBE_WRITE, NULL),
	    "CPU 1's write through its clean translation was reported as a real fault");
	T_ASSERT(t, !access_on(1, pm, UVA, PROBE_EXEC, NULL) ||
	    !(pmap_backend_caps() & PMAP_CAP_NX), "an execute the mapping forbids completed");
	t_activate_on(1, pmap_kernel());
	t_activate_on(0, pmap_kernel());
}
