/*
 * The host embedding kit: the strict MMU and TLB model pmapkit's own host
 * tests run over (libpmapkit-model.a), for another kernel's test program
 * that links pmapkit built for the host (libpmapkit-host.a) with its own
 * pmap_kern_* functions.  docs/embedding.md walks through examples/host-vm.
 *
 * The model is the backend's MMU as its QEMU machine has it: RAM laid out
 * as that machine lays it out, the boot map the guest's entry code leaves,
 * several simulated CPUs each with its own control registers and a strict
 * TLB (a translation stays until an invalidation removes it, so a missing
 * invalidation shows every time).  The running CPU is per thread: a
 * program may switch one thread among the CPUs with pmap_model_set_cpu
 * (examples/host-vm does), or run each CPU on a thread of its own, setting
 * it once per thread (the test kernel's tests/host/plat_host.c does); only
 * one thread may run a CPU at a time, and pmap_kern_cpu_index must return
 * pmap_model_cpu().  The walks read entries atomically and set A/D by
 * compare-and-swap, as the hardware does, so other CPUs' pmap calls may
 * change entries meanwhile.  pmap_model_ipi and pmap_model_tlb_audit run
 * the other CPUs on the calling thread: with a thread per CPU, call them
 * only where those CPUs are stopped.
 *
 * Something real hardware would not survive (a fault on a malformed upper
 * entry, a torn multi-word entry, an access beyond RAM) ends the process with status 2
 * and a line starting "model:".
 */
#ifndef PMAP_PMAP_MODEL_H
#define PMAP_PMAP_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <pmap/pmap.h>

#define PMAP_MODEL_MAXREGIONS	8

struct pmap_model_region {
	uint64_t	 base, len;
};

/* What the machine hands a kernel at boot. */
struct pmap_model_boot {
	unsigned	 nregions;		/* usable RAM, as the firmware map has it */
	struct pmap_model_region regions[PMAP_MODEL_MAXREGIONS];
	pmap_paddr_t	 kernel_end_pa;		/* RAM below this holds the boot tables: keep it */
	pmap_paddr_t	 text_start_pa;		/* a stand-in kernel text range for */
	pmap_paddr_t	 text_end_pa;		/* pmap_bootstrap_args */
	const char	*platform;		/* "host-model-<backend>" */
	unsigned	 md_features;		/* the model CPU's PMAP_MD_FEAT_* (pmap_bootstrap_args) */
};

/*
 * Reserve mem_bytes of simulated RAM (laid out as the backend's QEMU
 * machine does; pages cost host memory only once touched), build the boot
 * map (PMAP_BOOTMAP_SIZE bytes at PMAP_KERNBASE), turn paging on CPU 0 and
 * describe it all in *bi.  CPUs 1 .. ncpus - 1 (ncpus <= PMAP_MAXCPUS)
 * start on the boot map, as a kernel's trampoline leaves them: call
 * pmap_cpu_init() on each (pmap_model_set_cpu first) after pmap_init().
 * Once per process.
 */
void	pmap_model_init(uint64_t mem_bytes, unsigned ncpus, struct pmap_model_boot *bi);

/* The host address of physical byte pa (pa must be inside the RAM array). */
void	*pmap_model_phys(pmap_paddr_t pa);
uint64_t pmap_model_ram_size(void);	/* highest physical address + 1 */

/* The simulated CPUs: how many, which runs now, run another from now on. */
unsigned pmap_model_ncpus(void);
unsigned pmap_model_cpu(void);
void	pmap_model_set_cpu(unsigned cpu);
/*
 * An IPI to every CPU in the set: each in turn runs
 * pmap_tlb_shootdown_poll() as its interrupt handler would, then control
 * comes back to the caller's CPU.  What a kernel's pmap_kern_ipi does here.
 */
void	pmap_model_ipi(uint32_t cpus);

enum pmap_model_access { PMAP_MODEL_READ, PMAP_MODEL_WRITE, PMAP_MODEL_EXEC };

/*
 * Access the 32-bit word at va on the running CPU, through its MMU and TLB
 * as the hardware would (user or supervisor mode): true if the access
 * completed (READ: the word in *readp if not NULL; WRITE: wval stored; EXEC:
 * only the right to execute is checked).  False on a fault, its hardware
 * error code in *faultp if not NULL; nothing is retried (a kernel whose MMU
 * faults for ref/mod, riscv-sv32 in Svade mode, calls pmap_fault and
 * retries).
 */
bool	pmap_model_access(pmap_vaddr_t va, enum pmap_model_access, bool user, uint32_t wval,
	    uint32_t *readp, uint32_t *faultp);

/*
 * Every CPU's TLB against the page tables: the number of entries a CPU
 * could still use although the tables no longer allow them (each printed).
 * After a pmap_update (or a page-level operation) it must be 0.
 */
int	pmap_model_tlb_audit(void (*print)(const char *fmt, ...));

#endif /* PMAP_PMAP_MODEL_H */
