/*
 * Address-space tags (RISC-V ASIDs, x86 PCIDs), allocated per CPU by
 * generation, for every backend whose TLB entries carry one
 * (PMAP_CAP_ASID, pmap_md_ops.asid_bits).  Tag 0 is the kernel pmap's.
 *
 * Each CPU hands out tags 1, 2, ... of its current generation to the user
 * pmaps it activates; a pmap keeps its tag on that CPU while the
 * generation lasts (pm_asid[c], valid while pm_asid_gen[c] is the CPU's
 * generation).  When the tags run out the CPU starts a new generation and
 * flushes its non-global translations of every tag once
 * (pmap_md_ops.tlb_flush(false)), so that no tag is reused while an entry
 * made under its previous owner may survive; the pmaps that held tags
 * take fresh ones at their next activation there.  A pmap that is not
 * live on a CPU is not interrupted when its translations change: mi/
 * forgets its tag there instead (pmap_asid_forget, through the backend's
 * tlb_forget), which costs it a fresh tag at its next activation there.
 *
 * All of it runs with the pmap's lock held and preemption off, on the CPU
 * whose state it changes (pmap_asids[c] is only ever touched by CPU c),
 * but pmap_asid_forget, which pm's lock alone serializes with pm's
 * activation there.
 */
#include "pmap_int.h"

static struct {
	uint32_t	gen;	/* current generation; 0 never is one */
	uint32_t	next;	/* next free tag of it */
} pmap_asids[PMAP_MAXCPUS] = { [0 ... PMAP_MAXCPUS - 1] = { 1, 1 } };
static uint32_t pmap_asid_max;	/* the highest tag: 2^width - 1 */

/* After bootstrap: the tag width, the CPU's where it is narrower. */
void
pmap_asid_init(void)
{
	unsigned bits = pmap_md_ops.asid_bits;

	if (pmap_md_ops.cpu_asid_bits != NULL && pmap_md_ops.cpu_asid_bits() < bits)
		bits = pmap_md_ops.cpu_asid_bits();
	KASSERTMSG(bits <= 16, "pmap_asid_init: %u-bit tags (at most 16)", bits);
	pmap_asid_max = ((uint32_t)1 << bits) - 1;
}

uint32_t
pmap_asid(struct pmap *pm)
{
	unsigned c = pmap_cpu_self();
	const uint32_t max = pmap_asid_max;

	if (pm->pm_is_kernel)
		return 0;
	if (max == 0) {		/* no tags on this CPU: each activation is a generation of */
		PMAP_STAT_INC(asid_rollovers);	/* its own, under the kernel's 0; */
		return 0;			/* the backend's switch flushes */
	}
	if (pm->pm_asid_gen[c] == pmap_asids[c].gen)
		return pm->pm_asid[c];
	if (pmap_asids[c].next > max) {
		pmap_asids[c].gen++;
		pmap_asids[c].next = 1;
		PMAP_STAT_INC(asid_rollovers);
		pmap_md_ops.tlb_flush(false);	/* no entry of a reused tag survives */
	}
	pm->pm_asid[c] = pmap_asids[c].next++;
	pm->pm_asid_gen[c] = pmap_asids[c].gen;
	return pm->pm_asid[c];
}

void
pmap_asid_forget(struct pmap *pm, unsigned cpu)
{
	KASSERTMSG(cpu < PMAP_MAXCPUS, "pmap_asid_forget: cpu %u of %u", cpu,
	    (unsigned)PMAP_MAXCPUS);
	pm->pm_asid_gen[cpu] = 0;
}
