/*
 * Host model of the RISC-V hart parts every riscv backend shares
 * (rv_model.h): sstatus.SUM/MXR, sfence.vma, the access rules, page-fault
 * causes, and translation through the strict ASID-tagged TLB.  The
 * backend's mmu_host.c walks its own tables.
 *
 * Stricter than QEMU where it matters: a translation stays cached until an
 * sfence.vma removes it (a satp write flushes nothing: entries are tagged),
 * and a store through an entry cached clean sets D without a new walk
 * (under Svade it faults instead, as D must be set by software first).
 *
 * The harts may run at once, each on a thread of its own, while other
 * harts' pmaps change the tables: state indexed by model_cpu (sstatus,
 * satp, the Svinval queue, the TLB) is touched by its hart only, what the
 * harts share is set at boot before any other hart runs or updated
 * atomically, and the walks read and update entries only through
 * rv_model_pte_load and rv_model_pte_cas (rv_model.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include <pmap/pmap.h>
#include "kern.h"		/* struct fault_info, for model_fault_decode */
#include "rv_model.h"

uint64_t rv_model_sstatuses[PMAP_MAXCPUS] = { SSTATUS_SUM };
bool rv_model_svinval, rv_model_svpbmt;	/* set by model_boot, read only after */

unsigned long rv_read_sstatus(void) { return (unsigned long)rv_sstatus; }
void rv_write_sstatus(unsigned long v) { rv_sstatus = v; }

void
rv_sfence_vma(unsigned long va, unsigned long asid, int all_va, int all_asid)
{
	model_tlb_inval(va, all_va, (uint16_t)asid, all_asid);
}

/*
 * Svinval, strictly: a sinval.vma takes effect only at the hart's next
 * sfence.inval.ir (until then the hart may go on using what it cached),
 * and only if an sfence.w.inval came between the last sfence.inval.ir and
 * it: otherwise it may have been performed before the table stores it
 * follows, and the walker may have cached the old entry again after it,
 * so the model drops nothing for it.  No sfence.vma completes a pending
 * sinval.vma here.
 */
#define RV_SINVAL_MAX	1024
struct rv_sinval {
	unsigned long	va, asid;
	int		all_va, all_asid;
};
static struct {
	bool		ordered;	/* an sfence.w.inval since the last sfence.inval.ir */
	unsigned	n;
	struct rv_sinval q[RV_SINVAL_MAX];
} rv_sinvals[PMAP_MAXCPUS];
/*
 * Counted by every hart, read at exit: each update is one atomic add
 * (relaxed: they order nothing, they only count).
 */
static unsigned long rv_sinval_count, rv_sinval_lost, rv_sinval_batches;

static void
rv_svinval_insn(const char *insn)
{
	if (!rv_model_svinval)
		model_fatal("%s: illegal instruction on a hart without Svinval (CPU %u)", insn,
		    model_cpu);
}

void
rv_sinval_vma(unsigned long va, unsigned long asid, int all_va, int all_asid)
{
	rv_svinval_insn("sinval.vma");
	if (!rv_sinvals[model_cpu].ordered) {
		__atomic_fetch_add(&rv_sinval_lost, 1, __ATOMIC_RELAXED);
		return;
	}
	if (rv_sinvals[model_cpu].n == RV_SINVAL_MAX)
		model_fatal("sinval.vma: more than %u pending on CPU %u (the model's limit)",
		    RV_SINVAL_MAX, model_cpu);
	rv_sinvals[model_cpu].q[rv_sinvals[model_cpu].n++] =
	    (struct rv_sinval){ va, asid, all_va, all_asid };
	__atomic_fetch_add(&rv_sinval_count, 1, __ATOMIC_RELAXED);
}

void
rv_sfence_w_inval(void)
{
	rv_svinval_insn("sfence.w.inval");
	rv_sinvals[model_cpu].ordered = true;
}

void
rv_sfence_inval_ir(void)
{
	rv_svinval_insn("sfence.inval.ir");
	for (unsigned i = 0; i < rv_sinvals[model_cpu].n; i++) {
		const struct rv_sinval *s = &rv_sinvals[model_cpu].q[i];
		model_tlb_inval(s->va, s->all_va, (uint16_t)s->asid, s->all_asid);
	}
	rv_sinvals[model_cpu].n = 0;
	rv_sinvals[model_cpu].ordered = false;
	__atomic_fetch_add(&rv_sinval_batches, 1, __ATOMIC_RELAXED);
}

static void
rv_model_svinval_report(void)
{
	if (!rv_model_svinval)
		printf("# model: Svinval off\n");
	else
		printf("# model: Svinval: %lu sinval.vma, %lu batches, %lu unordered\n",
		    __atomic_load_n(&rv_sinval_count, __ATOMIC_RELAXED),
		    __atomic_load_n(&rv_sinval_batches, __ATOMIC_RELAXED),
		    __atomic_load_n(&rv_sinval_lost, __ATOMIC_RELAXED));
}

void
rv_model_extensions(struct pmap_model_boot *bi)
{
	rv_model_svinval = model_env_feature("PMAPKIT_MODEL_SVINVAL");
#ifdef PMAP_MD_FEAT_SVINVAL
	if (rv_model_svinval)
		bi->md_features |= PMAP_MD_FEAT_SVINVAL;
#endif
#ifdef PMAP_MD_FEAT_SVPBMT
	rv_model_svpbmt = model_env_feature("PMAPKIT_MODEL_SVPBMT");
	if (rv_model_svpbmt)
		bi->md_features |= PMAP_MD_FEAT_SVPBMT;
#endif
	atexit(rv_model_svinval_report);
}

static uint32_t
cause(enum pmap_model_access acc)
{
	return acc == PMAP_MODEL_EXEC ? SCAUSE_FETCH_PAGE_FAULT : acc == PMAP_MODEL_WRITE ?
	    SCAUSE_STORE_PAGE_FAULT : SCAUSE_LOAD_PAGE_FAULT;
}

/* U pages from S-mode only with SUM and never for fetch; MXR makes X readable. */
bool
rv_model_allowed(const struct tlb_entry *e, enum pmap_model_access acc, bool user)
{
	if (user ? !e->u : (e->u && (acc == PMAP_MODEL_EXEC || !(rv_sstatus & SSTATUS_SUM))))
		return false;
	if (acc == PMAP_MODEL_EXEC)
		return e->x;
	if (acc == PMAP_MODEL_WRITE)
		return e->w;
	return e->r || (e->x && (rv_sstatus & SSTATUS_MXR));
}

bool
model_translate(vaddr_t va, enum pmap_model_access acc, bool user, uint64_t *pap,
    uint32_t *fault_code)
{
	struct tlb_entry e, *te;

	if (!rv_model_paging()) {
		*pap = va;
		return true;
	}
	te = model_tlb_lookup(va, rv_model_asid());
	if (te != NULL && !rv_model_allowed(te, acc, user))
		goto fault;
	if (te != NULL && acc == PMAP_MODEL_WRITE && !te->d) {
		if (rv_model_svade)
			goto fault;		/* D must be set by software first */
		rv_model_set_dirty(va, te);	/* hardware: set D, trusting the entry */
		te->d = true;
	}
	if (te == NULL) {
		if (!rv_model_walk(va, acc, user, &e))
			goto fault;
		model_tlb_insert(&e);
		te = model_tlb_lookup(va, rv_model_asid());
	}
	*pap = te->pa + (va & ((1ull << te->shift) - 1));
	return true;
fault:
	*fault_code = cause(acc);
	return false;
}

void *
rv_kva(unsigned long va)
{
	uint64_t pa;
	uint32_t code;

	if (!model_translate(va, PMAP_MODEL_WRITE, false, &pa, &code))
		model_fatal("rv_kva: kernel access to va %#lx faults (scause %u)", va, code);
	if (pa >= model_ram_size)
		model_fatal("rv_kva: va %#lx maps pa %#llx beyond RAM", va, (unsigned long long)pa);
	return model_ram + pa;
}

void
model_fault_decode(uint32_t code, struct fault_info *f)
{
	RV_FAULT_DECODE(code, f);
}

bool
model_kernel_user_access(bool allow)
{
	rv_sstatus = allow ? (rv_sstatus | SSTATUS_SUM) : (rv_sstatus & ~SSTATUS_SUM);
	return true;
}
