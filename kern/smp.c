/*
 * The test kernel's multiprocessor side: secondary CPUs idle in
 * kern_cpu_start() and run cross-calls (kern_xcall) that tests post to them;
 * the one IPI the platform delivers serves pmap TLB shootdowns and wakes an
 * idle CPU.  Every spin-wait here calls kern_spin_poll(), so a CPU that
 * waits still answers a shootdown aimed at it.
 */
#include "kern.h"

#include <pmap/pmap_kern.h>

struct kcpu {
	void		(*volatile fn)(void *);	/* posted cross-call, NULL if none */
	void		*volatile arg;
	volatile unsigned posted;	/* calls posted to this CPU */
	volatile unsigned done;		/* of those, returned */
	volatile bool	 running;	/* reached kern_cpu_start (CPU 0: always) */
	volatile unsigned long ipis;	/* IPIs taken */
	unsigned	 preempt;	/* pmap_kern_preempt_disable depth */
} __attribute__((aligned(64)));		/* each CPU's own cache lines */

static struct kcpu kcpus[PMAP_MAXCPUS] = { [0] = { .running = true } };
static volatile unsigned kern_ncpus_running = 1;

unsigned
kern_ncpus(void)
{
	return __atomic_load_n(&kern_ncpus_running, __ATOMIC_ACQUIRE);
}

static void
kern_whoami(void *arg)
{
	*(volatile unsigned *)arg = plat_cpu_index();
}

/* Each CPU answers a cross-call with its own number. */
static void
kern_smp_selftest(void)
{
	unsigned n = kern_ncpus();

	for (unsigned c = 1; c < n; c++) {
		volatile unsigned who = ~0u;
		kern_xcall(c, kern_whoami, (void *)&who);
		if (who != c)
			kpanic("kern_smp_selftest: cross-call to CPU %u ran on CPU %u", c, who);
	}
	kprintf("# %u CPU%s running; each answered a cross-call\n", n,
	    n == 1 ? "" : "s");
}

/* Called by kern/main.c once the pmap is up. */
void
kern_smp_init(void)
{
	unsigned n = plat_start_cpus();

	if (n == 0 || n > PMAP_MAXCPUS)
		kpanic("kern_smp_init: plat_start_cpus returned %u CPUs (1 .. %u)", n,
		    (unsigned)PMAP_MAXCPUS);
	for (unsigned c = 1; c < n; c++)
		if (!__atomic_load_n(&kcpus[c].running, __ATOMIC_ACQUIRE))
			kpanic("kern_smp_init: CPU %u of %u did not reach kern_cpu_start", c, n);
	__atomic_store_n(&kern_ncpus_running, n, __ATOMIC_RELEASE);
	kern_smp_selftest();
}

unsigned long
kern_cpu_ipis(unsigned cpu)
{
	return cpu < PMAP_MAXCPUS ? __atomic_load_n(&kcpus[cpu].ipis, __ATOMIC_RELAXED) : 0;
}

/* A spin lock of the test kernel's own (the page allocator's); spinning polls. */
void
kspin_lock(struct kspin *l)
{
	for (;;) {
		uint32_t free = 0;
		if (__atomic_compare_exchange_n(&l->locked, &free, 1, false, __ATOMIC_ACQUIRE,
		    __ATOMIC_RELAXED))
			return;
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0)
			kern_spin_poll();
	}
}

void
kspin_unlock(struct kspin *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

void
kern_spin_poll(void)
{
	pmap_tlb_shootdown_poll();
	plat_cpu_relax();
}

/* The IPI's handler: preemption is off in it (no preemption hook runs from an interrupt). */
void
kern_ipi_intr(void)
{
	struct kcpu *kc = &kcpus[plat_cpu_index()];

	kc->preempt++;
	__atomic_fetch_add(&kc->ipis, 1, __ATOMIC_RELAXED);
	pmap_tlb_shootdown_poll();
	kc->preempt--;
}

/* Run this CPU's posted cross-call, if any. */
bool
kern_cpu_serve(void)
{
	struct kcpu *kc = &kcpus[plat_cpu_index()];
	void (*fn)(void *) = __atomic_load_n(&kc->fn, __ATOMIC_ACQUIRE);

	if (fn == NULL)
		return false;
	bool was = plat_intr_enable(true);
	fn(kc->arg);
	plat_intr_enable(was);
	__atomic_store_n(&kc->fn, NULL, __ATOMIC_RELAXED);
	__atomic_fetch_add(&kc->done, 1, __ATOMIC_RELEASE);
	return true;
}

void
kern_cpu_start(void)
{
	unsigned me = plat_cpu_index();

	if (me == 0 || me >= PMAP_MAXCPUS)
		kpanic("kern_cpu_start: CPU number %u (1 .. %u)", me,
		    (unsigned)PMAP_MAXCPUS - 1);
	plat_intr_enable(false);
	pmap_cpu_init();
	__atomic_store_n(&kcpus[me].running, true, __ATOMIC_RELEASE);
	for (;;) {
		pmap_tlb_shootdown_poll();
		if (!kern_cpu_serve())
			plat_cpu_wait();
	}
}

void
kern_xcall_async(unsigned cpu, void (*fn)(void *), void *arg)
{
	if (cpu >= kern_ncpus())
		kpanic("kern_xcall: CPU %u of %u", cpu, kern_ncpus());
	if (cpu == plat_cpu_index())
		kpanic("kern_xcall_async: CPU %u is the caller", cpu);
	struct kcpu *kc = &kcpus[cpu];
	kern_xcall_wait(cpu);		/* one call in flight per CPU */
	kc->arg = arg;
	kc->posted++;
	__atomic_store_n(&kc->fn, fn, __ATOMIC_RELEASE);
	plat_ipi(cpu);
}

void
kern_xcall_wait(unsigned cpu)
{
	struct kcpu *kc = &kcpus[cpu];

	while (__atomic_load_n(&kc->done, __ATOMIC_ACQUIRE) != kc->posted)
		kern_spin_poll();
}

void
kern_xcall(unsigned cpu, void (*fn)(void *), void *arg)
{
	if (cpu == plat_cpu_index()) {
		fn(arg);
		return;
	}
	kern_xcall_async(cpu, fn, arg);
	kern_xcall_wait(cpu);
}

/* ---- The pmap's multiprocessor services (pmap_kern.h) ---- */

/*
 * The test kernel runs one thread per CPU and never preempts it, unless a
 * test installs kern_preempt_hook (the host model's preemption test): the
 * hook then runs where the outermost pmap_kern_preempt_enable ends, and
 * may move the thread to another CPU.  Counting per CPU is exact either
 * way: a thread moves only with its count at 0.
 */
void (*kern_preempt_hook)(void);

/* Kernel threads that may move between CPUs: only the host model has them (plat_host.c). */
__attribute__((weak)) bool plat_thread_start(void (*fn)(void *), void *arg)
{
	(void)fn;
	(void)arg;
	return false;
}
__attribute__((weak)) void plat_thread_join(void) { }
__attribute__((weak)) bool plat_thread_switch(void) { return false; }
__attribute__((weak)) void *plat_thread_self_arg(void) { return NULL; }

unsigned
pmap_kern_cpu_index(void)
{
	unsigned c = plat_cpu_index();

	if (__atomic_load_n(&kern_preempt_hook, __ATOMIC_ACQUIRE) != NULL && c < PMAP_MAXCPUS &&
	    kcpus[c].preempt == 0)
		kpanic("pmap_kern_cpu_index: CPU %u asked with preemption enabled: the thread "
		    "may move at any time", c);
	return c;
}

void
pmap_kern_preempt_disable(void)
{
	kcpus[plat_cpu_index()].preempt++;
}

void
pmap_kern_preempt_enable(void)
{
	struct kcpu *kc = &kcpus[plat_cpu_index()];

	if (kc->preempt == 0)
		kpanic("pmap_kern_preempt_enable: CPU %u: not disabled", plat_cpu_index());
	void (*hook)(void) = __atomic_load_n(&kern_preempt_hook, __ATOMIC_ACQUIRE);
	if (--kc->preempt == 0 && hook != NULL)
		hook();
}

/* This CPU's preemption-disable depth (0: preemptible). */
unsigned
kern_preempt_depth(void)
{
	return kcpus[plat_cpu_index()].preempt;
}

void
pmap_kern_cpu_relax(void)
{
	plat_cpu_relax();
}

uint32_t
pmap_kern_cpus_running(void)
{
	return (uint32_t)((1ull << kern_ncpus()) - 1);
}

void
pmap_kern_ipi(uint32_t cpus)
{
	for (unsigned c = 0; cpus != 0; c++, cpus >>= 1)
		if (cpus & 1u)
			plat_ipi(c);
}
