/*
 * Host model of the RISC-V hart parts every riscv backend shares
 * (md/riscv/cpu_host.c), as md/x86/x86_model.h is for x86: sstatus
 * (SUM, MXR), sfence.vma, the access rules, page-fault causes, and
 * translation through the strict ASID-tagged TLB of tests/host/tlb.c.
 * Each backend's mmu_host.c supplies satp, its walk and its boot map.
 */
#ifndef MD_RISCV_RV_MODEL_H
#define MD_RISCV_RV_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <cpufunc.h>
#include "host/model.h"
#include "host/tlb.h"

extern uint64_t rv_model_sstatuses[PMAP_MAXCPUS];
#define rv_sstatus	(rv_model_sstatuses[model_cpu])	/* the running hart's */

/*
 * The hart's own accesses to page-table entries in model_ram (either width:
 * sv32's 4-byte entries, the RV64 modes' 8-byte ones).  Other harts' pmaps
 * store, swap and compare-and-swap entries while this hart walks
 * (pmap/pte_atomic.h), as on real hardware, so no entry is ever read or
 * updated with a plain access:
 *
 * rv_model_pte_load reads an entry once, atomically, with acquire: a table
 * newly hooked in was zeroed with plain stores before the release store
 * that published it, and the walk must see those zeros.
 *
 * rv_model_pte_cas is hardware A/D updating (spec 4.3.2 step 7): the entry
 * goes from exactly *oldp, the value the walk read, to newv, in one atomic
 * step ("exact (i.e., not merely setting bits) and atomic with respect to
 * other accesses to the PTE").  False if the entry changed since the walk
 * read it (another hart's pmap removed or changed it): the caller walks
 * again from the root, as the spec's re-check of the PTE demands.  *oldp is
 * overwritten then; the new walk reads afresh, hence the relaxed failure
 * order.
 */
#define rv_model_pte_load(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define rv_model_pte_cas(p, oldp, newv) \
	__atomic_compare_exchange_n((p), (oldp), (newv), false, __ATOMIC_ACQ_REL, \
	    __ATOMIC_RELAXED)

/* Provided by the backend model. */
bool	rv_model_paging(void);		/* satp's mode is not Bare */
uint16_t rv_model_asid(void);		/* satp's ASID */
/*
 * The walk for an access (spec 4.3.2 with the mode's sizes): the leaf in
 * *e, A (and D on a store) set in the entry with rv_model_pte_cas (the
 * walk starts again where the entry changed meanwhile), or under Svade
 * demanded; false where it faults.
 */
bool	rv_model_walk(uint64_t va, enum pmap_model_access, bool user, struct tlb_entry *e);
/*
 * Set D in the leaf that maps va, if it is present and still maps te's
 * page (rv_model_pte_cas, looking again where the entry changed meanwhile).
 */
void	rv_model_set_dirty(uint64_t va, const struct tlb_entry *te);
extern const bool rv_model_svade;	/* the MMU faults instead of setting A/D */
/*
 * The hart's extensions, as PMAPKIT_MODEL_SVINVAL / _SVPBMT (1 or 0,
 * default 1) say, reported to the kernel in bi->md_features as firmware
 * would (the backend's PMAP_MD_FEAT_* bits, where it has them); the
 * backend's model_boot calls this.  Svpbmt: an RV64 entry's PBMT field.
 */
extern bool rv_model_svinval, rv_model_svpbmt;
void	rv_model_extensions(struct pmap_model_boot *bi);

/* Access rights of a cached or walked translation (spec 4.3.1). */
bool	rv_model_allowed(const struct tlb_entry *e, enum pmap_model_access acc, bool user);

#endif
