/*
 * Host model of an x86 CPU's MMU, shared by the x86 backends' models: the
 * control registers, EFER, the strict TLB and the access rules live in
 * md/x86/cpu_host.c; each backend's md/<backend>/mmu_host.c supplies its
 * page walk, its boot map and the CPUID features it models.
 */
#ifndef MD_X86_X86_MODEL_H
#define MD_X86_X86_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <cpufunc.h>
#include "host/model.h"
#include "host/tlb.h"

/*
 * Entry bits the models' walks read, named apart from the pmap's PG_ bits
 * so that the oracle shares nothing with what it checks (SDM vol. 3A,
 * 4.3-4.5: bits 0-11 mean the same in every format); X_NX and X_FRAME are
 * the 8-byte formats' (PAE, 4-level).
 */
#define X_P		0x001ull
#define X_RW		0x002ull
#define X_US		0x004ull
#define X_A		0x020ull
#define X_D		0x040ull
#define X_PS		0x080ull
#define X_G		0x100ull
#define X_NX		(1ull << 63)
#define X_FRAME		0x000FFFFFFFFFF000ull

struct __attribute__((aligned(64))) x86_model_cpu {
	uint64_t	cr0, cr3, cr4;
	uint64_t	efer;
	uint32_t	cpuid1_edx;		/* leaf 1 EDX */
	uint32_t	cpuid1_ecx;		/* leaf 1 ECX (PCID) */
	uint32_t	cpuid7_ebx;		/* leaf 7 EBX (INVPCID) */
	uint32_t	cpuid7_ecx;		/* leaf 7 ECX (LA57) */
	uint32_t	cpuid_ext_edx;		/* leaf 0x80000001 EDX */
	unsigned	maxphyaddr;		/* enforced; leaf 0x80000008 reports it */
};
extern struct x86_model_cpu x86_models[PMAP_MAXCPUS];
#define x86_model	(x86_models[model_cpu])	/* the running CPU's */

/* Provided by the backend model. */
bool	x86_model_walk(uint64_t va, bool write, bool user, bool fetch,
	    struct tlb_entry *e, uint32_t *fault_code);
void	x86_model_set_dirty(uint64_t va, const struct tlb_entry *te);
void	x86_model_cr3_loaded(void);	/* PAE: the PDPTEs are read now */
/* model_tlb_audit's leaf: the tables for va now, no side effects (tlb.h). */
int	x86_model_leaf(uint64_t va, struct tlb_entry *w);

/* The backend's model_boot calls this last: CPUs started later begin in that state. */
void	x86_model_boot_done(void);

/* Shared helpers for the walks. */
void	*x86_model_phys(uint64_t pa, unsigned size);
/*
 * Paging-structure entries (size 4: 32-bit paging; 8: PAE, 4-level) as the
 * MMU reads and updates them while other CPUs' pmap code changes them
 * (pmap/pte_atomic.h): x86_model_entry reads the entry at pa in one atomic
 * load; x86_model_entry_set sets A/D bits in the value the walk read, false
 * if the entry changed meanwhile (the walk starts over).  Nothing else in a
 * model reads or writes a live entry.
 */
uint64_t x86_model_entry(uint64_t pa, unsigned size);
bool	x86_model_entry_set(uint64_t pa, unsigned size, uint64_t old, uint64_t bits);
bool	x86_model_fault(uint64_t va, uint32_t code, uint32_t *fault_code);
/* The tag translations are made and looked up under: CR3's PCID with CR4.PCIDE, else 0. */
uint16_t x86_model_pcid(void);
bool	x86_model_allowed(const struct tlb_entry *e, bool write, bool user, bool fetch);
uint32_t x86_model_code(bool write, bool user, bool fetch);

#endif
