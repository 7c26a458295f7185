/*
 * Several CPUs: shootdowns reach exactly the CPUs where a pmap is live, one
 * request per pmap_update, and pmap_update is synchronous: once it returns,
 * no CPU completes an access through a translation the changes before it
 * removed or restricted.
 */
#include "t.h"

#define UVA	0x40000000u
#define RW	(VM_PROT_READ | VM_PROT_WRITE)
/*
 * Per variant.  The host model's readers are threads that a loaded host
 * schedules late, and each round waits for every one: fewer rounds there.
 */
#define SYNC_ROUNDS	(t_host_model() ? 25 : 100)

/* Access va as the kernel on cpu (after activating pm there, if given). */
static bool
probe_on(unsigned cpu, struct pmap *pm, vaddr_t va, enum probe_access acc)
{
	return t_access_on(cpu, pm, va, acc, 0x5a5a5a5a, NULL);
}

/*
 * A user pmap live on CPU 1 only: removing a page it touched costs one
 * shootdown to one CPU; 100 scattered removes batched by one update, still
 * one; past the ceiling, one full flush.  A kernel mapping: every other CPU.
 */
void
t_smp_shootdown_targets(struct tctx *t)
{
	unsigned n = kern_ncpus();
	struct pmap *pm = t_pmap(t);
	paddr_t pa = t_page(t);
	struct pmap_stats s0, s1;

	if (n < 2)
		T_SKIP(t, "one CPU");
	/* Each page has a neighbour that stays, so no table is freed on the way. */
	for (unsigned i = 0; i < 100; i++) {
		T_EQ(t, pmap_enter(pm, UVA + i * 0x00101000u, pa, RW, 0), 0);
		T_EQ(t, pmap_enter(pm, UVA + i * 0x00101000u + PAGE_SIZE, pa, RW, 0), 0);
	}
	pmap_update(pm);
	for (unsigned i = 0; i < 100; i++)
		T_ASSERT(t, probe_on(1, pm, UVA + i * 0x00101000u, PROBE_READ));
	pmap_stats_get(&s0);
	pmap_remove(pm, UVA, UVA + PAGE_SIZE);
	pmap_update(pm);
	pmap_stats_get(&s1);
	T_EQ(t, s1.shootdowns - s0.shootdowns, 1);
	T_EQ(t, s1.shootdown_cpus - s0.shootdown_cpus, 1);
	T_EQ(t, s1.shootdown_pages - s0.shootdown_pages, 1);
	T_ASSERT(t, !probe_on(1, NULL, UVA, PROBE_READ), "CPU 1 still reads the removed page");

	/* Scattered single-page removes under one update: one request. */
	unsigned batch = CONFIG_PMAP_TLB_CEILING < 99 ? CONFIG_PMAP_TLB_CEILING : 99;
	pmap_stats_get(&s0);
	for (unsigned i = 1; i <= batch; i++)
		pmap_remove(pm, UVA + i * 0x00101000u, UVA + i * 0x00101000u + PAGE_SIZE);
	pmap_update(pm);
	pmap_stats_get(&s1);
	T_EQ(t, s1.shootdowns - s0.shootdowns, 1);
	T_EQ(t, s1.shootdown_pages - s0.shootdown_pages, batch);
	for (unsigned i = 1; i <= batch; i++)
		T_ASSERT(t, !probe_on(1, NULL, UVA + i * 0x00101000u, PROBE_READ));

	/* The rest, over the ceiling if there are enough: one full flush. */
	unsigned left = 99 - batch;
	for (unsigned i = batch + 1; i < 100; i++)
		T_ASSERT(t, probe_on(1, NULL, UVA + i * 0x00101000u, PROBE_READ));
	pmap_stats_get(&s0);
	pmap_remove(pm, UVA, UVA + 100 * 0x00101000u);
	pmap_update(pm);
	pmap_stats_get(&s1);
	if (left > 0) {
		T_EQ(t, s1.shootdowns - s0.shootdowns, 1);
		T_EQ(t, s1.shootdown_full - s0.shootdown_full, left > CONFIG_PMAP_TLB_CEILING);
	}
	for (unsigned i = 0; i < 100; i++)
		T_ASSERT(t, !probe_on(1, NULL, UVA + i * 0x00101000u, PROBE_READ));
	t_activate_on(1, pmap_kernel());

	/* A kernel mapping may be cached anywhere: every other CPU. */
	vaddr_t kva = t_kva(t, 1);
	pmap_kenter_pa(kva, pa, RW, 0);
	pmap_update(pmap_kernel());
	for (unsigned c = 0; c < n; c++)
		T_ASSERT(t, probe_on(c, NULL, kva, PROBE_READ));
	pmap_stats_get(&s0);
	pmap_kremove(kva, PAGE_SIZE);
	pmap_update(pmap_kernel());
	pmap_stats_get(&s1);
	T_EQ(t, s1.shootdowns - s0.shootdowns, 1);
	T_EQ(t, s1.shootdown_cpus - s0.shootdown_cpus, n - 1);
	for (unsigned c = 0; c < n; c++)
		T_ASSERT(t, !probe_on(c, NULL, kva, PROBE_READ), "CPU %u still reads it", c);
}

/*
 * A pmap that was live on CPU 1 and is not any more: with ASIDs CPU 1 may
 * still hold its tagged entries, yet gets no IPI; its ASID there is
 * forgotten, so after re-activation CPU 1 sees the change.  Without ASIDs
 * leaving the pmap dropped them: no IPI either.
 */
void
t_smp_inactive_no_ipi(struct tctx *t)
{
	struct pmap *pm = t_pmap(t);
	paddr_t pa = t_page(t);
	struct pmap_stats s0, s1;

	if (kern_ncpus() < 2)
		T_SKIP(t, "one CPU");
	T_EQ(t, pmap_enter(pm, UVA, pa, RW, 0), 0);
	pmap_update(pm);
	T_ASSERT(t, probe_on(1, pm, UVA, PROBE_WRITE));
	t_activate_on(1, pmap_kernel());
	pmap_stats_get(&s0);
	pmap_protect(pm, UVA, UVA + PAGE_SIZE, VM_PROT_READ);
	pmap_update(pm);
	pmap_stats_get(&s1);
	T_EQ(t, s1.shootdowns - s0.shootdowns, 0);
	T_EQ(t, s1.asid_forgets - s0.asid_forgets,	/* live nowhere: every CPU forgets */
	    (pmap_backend_caps() & PMAP_CAP_ASID) ? kern_ncpus() : 0);
	T_ASSERT(t, probe_on(1, pm, UVA, PROBE_READ));
	T_ASSERT(t, !probe_on(1, pm, UVA, PROBE_WRITE), "CPU 1 writes through a stale entry");
	t_activate_on(1, pmap_kernel());
}

/* ---- the synchronous guarantee, with readers running on the other CPUs ---- */

struct sync_state {
	struct pmap	*pm;		/* activate on each reader, or NULL (kernel VA) */
	vaddr_t		 va;
	enum probe_access acc;
	volatile unsigned phase;	/* odd: mapped; even > 0: changed and updated */
	volatile bool	 stop;
	volatile unsigned seen[PMAP_MAXCPUS];	/* last odd phase with a good access */
	volatile unsigned long good[PMAP_MAXCPUS], late[PMAP_MAXCPUS], faults[PMAP_MAXCPUS];
};

static void
sync_reader(void *arg)
{
	struct sync_state *s = arg;
	unsigned me = plat_cpu_index();
	struct probe_result r;

	if (s->pm != NULL)
		pmap_activate(s->pm);
	plat_kernel_user_access(true);
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		unsigned ph = __atomic_load_n(&s->phase, __ATOMIC_SEQ_CST);
		plat_probe(s->va, s->acc, false, me, &r);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		bool same = __atomic_load_n(&s->phase, __ATOMIC_SEQ_CST) == ph;
		if (!r.ok) {
			s->faults[me]++;
			continue;
		}
		s->good[me]++;
		if (!same)
			continue;	/* the phase moved during the access */
		if (ph != 0 && (ph & 1) == 0)
			s->late[me]++;	/* began after pmap_update returned, and completed */
		else
			__atomic_store_n(&s->seen[me], ph, __ATOMIC_RELEASE);
	}
	if (s->pm != NULL)
		pmap_activate(pmap_kernel());
}

static bool
sync_variant(struct tctx *t, struct sync_state *s, bool protect, paddr_t pa)
{
	unsigned n = kern_ncpus();
	struct pmap *pm = s->pm != NULL ? s->pm : pmap_kernel();
	unsigned long late = 0, faults = 0, good = 0, ipis = 0;

	s->stop = false;
	s->phase = 0;
	for (unsigned c = 1; c < n; c++)
		ipis -= kern_cpu_ipis(c);
	for (unsigned c = 1; c < n; c++) {
		s->seen[c] = 0;
		s->good[c] = s->late[c] = s->faults[c] = 0;
		kern_xcall_async(c, sync_reader, s);
	}
	for (unsigned round = 0; round < SYNC_ROUNDS; round++) {
		unsigned mapped = 2 * round + 1;
		/* The phase first: an access that sees the new mapping sees it moved. */
		__atomic_store_n(&s->phase, mapped, __ATOMIC_SEQ_CST);
		if (pmap_enter(pm, s->va, pa, RW, PMAP_CANFAIL) != 0)
			return false;
		pmap_update(pm);
		for (unsigned c = 1; c < n; c++)	/* each reader got through */
			while (__atomic_load_n(&s->seen[c], __ATOMIC_ACQUIRE) != mapped)
				kern_spin_poll();
		if (protect)
			pmap_protect(pm, s->va, s->va + PAGE_SIZE, VM_PROT_READ);
		else
			pmap_remove(pm, s->va, s->va + PAGE_SIZE);
		pmap_update(pm);
		__atomic_store_n(&s->phase, mapped + 1, __ATOMIC_SEQ_CST);
		if (protect)
			pmap_remove(pm, s->va, s->va + PAGE_SIZE);
	}
	pmap_update(pm);
	__atomic_store_n(&s->stop, true, __ATOMIC_RELEASE);
	for (unsigned c = 1; c < n; c++) {
		kern_xcall_wait(c);
		late += s->late[c];
		faults += s->faults[c];
		good += s->good[c];
		ipis += kern_cpu_ipis(c);
	}
	kprintf("# sync %s %s: %u rounds, %u readers: %lu accesses completed, %lu faulted, "
	    "%lu IPIs taken, %lu completed after pmap_update returned\n",
	    s->pm != NULL ? "user" : "kernel", protect ? "write-protect" : "remove",
	    (unsigned)SYNC_ROUNDS, n - 1, good, faults, ipis, late);
	t->checks++;
	if (late != 0)
		t_fail(t, __FILE__, __LINE__, "%lu accesses through old translations", late);
	return late == 0;
}

void
t_smp_sync_guarantee(struct tctx *t)
{
	unsigned n = kern_ncpus();
	paddr_t pa = t_page(t);

	if (n < 2)
		T_SKIP(t, "one CPU");
	static struct sync_state s;
	struct pmap *pm = t_pmap(t);
	vaddr_t kva = t_kva(t, 1);
	const struct { struct pmap *pm; vaddr_t va; bool protect; } v[] = {
		{ NULL, kva, false }, { NULL, kva, true }, { pm, UVA, false }, { pm, UVA, true },
	};
	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		s.pm = v[i].pm;
		s.va = v[i].va;
		s.acc = v[i].protect ? PROBE_WRITE : PROBE_READ;
		if (s.pm != NULL)
			pmap_activate(s.pm);
		bool ok = sync_variant(t, &s, v[i].protect, pa);
		pmap_activate(pmap_kernel());
		if (!ok)
			return;
	}
}

/*
 * A pmap left on CPU 1 while an invalidation for it is still queued (CPU
 * 0's batch, before its pmap_update): the shootdown then reaches CPU 1
 * under another address-space tag, and with PCIDs invlpg drops only the
 * live tag's entries.  Leaving the pmap must forget its tag there (or the
 * switch must flush), so that coming back CPU 1 sees the change.
 */
void
t_smp_leave_pending(struct tctx *t)
{
	struct pmap *pm = t_pmap(t);
	paddr_t pa = t_page(t);

	if (kern_ncpus() < 2)
		T_SKIP(t, "one CPU");
	T_EQ(t, pmap_enter(pm, UVA, pa, RW, 0), 0);
	pmap_update(pm);
	T_ASSERT(t, probe_on(1, pm, UVA, PROBE_WRITE));	/* cached writable on CPU 1 */
	pmap_protect(pm, UVA, UVA + PAGE_SIZE, VM_PROT_READ);	/* queued for CPU 1 */
	t_activate_on(1, pmap_kernel());		/* CPU 1 leaves pm meanwhile */
	pmap_update(pm);
	T_ASSERT(t, probe_on(1, pm, UVA, PROBE_READ));
	T_ASSERT(t, !probe_on(1, pm, UVA, PROBE_WRITE), "CPU 1 writes through an entry it "
	    "cached before it left the pmap");
	t_activate_on(1, pmap_kernel());
}
