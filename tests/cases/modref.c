/*
 * Modified/referenced: set by real accesses (hardware A/D), kept in the page
 * record after every mapping is gone, cleared, and detected again.
 */
#include "t.h"

#define UVA	0x30000000u
#define RW	(VM_PROT_READ | VM_PROT_WRITE)

void
t_modref_by_access(struct tctx *t)
{
	struct pmap *pm = t_pmap(t);
	paddr_t pa = t_page(t);
	struct pmap_page *pg = t_pg(pa);
	uint32_t v;

	struct pmap_stats s0, s1;

	pmap_activate(pm);
	T_EQ(t, pmap_enter(pm, UVA, pa, RW, 0), 0);
	pmap_update(pm);
	T_ASSERT(t, !pmap_is_referenced(pg) && !pmap_is_modified(pg), "fresh mapping");
	pmap_stats_get(&s0);
	T_ASSERT(t, t_read(UVA, &v));
	T_ASSERT(t, pmap_is_referenced(pg) && !pmap_is_modified(pg), "after a read");
	T_ASSERT(t, t_write(UVA, 1));
	T_ASSERT(t, pmap_is_modified(pg), "after a write");
	pmap_stats_get(&s1);
	if ((pmap_backend_caps() & PMAP_CAP_SW_REFMOD) && t_host_model()) {
		T_EQ(t, s1.refmod_faults - s0.refmod_faults, 2);	/* A on the read, D on the write */
		kprintf("# software ref/mod emulation: the read and the write each faulted once\n");
	} else if (pmap_backend_caps() & PMAP_CAP_SW_REFMOD) {
		kprintf("# %lu ref/mod faults: this MMU (QEMU) set A/D itself; the emulation is "
		    "proven on the host model in Svade mode\n", s1.refmod_faults - s0.refmod_faults);
	} else {
		T_EQ(t, s1.refmod_faults, s0.refmod_faults);		/* the MMU sets A/D */
	}

	pmap_remove(pm, UVA, UVA + PAGE_SIZE);
	pmap_update(pm);
	T_ASSERT(t, pmap_is_referenced(pg) && pmap_is_modified(pg), "lost with the mapping");
	T_ASSERT(t, pmap_clear_modify(pg) && !pmap_is_modified(pg));
	T_ASSERT(t, !pmap_clear_modify(pg), "clear_modify reported a clean page modified");
	T_ASSERT(t, pmap_clear_reference(pg) && !pmap_is_referenced(pg));

	/* Entered with an access type: counted at once, as NetBSD does. */
	T_EQ(t, pmap_enter(pm, UVA, pa, RW, VM_PROT_READ), 0);
	T_ASSERT(t, pmap_is_referenced(pg) && !pmap_is_modified(pg));
	T_EQ(t, pmap_enter(pm, UVA + PAGE_SIZE, pa, RW, RW), 0);
	T_ASSERT(t, pmap_is_modified(pg));
	T_CHECK_PMAP(t, pm);
}

/*
 * Clearing while mapped (and cached in the TLB) must make the next access
 * detectable: the strict host TLB fails this if the invalidation is missing.
 */
void
t_modref_cleared_while_mapped(struct tctx *t)
{
	struct pmap *pm[2] = { t_pmap(t), t_pmap(t) };
	paddr_t pa = t_page(t);
	struct pmap_page *pg = t_pg(pa);
	uint32_t v;

	T_EQ(t, pmap_enter(pm[0], UVA, pa, RW, 0), 0);
	T_EQ(t, pmap_enter(pm[1], UVA + 0x1000000u, pa, RW, 0), 0);
	for (int round = 0; round < 3; round++) {
		pmap_activate(pm[0]);
		T_ASSERT(t, t_write(UVA, (uint32_t)round));
		T_ASSERT(t, pmap_is_modified(pg) && pmap_is_referenced(pg));
		T_ASSERT(t, pmap_clear_modify(pg));
		T_ASSERT(t, pmap_clear_reference(pg));
		pmap_update(pm[0]);
		T_ASSERT(t, !pmap_is_modified(pg) && !pmap_is_referenced(pg), "round %d", round);
		T_ASSERT(t, t_read(UVA, &v) && v == (uint32_t)round);
		T_ASSERT(t, pmap_is_referenced(pg) && !pmap_is_modified(pg),
		    "read after clear not seen (round %d)", round);
		T_ASSERT(t, t_write(UVA, 0x40u + (uint32_t)round));
		T_ASSERT(t, pmap_is_modified(pg), "write after clear not seen (round %d)", round);
		/* The other mapping: its write must be seen as well. */
		T_ASSERT(t, pmap_clear_modify(pg));
		pmap_update(pm[0]);
		pmap_activate(pm[1]);
		T_ASSERT(t, t_write(UVA + 0x1000000u, 2));
		T_ASSERT(t, pmap_is_modified(pg), "write in the second pmap (round %d)", round);
	}
	T_CHECK_PMAP(t, pm[0]);
	T_CHECK_PMAP(t, pm[1]);
}
