/*
 * Inside the host MMU model (libpmapkit-model.a): what a backend's model
 * (md/<backend>/..._host.c, over the platform's CPU model and tests/host/tlb.c)
 * provides to the model's core (tests/host/model.c), and the core's state.
 * The kit's public interface is <pmap/pmap_model.h>; the test kernel's host
 * platform (tests/host/plat_host.c) uses both.
 */
#ifndef TESTS_HOST_MODEL_H
#define TESTS_HOST_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <pmap/pmap_names.h>
#include <pmap/pmap_model.h>

extern uint8_t *model_ram;		/* simulated RAM, page aligned */
extern uint64_t model_ram_size;
extern unsigned model_ncpus;		/* simulated CPUs, each with its own TLB */
extern _Thread_local unsigned model_cpu;	/* the one this thread runs as */

/* RAM regions as the backend's QEMU machine has them for mem bytes; returns
 * the size of the model's RAM array (the highest address + 1). */
uint64_t model_ram_layout(struct pmap_model_boot *, uint64_t mem);
/* Build the boot map the guest's entry code builds, turn paging on. */
void	model_boot(struct pmap_model_boot *);
/* Translate as the hardware would (through the strict TLB); false on a fault. */
bool	model_translate(vaddr_t va, enum pmap_model_access, bool user, uint64_t *pap,
	    uint32_t *fault_code);
/* The running CPU (model_cpu) starts: on the boot map, as a trampoline leaves it, empty TLB. */
void	model_cpu_start(void);
/* The running CPU's stale TLB entries, each printed (model_tlb_check). */
int	model_tlb_audit(void (*print)(const char *, ...));
/* The hardware's fault code, as the test kernel's struct fault_info (kern.h). */
struct fault_info;
void	model_fault_decode(uint32_t fault_code, struct fault_info *);
/* Supervisor access to user pages (RISC-V sstatus.SUM); false if the model has no such control. */
bool	model_kernel_user_access(bool allow);
void	model_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* A model CPU feature switched by the environment: unset or 1, present; 0, absent; else fatal. */
bool	model_env_feature(const char *name);

#endif
