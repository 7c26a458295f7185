/*
 * The host MMU model's core (libpmapkit-model.a): simulated RAM, the
 * simulated CPUs, and the embedding kit's interface (<pmap/pmap_model.h>)
 * over the backend's model.  Nothing here knows the test kernel.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pmap/pmap_kern.h>
#include "model.h"

uint8_t *model_ram;
unsigned model_ncpus = 1;
_Thread_local unsigned model_cpu;	/* the one this thread runs as */
uint64_t model_ram_size;

void
model_fatal(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "model: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

bool
model_env_feature(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || strcmp(v, "1") == 0)
		return true;
	if (strcmp(v, "0") != 0)
		model_fatal("%s=%s: 0 or 1", name, v);
	return false;
}

void
pmap_model_init(uint64_t mem_bytes, unsigned ncpus, struct pmap_model_boot *bi)
{
	if (model_ram != NULL)
		model_fatal("pmap_model_init: called twice");
	if (ncpus < 1 || ncpus > PMAP_MAXCPUS)
		model_fatal("pmap_model_init: %u CPUs; the model runs 1 .. %u", ncpus,
		    (unsigned)PMAP_MAXCPUS);
	memset(bi, 0, sizeof(*bi));
	model_ram_size = model_ram_layout(bi, mem_bytes);
	model_ram = mmap(NULL, model_ram_size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (model_ram == MAP_FAILED)
		model_fatal("cannot reserve %llu bytes of model RAM",
		    (unsigned long long)model_ram_size);
	model_ncpus = ncpus;
	model_cpu = 0;
	model_boot(bi);
	for (unsigned c = 1; c < ncpus; c++) {
		model_cpu = c;
		model_cpu_start();
	}
	model_cpu = 0;
}

void *
pmap_model_phys(pmap_paddr_t pa)
{
	if ((uint64_t)pa >= model_ram_size)
		model_fatal("pmap_model_phys: pa %#llx beyond RAM (%#llx)", (unsigned long long)pa,
		    (unsigned long long)model_ram_size);
	return model_ram + pa;
}

uint64_t pmap_model_ram_size(void) { return model_ram_size; }
unsigned pmap_model_ncpus(void) { return model_ncpus; }
unsigned pmap_model_cpu(void) { return model_cpu; }

void
pmap_model_set_cpu(unsigned cpu)
{
	if (cpu >= model_ncpus)
		model_fatal("pmap_model_set_cpu: CPU %u of %u", cpu, model_ncpus);
	model_cpu = cpu;
}

void
pmap_model_ipi(uint32_t cpus)
{
	unsigned from = model_cpu;

	for (unsigned c = 0; c < model_ncpus; c++)
		if ((cpus & (1u << c)) && c != from) {
			model_cpu = c;
			pmap_tlb_shootdown_poll();
		}
	model_cpu = from;
}

bool
pmap_model_access(pmap_vaddr_t va, enum pmap_model_access acc, bool user, uint32_t wval,
    uint32_t *readp, uint32_t *faultp)
{
	uint64_t pa;
	uint32_t code;

	if (!model_translate(va, acc, user, &pa, &code)) {
		if (faultp != NULL)
			*faultp = code;
		return false;
	}
	if (pa + 4 > model_ram_size)
		model_fatal("pmap_model_access: va %#" PMAP_PRIxVADDR " maps pa %#llx beyond RAM",
		    va, (unsigned long long)pa);
	/*
	 * One access of the word, as the CPU's load or store is: other CPUs
	 * (threads) may access it at the same time.
	 */
	if (pa & 3)
		model_fatal("pmap_model_access: va %#" PMAP_PRIxVADDR " is not word aligned", va);
	uint32_t *w = (uint32_t *)(model_ram + pa);
	if (acc == PMAP_MODEL_READ && readp != NULL)
		*readp = __atomic_load_n(w, __ATOMIC_RELAXED);
	else if (acc == PMAP_MODEL_WRITE)
		__atomic_store_n(w, wval, __ATOMIC_RELAXED);
	return true;
}

int
pmap_model_tlb_audit(void (*print)(const char *, ...))
{
	unsigned from = model_cpu;
	int bad = 0;

	for (model_cpu = 0; model_cpu < model_ncpus; model_cpu++)
		bad += model_tlb_audit(print);
	model_cpu = from;
	return bad;
}
