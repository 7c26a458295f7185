/*
 * What a backend's host MMU model (md/<backend>/..._host.c) provides to the
 * host platform (tests/host/plat_host.c).
 */
#ifndef TESTS_HOST_MODEL_H
#define TESTS_HOST_MODEL_H

#include "kern.h"

extern uint8_t *model_ram;		/* simulated RAM, page aligned */
extern uint64_t model_ram_size;
extern unsigned model_ncpus;		/* simulated CPUs, each with its own TLB */
extern unsigned model_cpu;		/* the one running now */

/* RAM regions as the backend's QEMU machine has them for mem bytes; returns
 * the size of the model's RAM array (the highest address + 1). */
uint64_t model_ram_layout(struct boot_info *, uint64_t mem);
/* Build the boot map the guest's entry code builds, turn paging on. */
void	model_boot(struct boot_info *);
/* Translate as the hardware would (through the strict TLB); false on a fault. */
bool	model_translate(vaddr_t va, enum probe_access, bool user, uint64_t *pap,
	    uint32_t *fault_code);
/* The running CPU (model_cpu) starts: CPU 0's paging controls, an empty TLB. */
void	model_cpu_start(void);
/* The running CPU's stale TLB entries, each printed (tlb_audit). */
int	model_tlb_audit(void (*print)(const char *, ...));
void	model_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Allocate model RAM, build the boot map, fill *bi (tests/host/plat_host.c). */
void	host_boot_info(struct boot_info *bi, const char *cmdline);

#endif
