/*
 * Every CPU at once: each runs random pmap operations on its own pmap and
 * on a set of shared pages (pmap_page_protect and pmap_clear_* on pages
 * the others are mapping and accessing), then, with all of them stopped,
 * the invariant checker, a TLB audit of every CPU (the host model) and the
 * mapping and mod/ref results against what the workers did.
 *
 * What a worker can check as it goes: nothing maps into its pmap but
 * itself, so an access through a slot it removed or write-protected must
 * fault; and once a pmap_page_protect of the slot's page that began after
 * the mapping was made has returned (its ticket, below), the access must
 * fault too, on this CPU, whichever CPU made the call: the shootdown is
 * what that proves.
 *
 * Each worker also has a kernel page of its own (pmap_kenter_pa and
 * pmap_kremove: the kernel pmap's lock, shootdowns of every CPU) and makes
 * and destroys short-lived pmaps mapping shared pages (the user-pmap list
 * and its pool, pv lists of pages the others map).
 *
 * The mod/ref oracle works on intervals of a global tick: a write or
 * clear_modify takes a tick before and after.  With every write's interval
 * and every clear's, pmap_is_modified may be false only if some clear
 * ended after the latest write began, and true only if some write ended
 * after the latest clear began.  Likewise referenced: false only if the
 * latest access that went through is covered by a clear, true only if some
 * access through a mapping of the page (one that faulted too: the walk may
 * set A before the rights check) ended after the latest clear began.
 */
#include "../t.h"

#include <pmap/pmap_md_ops.h>	/* PMAP_DIRECT_TABLES: t_smp_extract's expectation */

#define C_UVA		0x00400000u
#define C_NSLOT		16	/* VA slots per worker, over two leaf tables */
#define C_NPAGE		8	/* shared pages */
#define C_OPS		(t_host_model() ? 500 : 300)	/* per worker and round */
#define C_ROUNDS	(t_host_model() ? 6 : 4)

struct c_slot {
	int		 page;		/* the shared page mapped (this worker's view), -1: none */
	vm_prot_t	 prot;
	bool		 wired;
	unsigned long	 none_seen, ro_seen;	/* page_protect tickets taken by the end of the enter */
	unsigned long	 none_fin0, ro_fin0;	/* page_protect calls finished before the enter began */
};

struct c_page {
	paddr_t		 pa;
	/* page_protect(NONE): tickets taken, highest finished, how many finished; (READ or NONE): */
	unsigned long	 none_start, none_fin_max, none_fin;
	unsigned long	 ro_start, ro_fin_max, ro_fin;
	/*
	 * Highest ticks: writes that went through (start), any write (end),
	 * clear_modify (start, end); accesses that went through (start), any
	 * access (end), clear_reference.  Any: an access that faults in the end
	 * may have set the page's A or D on the way (software A/D, Svade:
	 * pmap_fault sets them before the retry, which a write-protect or
	 * removal meanwhile can refuse).
	 */
	unsigned long	 w_start, w_end, mc_start, mc_end;
	unsigned long	 r_start, r_end, rc_start, rc_end;
};

struct c_worker {
	struct pmap	*pm;
	unsigned	 nworkers;	/* to wait for at the start */
	uint32_t	 rng;
	unsigned	 ops;
	struct c_slot	 slot[C_NSLOT];
	vaddr_t		 kva;		/* its kernel page */
	int		 kpage;		/* the shared page kenter'd there, -1: none */
	unsigned long	 enters, removes, protects, page_ops, probes, faults, expected_faults;
	unsigned long	 kernel_ops, pmaps_made, moves;
	uint32_t	 prng;		/* the preemption test's choices */
	bool		 stay;		/* not moved now (the hook's own calls, the end) */
	char		 fail[160];	/* the first failure this worker saw */
};

static struct {
	struct c_page	 page[C_NPAGE];
	struct c_worker	 w[PMAP_MAXCPUS];
	unsigned long	 tick;
	unsigned	 started;	/* workers of this round that have begun */
} C;

static unsigned long c_tick(void) { return __atomic_add_fetch(&C.tick, 1, __ATOMIC_SEQ_CST); }
static unsigned long c_get(unsigned long *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }

static void
c_max(unsigned long *p, unsigned long v)
{
	unsigned long old = __atomic_load_n(p, __ATOMIC_RELAXED);

	while (v > old && !__atomic_compare_exchange_n(p, &old, v, true, __ATOMIC_SEQ_CST,
	    __ATOMIC_RELAXED))
		continue;
}

/*
 * A worker of n checks in at *started and waits for the others, serving
 * shootdowns meanwhile (t_smp_reclaim's and t_smp_extract's workers).
 */
static void
c_start_together(unsigned *started, unsigned n)
{
	__atomic_add_fetch(started, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(started, __ATOMIC_SEQ_CST) < n)
		pmap_tlb_shootdown_poll();
}

/* Marsaglia's xorshift32: the workers' random choices, one state each. */
static uint32_t
c_xorshift(uint32_t *rng)
{
	*rng ^= *rng << 13;
	*rng ^= *rng >> 17;
	*rng ^= *rng << 5;
	return *rng;
}

static uint32_t
c_rand(struct c_worker *w)
{
	return c_xorshift(&w->rng);
}

static vaddr_t
c_va(unsigned s)
{
	return C_UVA + (s % (C_NSLOT / 2)) * PAGE_SIZE + (s / (C_NSLOT / 2)) * t_leaf_span();
}

static void __attribute__((format(printf, 2, 3)))
c_fail(struct c_worker *w, const char *fmt, ...)
{
	va_list ap;

	if (w->fail[0] != '\0')
		return;
	va_start(ap, fmt);
	kvsnprintf(w->fail, sizeof(w->fail), fmt, ap);
	va_end(ap);
}

/* One access through slot s, checked against this worker's view and the tickets. */
static void
c_probe(struct c_worker *w, unsigned s, bool write)
{
	struct c_slot *sl = &w->slot[s];
	struct c_page *pg = sl->page >= 0 ? &C.page[sl->page] : NULL;
	bool must_fault = pg == NULL || (write && !(sl->prot & VM_PROT_WRITE));
	bool gone = pg != NULL && c_get(&pg->none_fin_max) > sl->none_seen;
	bool ro = pg != NULL && c_get(&pg->ro_fin_max) > sl->ro_seen;
	struct probe_result r;

	if (gone || (write && ro))
		must_fault = true;
	unsigned long t0 = c_tick();
	plat_probe(c_va(s), write ? PROBE_WRITE : PROBE_READ, false, (uint32_t)t0, &r);
	unsigned long t1 = c_tick();
	w->probes++;
	w->faults += !r.ok;
	w->expected_faults += must_fault;
	if (r.ok && must_fault)
		c_fail(w, "CPU %u: %s of slot %u (page %d) went through: %s", plat_cpu_index(),
		    write ? "write" : "read", s, sl->page, pg == NULL ? "the worker removed it" :
		    gone ? "a page_protect(NONE) that began after the enter has returned" :
		    ro ? "a page_protect(READ) that began after the enter has returned" :
		    "the worker write-protected it");
	if (pg != NULL) {			/* a mapping of it may have been used */
		c_max(&pg->r_end, t1);
		if (r.ok)
			c_max(&pg->r_start, t0);
		if (write)
			c_max(&pg->w_end, t1);
		if (write && r.ok)
			c_max(&pg->w_start, t0);
	}
	if (gone)
		sl->page = -1;
	else if (ro)
		sl->prot &= ~VM_PROT_WRITE;
}

static void
c_enter(struct c_worker *w, unsigned s, int g)
{
	struct c_slot *sl = &w->slot[s];
	struct c_page *pg = &C.page[g];
	uint32_t x = c_rand(w);
	vm_prot_t prot = (x & 1) ? VM_PROT_READ | VM_PROT_WRITE : VM_PROT_READ;
	unsigned access = (x >> 1) % 3 == 0 ? 0 : (x >> 1) % 3 == 1 ? VM_PROT_READ :
	    (prot & VM_PROT_WRITE);
	bool wired = (x >> 3) % 8 == 0;

	sl->none_fin0 = c_get(&pg->none_fin);
	sl->ro_fin0 = c_get(&pg->ro_fin);
	unsigned long t0 = c_tick();
	if (pmap_enter(w->pm, c_va(s), pg->pa, prot, access | (wired ? PMAP_WIRED : 0)) != 0) {
		c_fail(w, "CPU %u: pmap_enter of slot %u failed", plat_cpu_index(), s);
		return;
	}
	unsigned long t1 = c_tick();
	if (access != 0) {
		c_max(&pg->r_start, t0);
		c_max(&pg->r_end, t1);
	}
	if (access & VM_PROT_WRITE) {
		c_max(&pg->w_start, t0);
		c_max(&pg->w_end, t1);
	}
	sl->none_seen = c_get(&pg->none_start);
	sl->ro_seen = c_get(&pg->ro_start);
	sl->page = g;
	sl->prot = prot;
	sl->wired = wired;
	w->enters++;
}

static void
c_page_op(struct c_worker *w, struct c_page *pg, unsigned which)
{
	struct pmap_page *pp = t_pg(pg->pa);

	w->page_ops++;
	if (which == 0) {			/* remove every mapping */
		unsigned long tn = __atomic_add_fetch(&pg->none_start, 1, __ATOMIC_SEQ_CST);
		unsigned long tr = __atomic_add_fetch(&pg->ro_start, 1, __ATOMIC_SEQ_CST);
		pmap_page_protect(pp, VM_PROT_NONE);
		c_max(&pg->none_fin_max, tn);
		c_max(&pg->ro_fin_max, tr);
		__atomic_add_fetch(&pg->none_fin, 1, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&pg->ro_fin, 1, __ATOMIC_SEQ_CST);
	} else if (which == 1) {		/* write-protect every mapping */
		unsigned long tr = __atomic_add_fetch(&pg->ro_start, 1, __ATOMIC_SEQ_CST);
		pmap_page_protect(pp, VM_PROT_READ);
		c_max(&pg->ro_fin_max, tr);
		__atomic_add_fetch(&pg->ro_fin, 1, __ATOMIC_SEQ_CST);
	} else if (which == 2) {
		unsigned long t0 = c_tick();
		pmap_clear_modify(pp);
		unsigned long t1 = c_tick();
		c_max(&pg->mc_start, t0);
		c_max(&pg->mc_end, t1);
	} else if (which == 3) {
		unsigned long t0 = c_tick();
		pmap_clear_reference(pp);
		unsigned long t1 = c_tick();
		c_max(&pg->rc_start, t0);
		c_max(&pg->rc_end, t1);
	} else {
		(void)pmap_is_modified(pp);
		(void)pmap_is_referenced(pp);
	}
}

/* The worker's kernel page: kenter a shared page, access it, or kremove it (then it faults). */
static void
c_kernel_op(struct c_worker *w, uint32_t x)
{
	struct probe_result r;

	w->kernel_ops++;
	if (w->kpage < 0) {
		w->kpage = (int)((x >> 4) % C_NPAGE);
		pmap_kenter_pa(w->kva, C.page[w->kpage].pa, VM_PROT_READ | VM_PROT_WRITE, 0);
		return;
	}
	if (x & 1) {
		plat_probe(w->kva, (x & 2) ? PROBE_WRITE : PROBE_READ, false, x, &r);
		if (!r.ok)
			c_fail(w, "CPU %u: its kernel page %#" PMAP_PRIxVADDR " (kenter'd, no "
			    "page operation touches it) faulted", plat_cpu_index(), w->kva);
		return;
	}
	pmap_kremove(w->kva, PAGE_SIZE);
	pmap_update(pmap_kernel());
	w->kpage = -1;
	plat_probe(w->kva, PROBE_READ, false, 0, &r);
	if (r.ok)
		c_fail(w, "CPU %u: its kernel page %#" PMAP_PRIxVADDR " still reads after "
		    "pmap_kremove and pmap_update", plat_cpu_index(), w->kva);
}

/* A pmap made, given a mapping of a shared page, emptied and destroyed. */
static void
c_pmap_churn(struct c_worker *w, uint32_t x)
{
	struct pmap *pm = pmap_create();
	vaddr_t va = C_UVA + ((x >> 4) % 64) * PAGE_SIZE;

	if (pmap_enter(pm, va, C.page[(x >> 12) % C_NPAGE].pa, VM_PROT_READ, 0) != 0)
		c_fail(w, "CPU %u: pmap_enter into a new pmap failed", plat_cpu_index());
	pmap_remove(pm, va, va + PAGE_SIZE);
	pmap_update(pm);
	pmap_destroy(pm);
	w->pmaps_made++;
}

static void
c_worker_run(void *arg)
{
	struct c_worker *w = arg;
	bool dirty = false;			/* pmap_update owed before a probe */
	bool intr = plat_intr_enable(true);	/* CPU 0 too: take shootdowns at once */

	pmap_activate(w->pm);
	plat_kernel_user_access(true);
	/* All at once: where CPUs outnumber cores, no worker runs its round alone. */
	__atomic_add_fetch(&C.started, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&C.started, __ATOMIC_SEQ_CST) < w->nworkers)
		kern_spin_poll();
	for (unsigned i = 0; i < w->ops && w->fail[0] == '\0'; i++) {
		uint32_t x = c_rand(w);
		if (i % 16 == 15)
			kern_spin_poll();	/* and let the host interleave them */
		unsigned s = (x >> 8) % C_NSLOT, d = x % 100;
		struct c_slot *sl = &w->slot[s];
		if (d < 30) {
			c_enter(w, s, (int)((x >> 16) % C_NPAGE));
			dirty = true;
		} else if (d < 42) {
			/*
			 * One page (pmap_remove's one-page path) or, half the time, this
			 * slot and the next in one range (the range loop's page locks).
			 */
			unsigned n = (x >> 31) && s % (C_NSLOT / 2) != C_NSLOT / 2 - 1 ? 2 : 1;
			pmap_remove(w->pm, c_va(s), c_va(s) + n * PAGE_SIZE);
			for (unsigned k = 0; k < n; k++)
				w->slot[s + k].page = -1;
			w->removes++;
			dirty = true;
		} else if (d < 50) {
			pmap_protect(w->pm, c_va(s), c_va(s) + PAGE_SIZE, VM_PROT_READ);
			sl->prot &= ~VM_PROT_WRITE;
			w->protects++;
			dirty = true;
		} else if (d < 66) {
			c_page_op(w, &C.page[(x >> 16) % C_NPAGE], (x >> 24) % 5);
		} else if (d < 69) {
			c_kernel_op(w, x >> 8);
		} else if (d < 70) {
			c_pmap_churn(w, x >> 8);
		} else {
			if (dirty || (x >> 20) % 4 == 0) {
				pmap_update(w->pm);
				dirty = false;
			}
			if (!dirty)
				c_probe(w, s, d >= 85);
		}
	}
	w->stay = true;
	pmap_update(w->pm);
	if (w->kpage >= 0) {
		pmap_kremove(w->kva, PAGE_SIZE);
		pmap_update(pmap_kernel());
		w->kpage = -1;
	}
	pmap_activate(pmap_kernel());
	plat_intr_enable(intr);
	w->stay = false;
}

/* With every worker stopped: this worker's pmap against its view. */
static void
c_check_worker(struct tctx *t, struct c_worker *w, unsigned cpu)
{
	long resident = 0, wired = 0;

	T_CHECK_PMAP(t, w->pm);
	for (unsigned s = 0; s < C_NSLOT; s++) {
		struct c_slot *sl = &w->slot[s];
		struct pmap_mapping m;
		bool found = pmap_lookup(w->pm, c_va(s), &m);
		if (sl->page < 0) {
			T_ASSERT(t, !found, "CPU %u slot %u: mapped, but the worker removed it", cpu, s);
			continue;
		}
		struct c_page *pg = &C.page[sl->page];
		if (!found) {
			T_ASSERT(t, c_get(&pg->none_start) > sl->none_fin0, "CPU %u slot %u: page "
			    "%d's mapping is gone, and no page_protect(NONE) overlapped it", cpu, s,
			    sl->page);
			sl->page = -1;
			continue;
		}
		resident++;
		wired += m.wired;
		T_EQ(t, m.pa, pg->pa);
		T_EQ(t, m.wired, sl->wired);
		/* (Execute comes with read where the MMU has no NX.) */
		T_ASSERT(t, (m.prot & ~sl->prot & ~VM_PROT_EXECUTE) == 0, "CPU %u slot %u: prot "
		    "%#x beyond %#x", cpu, s, m.prot, sl->prot);
		if ((sl->prot & VM_PROT_WRITE) && !(m.prot & VM_PROT_WRITE))
			T_ASSERT(t, c_get(&pg->ro_start) > sl->ro_fin0, "CPU %u slot %u: "
			    "write-protected, and no page_protect overlapped it", cpu, s);
		sl->prot = m.prot;
	}
	T_EQ(t, pmap_resident_count(w->pm), resident);
	T_EQ(t, pmap_wired_count(w->pm), wired);
}

/* With every worker stopped: each shared page's mod/ref against the intervals. */
static void
c_check_modref(struct tctx *t, unsigned g)
{
	struct c_page *pg = &C.page[g];
	struct pmap_page *pp = t_pg(pg->pa);

	if (pmap_is_modified(pp))
		T_ASSERT(t, pg->w_end > pg->mc_start, "page %u modified, but no write since the "
		    "last clear_modify began (writes end %lu, clears start %lu)", g, pg->w_end,
		    pg->mc_start);
	else
		T_ASSERT(t, pg->w_start == 0 || pg->mc_end > pg->w_start, "page %u not modified, "
		    "but no clear_modify ended after the last write began (write %lu, clear end "
		    "%lu)", g, pg->w_start, pg->mc_end);
	if (pmap_is_referenced(pp))
		T_ASSERT(t, pg->r_end > pg->rc_start, "page %u referenced, but no access since "
		    "the last clear_reference began", g);
	else
		T_ASSERT(t, pg->r_start == 0 || pg->rc_end > pg->r_start, "page %u not "
		    "referenced, but no clear_reference ended after the last access began", g);
}

/* Shared pages, and a pmap and a kernel page for each of n workers. */
static void
c_setup(struct tctx *t, unsigned n)
{
	memset(&C, 0, sizeof(C));
	for (unsigned g = 0; g < C_NPAGE; g++)
		C.page[g].pa = t_page(t);
	for (unsigned c = 0; c < n; c++) {
		C.w[c].pm = t_pmap(t);
		C.w[c].kva = t_kva(t, 1);
		C.w[c].kpage = -1;
		for (unsigned s = 0; s < C_NSLOT; s++)
			C.w[c].slot[s].page = -1;
	}
}

static void
c_round_start(unsigned round, unsigned n)
{
	C.started = 0;
	for (unsigned c = 0; c < n; c++) {
		C.w[c].rng = 0x9e3779b9u * (round * PMAP_MAXCPUS + c + 1);
		C.w[c].prng = C.w[c].rng ^ 0x5bd1e995u;
		C.w[c].ops = C_OPS;
		C.w[c].nworkers = n;
	}
}

/* Every worker stopped: their failures, pmaps, the kernel pmap, every TLB, mod/ref. */
static void
c_round_check(struct tctx *t, unsigned round, unsigned n)
{
	for (unsigned c = 0; c < n; c++) {
		T_ASSERT(t, C.w[c].fail[0] == '\0', "round %u: %s", round, C.w[c].fail);
		c_check_worker(t, &C.w[c], c);
	}
	T_CHECK_PMAP(t, pmap_kernel());
	int stale = plat_tlb_audit(kprintf);
	T_ASSERT(t, stale <= 0, "round %u: %d stale TLB entries", round, stale);
	for (unsigned g = 0; g < C_NPAGE; g++)
		c_check_modref(t, g);
}

static void
c_report(const char *what, unsigned n, struct pmap_stats *s0)
{
	struct pmap_stats s1;
	unsigned long enters = 0, page_ops = 0, probes = 0, expected = 0, kops = 0, made = 0;
	unsigned long moves = 0;

	pmap_stats_get(&s1);
	for (unsigned c = 0; c < n; c++) {
		enters += C.w[c].enters;
		page_ops += C.w[c].page_ops;
		probes += C.w[c].probes;
		expected += C.w[c].expected_faults;
		kops += C.w[c].kernel_ops;
		made += C.w[c].pmaps_made;
		moves += C.w[c].moves;
		pmap_remove(C.w[c].pm, VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS);
		pmap_update(C.w[c].pm);
	}
	kprintf("# %s: %u workers x %u rounds x %u ops: %lu enters, %lu page operations, "
	    "%lu probes (%lu had to fault), %lu kernel-page operations, %lu pmaps made; %lu "
	    "shootdowns, %lu lock waits", what, n, C_ROUNDS, C_OPS, enters, page_ops, probes,
	    expected, kops, made, s1.shootdowns - s0->shootdowns, s1.lock_spins - s0->lock_spins);
	if (moves != 0)
		kprintf("; %lu preemptions that moved a thread", moves);
	kprintf("\n");
}

void
t_smp_concurrent(struct tctx *t)
{
	unsigned n = kern_ncpus();
	struct pmap_stats s0;

	if (n < 2)
		T_SKIP(t, "one CPU");
	c_setup(t, n);
	pmap_stats_get(&s0);
	for (unsigned round = 0; round < C_ROUNDS; round++) {
		c_round_start(round, n);
		for (unsigned c = 1; c < n; c++)
			kern_xcall_async(c, c_worker_run, &C.w[c]);
		c_worker_run(&C.w[0]);
		for (unsigned c = 1; c < n; c++)
			kern_xcall_wait(c);
		c_round_check(t, round, n);
		if (t->failed)
			return;
	}
	c_report("concurrent", n, &s0);
}

/*
 * Preemption, where pmapkit allows it: at each point where it enables
 * preemption again (the release of the last lock it holds, inside a pmap
 * call; between the locks of one call), the hook moves one time in four a
 * kernel thread to another free CPU, and the thread makes its pmap live
 * there (the kernel's context switch).  In a correct pmap a thread is
 * never moved while it holds a lock or uses per-CPU state, which the test
 * kernel checks (pmap_kern_cpu_index panics if asked with preemption
 * enabled while the hook is installed).
 */
static void
c_preempt_hook(void)
{
	struct c_worker *w = plat_thread_self_arg();

	if (w == NULL || w->stay)
		return;
	w->prng = w->prng * 1664525u + 1013904223u;
	if ((w->prng >> 28) % 4 != 0)
		return;
	w->stay = true;
	/*
	 * Off the CPU for a moment either way: another thread may have run on
	 * it meanwhile, with its own pmap.  The switch back is the kernel's.
	 */
	w->moves += plat_thread_switch();
	pmap_activate(w->pm);
	plat_kernel_user_access(true);
	w->stay = false;
}

void
t_smp_preempt(struct tctx *t)
{
	unsigned n = kern_ncpus();
	struct pmap_stats s0;
	unsigned long moves = 0;

	if (n < 3)
		T_SKIP(t, "fewer than 3 CPUs");
	unsigned nthreads = n - 2;	/* a free CPU to move to, besides CPU 0 */
	c_setup(t, nthreads);
	pmap_stats_get(&s0);
	for (unsigned round = 0; round < C_ROUNDS; round++) {
		c_round_start(round, nthreads);
		__atomic_store_n(&kern_preempt_hook, c_preempt_hook, __ATOMIC_RELEASE);
		for (unsigned i = 0; i < nthreads; i++)
			if (!plat_thread_start(c_worker_run, &C.w[i])) {
				__atomic_store_n(&kern_preempt_hook, NULL, __ATOMIC_RELEASE);
				T_SKIP(t, "no kernel threads that move between CPUs here (the host "
				    "model has them)");
			}
		plat_thread_join();
		__atomic_store_n(&kern_preempt_hook, NULL, __ATOMIC_RELEASE);
		for (unsigned c = 1; c < n; c++)	/* where the threads left their pmaps */
			t_activate_on(c, pmap_kernel());
		c_round_check(t, round, nthreads);
		if (t->failed)
			return;
	}
	for (unsigned i = 0; i < nthreads; i++)
		moves += C.w[i].moves;
	c_report("preempt", nthreads, &s0);
	T_ASSERT(t, moves > 0, "no thread was ever moved to another CPU");
}

/*
 * pv reclaim on every CPU at once: each CPU enters the shared pages at
 * random slots of its own pmap and removes some, with the pv soft limit a
 * few entries above what is in use, so that nearly every enter that needs
 * a pv entry first takes a mapping away, from another CPU's pmap (only
 * tried: one that is busy is passed over) or its own.  Two CPUs touch one
 * page's pv list at once all the time: a reclaim removing a mapping of a
 * page, an enter listing another.  Then each pmap passes pmap_check (every
 * managed leaf with its pv entry and no pv entry without its leaf), and
 * reclaims must have happened.  Under ThreadSanitizer a pv list changed
 * without its page's lock is a race report.
 */
#define R_SLOTS		48
#define R_OPS		(t_host_model() ? 1500 : 400)

static struct {
	struct pmap	*pm[PMAP_MAXCPUS];
	unsigned long	 enters[PMAP_MAXCPUS], enomem[PMAP_MAXCPUS];
	unsigned	 started, n;
} R;

static void
r_worker_run(void *arg)
{
	unsigned c = (unsigned)(uintptr_t)arg;
	struct pmap *pm = R.pm[c];
	uint32_t rng = 0x9e3779b9u * (c + 1);

	c_start_together(&R.started, R.n);
	for (unsigned i = 0; i < R_OPS; i++) {
		c_xorshift(&rng);
		vaddr_t va = C_UVA + (rng % R_SLOTS) * PAGE_SIZE;
		if ((rng >> 24) % 4 == 0) {
			pmap_remove(pm, va, va + PAGE_SIZE);
		} else if (pmap_enter(pm, va, C.page[(rng >> 16) % C_NPAGE].pa,
		    VM_PROT_READ | VM_PROT_WRITE, PMAP_CANFAIL) == 0) {
			R.enters[c]++;
		} else {
			R.enomem[c]++;
		}
		if (i % 16 == 15)
			pmap_update(pm);
	}
	pmap_update(pm);
}

void
t_smp_reclaim(struct tctx *t)
{
	unsigned n = kern_ncpus();
	struct pmap_stats s0, s1;
	unsigned long enters = 0, enomem = 0;

	if (n < 2)
		T_SKIP(t, "one CPU");
	for (unsigned g = 0; g < C_NPAGE; g++)	/* neighbours: each its own page lock */
		C.page[g].pa = t_page(t);
	for (unsigned c = 0; c < n; c++) {
		R.pm[c] = pmap_create();
		R.enters[c] = R.enomem[c] = 0;
	}
	R.started = 0;
	R.n = n;
	pmap_stats_get(&s0);
	pmap_pv_set_soft_limit(s0.pv_inuse + 8);
	for (unsigned c = 1; c < n; c++)
		kern_xcall_async(c, r_worker_run, (void *)(uintptr_t)c);
	r_worker_run((void *)(uintptr_t)0);
	for (unsigned c = 1; c < n; c++)
		kern_xcall_wait(c);
	pmap_pv_set_soft_limit(CONFIG_PMAP_PV_SOFT_LIMIT);
	pmap_stats_get(&s1);
	for (unsigned c = 0; c < n; c++) {
		T_CHECK_PMAP(t, R.pm[c]);
		enters += R.enters[c];
		enomem += R.enomem[c];
	}
	kprintf("# reclaim: %u CPUs x %u ops: %lu enters, %lu refused (ENOMEM), %lu reclaims, "
	    "%lu lock waits\n", n, R_OPS, enters, enomem, s1.pv_reclaims - s0.pv_reclaims,
	    s1.lock_spins - s0.lock_spins);
	T_ASSERT(t, s1.pv_reclaims - s0.pv_reclaims >= n * 10,
	    "only %lu pv reclaims: the test did not press the soft limit",
	    s1.pv_reclaims - s0.pv_reclaims);
	for (unsigned c = 0; c < n; c++) {
		pmap_remove(R.pm[c], VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS);
		pmap_update(R.pm[c]);
		pmap_destroy(R.pm[c]);
	}
}

/*
 * pmap_extract against tables freed and reused under it.  Every CPU works
 * on one shared pmap over E_SPANS leaf-table spans, where slot k of span s
 * is only ever mapped to E.page[s][k % E_NPG].  A round of a CPU either
 * reads: enters a slot of a span (its walk cache now names that span's
 * leaf table: on a backend with PMAP_DIRECT_TABLES, extracts there are
 * answered without the lock) and extracts slots of the span E_BURST times;
 * or churns: removes a whole span, whose emptied leaf table is freed at the
 * pmap_update, and fills every slot of another span, which takes a table
 * (likely that one) if it had none.  An extract must answer "not mapped"
 * or the slot's page, at the offset asked: an entry read from a freed
 * table that became another span's names a page of that span.  Then
 * pmap_check; the answers given without the lock are counted
 * (extract_locked) and must have happened where the backend allows them.
 */
#define E_SPANS		4
#define E_SLOTS		8
#define E_NPG		4
#define E_BURST		4096
#define E_ROUNDS	(t_host_model() ? 200 : 24)

static struct {
	struct pmap	*pm;
	paddr_t		 page[E_SPANS][E_NPG];
	unsigned	 started, n;
	unsigned long	 extracts[PMAP_MAXCPUS], found[PMAP_MAXCPUS], emptied[PMAP_MAXCPUS];
	char		 fail[PMAP_MAXCPUS][160];
} E;

static vaddr_t
e_va(unsigned s, unsigned k)
{
	return C_UVA + s * t_leaf_span() + k * PAGE_SIZE;
}

static void
e_worker_run(void *arg)
{
	unsigned c = (unsigned)(uintptr_t)arg;
	uint32_t rng = 0x85ebca6bu * (c + 1);

	c_start_together(&E.started, E.n);
	for (unsigned i = 0; i < E_ROUNDS && E.fail[c][0] == '\0'; i++) {
		uint32_t r = c_xorshift(&rng);
		unsigned s = r % E_SPANS;

		if ((r >> 8) % 4 == 0) {
			unsigned t = (s + 1 + (r >> 12) % (E_SPANS - 1)) % E_SPANS;
			pmap_remove(E.pm, e_va(s, 0), e_va(s, E_SLOTS));
			pmap_update(E.pm);
			E.emptied[c]++;
			for (unsigned k = 0; k < E_SLOTS; k++)
				(void)pmap_enter(E.pm, e_va(t, k), E.page[t][k % E_NPG], VM_PROT_READ,
				    PMAP_CANFAIL);
			continue;
		}
		unsigned k0 = (r >> 12) % E_SLOTS;
		(void)pmap_enter(E.pm, e_va(s, k0), E.page[s][k0 % E_NPG], VM_PROT_READ,
		    PMAP_CANFAIL);
		for (unsigned b = 0; b < E_BURST; b++) {
			uint32_t x = c_xorshift(&rng);
			unsigned k = x % E_SLOTS;
			vaddr_t va = e_va(s, k) + ((x >> 8) & PAGE_MASK);
			paddr_t want = E.page[s][k % E_NPG] + ((x >> 8) & PAGE_MASK), pa;

			E.extracts[c]++;
			if (!pmap_extract(E.pm, va, &pa))
				continue;
			E.found[c]++;
			if (pa != want) {
				ksnprintf(E.fail[c], sizeof(E.fail[c]), "CPU %u: pmap_extract of va %#"
				    PMAP_PRIxVADDR " gave pa %#llx; only %#llx is ever mapped there", c,
				    va, (unsigned long long)pa, (unsigned long long)want);
				break;
			}
		}
	}
	pmap_update(E.pm);
}

void
t_smp_extract(struct tctx *t)
{
	unsigned n = kern_ncpus();
	struct pmap_stats s0, s1;
	unsigned long extracts = 0, found = 0, emptied = 0;

	if (n < 2)
		T_SKIP(t, "one CPU");
	for (unsigned s = 0; s < E_SPANS; s++)
		for (unsigned g = 0; g < E_NPG; g++)
			E.page[s][g] = t_page(t);
	E.pm = pmap_create();
	E.started = 0;
	E.n = n;
	for (unsigned c = 0; c < n; c++) {
		E.extracts[c] = E.found[c] = E.emptied[c] = 0;
		E.fail[c][0] = '\0';
	}
	pmap_stats_get(&s0);
	for (unsigned c = 1; c < n; c++)
		kern_xcall_async(c, e_worker_run, (void *)(uintptr_t)c);
	e_worker_run((void *)(uintptr_t)0);
	for (unsigned c = 1; c < n; c++)
		kern_xcall_wait(c);
	pmap_stats_get(&s1);
	T_CHECK_PMAP(t, E.pm);
	for (unsigned c = 0; c < n; c++) {
		T_ASSERT(t, E.fail[c][0] == '\0', "%s", E.fail[c]);
		extracts += E.extracts[c];
		found += E.found[c];
		emptied += E.emptied[c];
	}
	unsigned long locked = s1.extract_locked - s0.extract_locked;
	kprintf("# extract: %u CPUs x %u rounds: %lu extracts (%lu mapped, %lu without the lock), "
	    "%lu spans emptied, %lu tables freed\n", n, E_ROUNDS, extracts, found, extracts - locked,
	    emptied, s1.ptp_frees - s0.ptp_frees);
	T_ASSERT(t, found > 0 && emptied > 0 && s1.ptp_frees > s0.ptp_frees,
	    "the test did not race extracts with freed tables");
#ifdef PMAP_DIRECT_TABLES
	T_ASSERT(t, locked < extracts, "every one of %lu extracts took the lock", extracts);
#else
	T_EQ(t, locked, extracts);	/* no unlocked path on this backend */
#endif
	pmap_remove(E.pm, VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS);
	pmap_update(E.pm);
	pmap_destroy(E.pm);
}
