/*
 * The host platform: kern/ and the shared suite run in an ordinary process,
 * with the backend's MMU model (md/<backend>/..._host.c) standing in for the
 * hardware.  RAM is a page-aligned array; a probe is a model translation
 * plus a load or store in that array.
 *
 * tests/host/main_host.c starts it as a program (arguments form the kernel
 * command line); tests/fuzz/fuzz_host.c as a libFuzzer target.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kern.h"
#include "model.h"
#include "plat_host.h"

#define HOST_DEFAULT_CPUS	4	/* simulated CPUs unless cpus=N */
#define HOST_MIN_MEM_MB		16	/* mem=MB: Kconfig's GUEST_MEM_MB floor */
#define HOST_MAX_MEM_MB		65536	/* as much as the widest backend (36 bits) addresses */

_Static_assert(PROBE_READ == (int)PMAP_MODEL_READ && PROBE_WRITE == (int)PMAP_MODEL_WRITE &&
    PROBE_EXEC == (int)PMAP_MODEL_EXEC, "kern.h and pmap_model.h disagree on access types");

static void host_ipi_check(void);

void
plat_putc(int c)
{
	putchar(c);
}

void
plat_paging_ready(void)
{
}

/* The model only checks the right to execute; nothing runs. */
void
plat_plant_return(void *p)
{
	*(volatile uint32_t *)p = 0;
}

void
plat_exit(int status)
{
	fflush(stdout);
	exit(status == KERN_EXIT_PASS ? 0 : 1);
}

void *
plat_phys(paddr_t pa)
{
	return pmap_model_phys(pa);
}

uint64_t
plat_nsec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

bool
plat_probe_user_supported(void)
{
	return true;
}

void
plat_probe(vaddr_t va, enum probe_access acc, bool user, uint32_t wval,
    struct probe_result *r)
{
	*r = (struct probe_result){ 0 };
	host_ipi_check();
	/*
	 * As a CPU and a kernel's fault handler: each fault goes to pmap_fault
	 * (software ref/mod emulation) first, and the access is retried while it
	 * says so.  A run of retries means pmap_fault never decides: stop.
	 */
	for (unsigned tries = 0; !pmap_model_access(va, (enum pmap_model_access)acc, user, wval,
	    &r->value, &r->fault_code); tries++) {
		struct pmap *pm = va < VM_MAXUSER_ADDRESS && pmap_current() ? pmap_current() :
		    pmap_kernel();
		vm_prot_t access = acc == PROBE_WRITE ? VM_PROT_WRITE :
		    acc == PROBE_EXEC ? VM_PROT_EXECUTE : VM_PROT_READ;
		if (tries == 4)
			model_fatal("plat_probe: va %#" PMAP_PRIxVADDR " still faults after %u "
			    "retries pmap_fault asked for", va, tries);
		if (!pmap_fault(pm, va, access, user)) {
			r->fault_va = va;
			return;
		}
	}
	r->ok = true;
}

/*
 * The host platform's command-line words: cpus=N simulated CPUs (1 ..
 * PMAP_MAXCPUS, default HOST_DEFAULT_CPUS) and mem=MB of RAM (default
 * CONFIG_GUEST_MEM_MB), as QEMU's -smp and -m.  A malformed value is fatal.
 */
static uint64_t
host_arg(const char *cmdline, const char *key, uint64_t dflt, uint64_t lo, uint64_t hi)
{
	size_t len;
	const char *v = kern_cmdline_value(cmdline, key, &len);
	uint64_t n = dflt;

	if (v != NULL && (!kern_parse_u64(v, len, &n) || n < lo || n > hi))
		model_fatal("%s%.*s: must be a number from %llu to %llu", key, (int)len, v,
		    (unsigned long long)lo, (unsigned long long)hi);
	return n;
}

bool
plat_cmdline_word(const char *w, size_t len)
{
	const char *v;
	size_t vlen;

	return kern_cmdline_key(w, len, "cpus=", &v, &vlen) ||
	    kern_cmdline_key(w, len, "mem=", &v, &vlen);
}

/*
 * Simulated RAM, laid out as the backend's QEMU machine does, and the boot
 * map the guest's entry code leaves.  The array is reserved sparsely: pages
 * cost host memory only once touched.
 */
void
host_boot_info(struct boot_info *bi, const char *cmdline)
{
	uint64_t mem = host_arg(cmdline, "mem=", CONFIG_GUEST_MEM_MB, HOST_MIN_MEM_MB,
	    HOST_MAX_MEM_MB);
	unsigned ncpus = (unsigned)host_arg(cmdline, "cpus=", HOST_DEFAULT_CPUS, 1, PMAP_MAXCPUS);
	struct pmap_model_boot mb;

	pmap_model_init(mem << 20, ncpus, &mb);
	*bi = (struct boot_info){ .cmdline = cmdline, .nregions = mb.nregions,
	    .kernel_end_pa = mb.kernel_end_pa, .text_start_pa = mb.text_start_pa,
	    .text_end_pa = mb.text_end_pa, .platform = mb.platform,
	    .md_features = mb.md_features };
	for (unsigned i = 0; i < mb.nregions; i++)
		bi->regions[i] = (struct boot_region){ mb.regions[i].base, mb.regions[i].len };
}

/* ---- Simulated CPUs (kern.h, multiprocessor) ---- */

/*
 * Each simulated CPU has its own TLB and control registers, and runs one
 * POSIX thread at a time: the thread holding its `owner' token, which sets
 * model_cpu (thread-local) to it.  CPU 0 is the program's main thread for
 * good; CPU c > 0 has a thread of its own that lives in kern_cpu_start and
 * gives the CPU up while it sleeps in plat_cpu_wait.  The preemption test's
 * kernel threads (plat_thread_start) take a free CPU, and move to another
 * at its preemption points (plat_thread_switch): a thread holds no CPU
 * only between two of them.
 *
 * An IPI is a pending flag on the target CPU, taken by whichever thread
 * runs it: at its next instruction boundary with interrupts on (each
 * probe, each spin-wait step, each enable), or at once by the CPU's own
 * thread, which sleeps in plat_cpu_wait until one is pending and then
 * takes the CPU back.  A CPU's interrupt flag belongs to the thread that
 * runs it: saved when it gives the CPU up, restored when it takes one.
 */
struct host_cpu {
	uint32_t	 ipi_pending;
	uint32_t	 owner;		/* the thread running it (host_tid), 0: none */
	bool		 intr_on;
	bool		 idle;		/* its thread reached its first plat_cpu_wait */
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	pthread_t	 thread;
};
static struct host_cpu host_cpus[PMAP_MAXCPUS];
static uint32_t host_tids;			/* threads made (ids 1, 2, ...) */
static _Thread_local uint32_t host_tid;		/* this thread's id */
static _Thread_local bool host_tintr;		/* its interrupt flag while it runs no CPU */
static _Thread_local void *host_targ;		/* a kernel thread's argument, else NULL */
static _Thread_local uint32_t host_trand;	/* its choice of CPUs */

static bool
host_cpu_try(unsigned c)
{
	uint32_t free = 0;

	if (!__atomic_compare_exchange_n(&host_cpus[c].owner, &free, host_tid, false,
	    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	model_cpu = c;
	host_cpus[c].intr_on = host_tintr;
	return true;
}

static void
host_cpu_take(unsigned c)
{
	while (!host_cpu_try(c))
		sched_yield();
}

static void
host_cpu_give(void)
{
	struct host_cpu *hc = &host_cpus[model_cpu];

	host_tintr = hc->intr_on;
	__atomic_store_n(&hc->owner, 0, __ATOMIC_RELEASE);
}

static uint32_t
host_new_tid(void)
{
	return __atomic_add_fetch(&host_tids, 1, __ATOMIC_RELAXED);
}

unsigned
plat_cpu_index(void)
{
	return model_cpu;
}

/* Take a pending IPI, as the interrupt would: with interrupts off meanwhile. */
static void
host_ipi_take(struct host_cpu *hc)
{
	if (__atomic_load_n(&hc->ipi_pending, __ATOMIC_ACQUIRE) == 0 ||
	    __atomic_exchange_n(&hc->ipi_pending, 0, __ATOMIC_ACQUIRE) == 0)
		return;
	bool was = hc->intr_on;
	hc->intr_on = false;
	kern_ipi_intr();
	hc->intr_on = was;
}

/* An instruction boundary: a pending IPI is taken if interrupts are on. */
static void
host_ipi_check(void)
{
	struct host_cpu *hc = &host_cpus[model_cpu];

	if (hc->intr_on)
		host_ipi_take(hc);
}

static void *
host_cpu_main(void *arg)
{
	host_tid = host_new_tid();
	host_cpu_take((unsigned)(uintptr_t)arg);
	kern_cpu_start();
}

/*
 * The model's other CPUs wait on the boot map, as a trampoline leaves them
 * (pmap_model_init): each thread starts as kern_cpu_start would, on the
 * kernel pmap (pmap_cpu_init), and runs until the program exits.  Returns
 * once each has reached its idle loop.
 */
unsigned
plat_start_cpus(void)
{
	for (unsigned c = 0; c < model_ncpus; c++) {
		pthread_mutex_init(&host_cpus[c].mu, NULL);
		pthread_cond_init(&host_cpus[c].cv, NULL);
	}
	host_tid = host_new_tid();		/* the main thread runs CPU 0 */
	host_cpu_take(0);
	for (unsigned c = 1; c < model_ncpus; c++)
		if (pthread_create(&host_cpus[c].thread, NULL, host_cpu_main,
		    (void *)(uintptr_t)c) != 0)
			model_fatal("plat_start_cpus: cannot start a thread for CPU %u", c);
	for (unsigned c = 1; c < model_ncpus; c++)
		while (!__atomic_load_n(&host_cpus[c].idle, __ATOMIC_ACQUIRE))
			kern_spin_poll();
	return model_ncpus;
}

/* Every CPU's TLB against the tables: the number of stale entries, each printed. */
int
plat_tlb_audit(void (*print)(const char *, ...))
{
	return pmap_model_tlb_audit(print);
}

void
plat_fault_decode(uint32_t fault_code, struct fault_info *f)
{
	model_fault_decode(fault_code, f);
}

bool
plat_kernel_user_access(bool allow)
{
	return model_kernel_user_access(allow);
}

/* The model runs user probes on every CPU. */
bool
plat_probe_user_any_cpu(void)
{
	return true;
}

void
plat_ipi(unsigned cpu)
{
	unsigned from = model_cpu;

	if (cpu >= model_ncpus || cpu == from)
		model_fatal("plat_ipi: CPU %u from CPU %u (%u CPUs)", cpu, from, model_ncpus);
	struct host_cpu *hc = &host_cpus[cpu];
	__atomic_store_n(&hc->ipi_pending, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&hc->mu);
	pthread_cond_signal(&hc->cv);
	pthread_mutex_unlock(&hc->mu);
}

bool
plat_intr_enable(bool on)
{
	struct host_cpu *hc = &host_cpus[model_cpu];
	bool was = hc->intr_on;

	hc->intr_on = on;
	if (on)
		host_ipi_take(hc);
	return was;
}

/* Interrupts off; returns once an IPI is pending, after taking it (the wfi/hlt window). */
void
plat_cpu_wait(void)
{
	struct host_cpu *hc = &host_cpus[model_cpu];

	if (hc->intr_on)
		model_fatal("plat_cpu_wait: CPU %u: interrupts are on", model_cpu);
	unsigned me = model_cpu;
	__atomic_store_n(&hc->idle, true, __ATOMIC_RELEASE);
	host_cpu_give();
	pthread_mutex_lock(&hc->mu);
	while (__atomic_load_n(&hc->ipi_pending, __ATOMIC_ACQUIRE) == 0)
		pthread_cond_wait(&hc->cv, &hc->mu);
	pthread_mutex_unlock(&hc->mu);
	host_cpu_take(me);	/* a kernel thread on it meanwhile serves its IPIs itself */
	host_ipi_take(hc);
}

/* ---- kernel threads for the preemption test (kern.h) ---- */

#define HOST_KTHREADS	PMAP_MAXCPUS
static struct host_kthread {
	void		(*fn)(void *);
	void		*arg;
	pthread_t	 thread;
	bool		 done;
} host_kthreads[HOST_KTHREADS];
static unsigned host_nkthreads;

/* A free CPU other than 0 (and, if it can, other than `avoid`), taken. */
static void
host_cpu_take_any(unsigned avoid)
{
	for (;;) {
		host_trand = host_trand * 1103515245u + 12345u;
		for (unsigned i = 0; i < model_ncpus - 1; i++) {
			unsigned c = 1 + (host_trand / 65536 + i) % (model_ncpus - 1);
			if (c != avoid && host_cpu_try(c))
				return;
		}
		if (avoid != 0 && host_cpu_try(avoid))
			return;
		sched_yield();
	}
}

static void *
host_kthread_main(void *arg)
{
	struct host_kthread *kt = arg;

	host_tid = host_new_tid();
	host_trand = host_tid;
	host_targ = kt->arg;
	host_tintr = true;		/* kernel threads run with interrupts on */
	host_cpu_take_any(0);
	kt->fn(kt->arg);
	host_cpu_give();
	__atomic_store_n(&kt->done, true, __ATOMIC_RELEASE);
	return NULL;
}

bool
plat_thread_start(void (*fn)(void *), void *arg)
{
	if (model_ncpus < 2 || host_nkthreads == HOST_KTHREADS)
		return false;
	struct host_kthread *kt = &host_kthreads[host_nkthreads++];
	*kt = (struct host_kthread){ fn, arg, 0, false };
	if (pthread_create(&kt->thread, NULL, host_kthread_main, kt) != 0)
		model_fatal("plat_thread_start: cannot start a thread");
	return true;
}

/* Wait for every kernel thread started; CPU 0 serves shootdowns meanwhile. */
void
plat_thread_join(void)
{
	for (unsigned i = 0; i < host_nkthreads; i++) {
		while (!__atomic_load_n(&host_kthreads[i].done, __ATOMIC_ACQUIRE))
			kern_spin_poll();
		pthread_join(host_kthreads[i].thread, NULL);
	}
	host_nkthreads = 0;
}

void *
plat_thread_self_arg(void)
{
	return host_targ;
}

/*
 * A kernel thread gives its CPU up and takes another free one (or its own
 * again if none is free): preemption and migration.  True if it moved.
 */
bool
plat_thread_switch(void)
{
	unsigned from = model_cpu;

	if (host_targ == NULL)
		return false;
	host_cpu_give();
	sched_yield();
	host_cpu_take_any(from);
	return model_cpu != from;
}

/* A spin-wait step: give the core to a CPU thread that has work (the host may have fewer). */
void
plat_cpu_relax(void)
{
	host_ipi_check();
	sched_yield();
}
