/* Physical page operations, pmap_copy, references, the random tester. */
#include "t.h"
#include "random.h"

#define UVA	0x60000000u
#define RW	(VM_PROT_READ | VM_PROT_WRITE)

void
t_zero_copy_page(struct tctx *t)
{
	paddr_t a = t_page(t), b = t_page(t);

	for (unsigned off = 0; off < PAGE_SIZE; off += 4)
		t_phys_write(a, off, off * 2654435761u + 1);
	pmap_copy_page(a, b);
	for (unsigned off = 0; off < PAGE_SIZE; off += 4)
		T_EQ(t, t_phys_read(b, off), off * 2654435761u + 1);
	pmap_zero_page(a);
	for (unsigned off = 0; off < PAGE_SIZE; off += 4)
		T_EQ(t, t_phys_read(a, off), 0);
	T_EQ(t, t_phys_read(b, 4), 4 * 2654435761u + 1);
}

void
t_copy_pmap(struct tctx *t)
{
	struct pmap *src = t_pmap(t), *dst = t_pmap(t);
	paddr_t pa = t_page(t), got;
	const vaddr_t vas[] = { UVA, UVA + PAGE_SIZE, UVA + 0x00800000u };

	T_EQ(t, pmap_enter(src, vas[0], pa, RW, PMAP_WIRED), 0);
	T_EQ(t, pmap_enter(src, vas[1], pa, VM_PROT_READ, 0), 0);
	T_EQ(t, pmap_enter(src, vas[2], pa, RW, 0), 0);
	pmap_copy(dst, src, UVA + 0x01000000u, 0x01000000u, UVA);
	T_EQ(t, pmap_resident_count(dst), 3);
	T_EQ(t, pmap_wired_count(dst), 0);
	for (unsigned i = 0; i < 3; i++)
		T_ASSERT(t, pmap_extract(dst, vas[i] + 0x01000000u, &got) && got == pa);
	pmap_activate(dst);
	T_ASSERT(t, !t_write(vas[1] + 0x01000000u, 1), "copied read-only mapping writable");
	T_ASSERT(t, t_write(vas[2] + 0x01000000u, 1));
	T_CHECK_PMAP(t, dst);
}

void
t_reference_counting(struct tctx *t)
{
	struct pmap_stats s0, s1;

	pmap_stats_get(&s0);
	struct pmap *pm = pmap_create();
	pmap_reference(pm);
	pmap_destroy(pm);				/* one reference left */
	paddr_t pa = t_page(t);
	T_EQ(t, pmap_enter(pm, UVA, pa, RW, 0), 0);	/* still usable */
	T_ASSERT(t, pmap_remove_all(pm));
	pmap_update(pm);
	T_EQ(t, pmap_resident_count(pm), 0);
	pmap_destroy(pm);
	pmap_stats_get(&s1);
	T_EQ(t, s1.pmaps, s0.pmaps);
	T_EQ(t, pmap_phys_address(0x1234), (paddr_t)0x1234 << PAGE_SHIFT);
}

/* The differential random tester, at the suite's size (make test adds a long host run). */
void
t_random_differential(struct tctx *t)
{
	T_EQ(t, random_run(RANDOM_SUITE_SEED, RANDOM_SUITE_OPS), 0);
}
