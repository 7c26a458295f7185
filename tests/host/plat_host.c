/*
 * The host platform: kern/ and the shared suite run in an ordinary process,
 * with the backend's MMU model (md/<backend>/..._host.c) standing in for the
 * hardware.  RAM is a page-aligned array; a probe is a model translation
 * plus a load or store in that array.
 *
 * tests/host/main_host.c starts it as a program (arguments form the kernel
 * command line); tests/fuzz/fuzz_host.c as a libFuzzer target.
 */
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


unsigned
plat_cpu_index(void)
{
	return model_cpu;
}

/*
 * The model's other CPUs wait on the boot map, as a trampoline leaves them
 * (pmap_model_init): each starts as kern_cpu_start would, on the kernel
 * pmap (pmap_cpu_init), and then runs only when handed control.
 */
unsigned
plat_start_cpus(void)
{
	for (unsigned c = 1; c < model_ncpus; c++) {
		model_cpu = c;
		pmap_cpu_init();
	}
	model_cpu = 0;
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

bool
plat_cpus_concurrent(void)
{
	return false;
}

/*
 * An IPI hands the target CPU control at once: it takes the interrupt, then
 * runs a posted cross-call as its idle loop would, and control comes back.
 */
void
plat_ipi(unsigned cpu)
{
	unsigned from = model_cpu;

	if (cpu >= model_ncpus || cpu == from)
		model_fatal("plat_ipi: CPU %u from CPU %u (%u CPUs)", cpu, from, model_ncpus);
	model_cpu = cpu;
	kern_ipi_intr();
	kern_cpu_serve();
	model_cpu = from;
}

static bool model_intr_on[PMAP_MAXCPUS];

bool
plat_intr_enable(bool on)
{
	bool was = model_intr_on[model_cpu];

	model_intr_on[model_cpu] = on;
	return was;
}

void
plat_cpu_wait(void)
{
	model_fatal("plat_cpu_wait: CPU %u would wait forever in the host model", model_cpu);
}

void
plat_cpu_relax(void)
{
}
