/*
 * Kernel mappings: kenter/kremove, large (PSE) mappings, growkernel and the
 * propagation of kernel page tables into user address spaces, steal_memory.
 */
#include "t.h"

#define RW	(VM_PROT_READ | VM_PROT_WRITE)

extern vaddr_t kern_stolen_va;
extern vsize_t kern_stolen_size;

void
t_kenter_kremove(struct tctx *t)
{
	vaddr_t va = t_kva(t, 2);
	paddr_t pa = t_page(t);
	uint32_t v;
	bool user;
	long res = pmap_resident_count(pmap_kernel());

	pmap_kenter_pa(va, pa, RW, 0);
	pmap_kenter_pa(va + PAGE_SIZE, pa, VM_PROT_READ, 0);
	pmap_update(pmap_kernel());
	T_EQ(t, pmap_resident_count(pmap_kernel()), res + 2);
	T_ASSERT(t, t_write(va + 4, 0x5a5a) && t_phys_read(pa, 4) == 0x5a5a);
	T_ASSERT(t, t_read(va + PAGE_SIZE + 4, &v) && v == 0x5a5a);
	T_ASSERT(t, !t_write(va + PAGE_SIZE, 1), "write to a read-only kenter mapping");
	T_ASSERT(t, !t_user_read(va, &user), "user read of a kernel mapping");
	T_CHECK_PMAP(t, pmap_kernel());

	pmap_kremove(va, 2 * PAGE_SIZE);
	pmap_update(pmap_kernel());
	T_EQ(t, pmap_resident_count(pmap_kernel()), res);
	T_ASSERT(t, !t_read(va, &v) && !t_read(va + PAGE_SIZE, &v));
	T_ASSERT(t, !pmap_extract(pmap_kernel(), va, NULL));
}

/* kenter mappings are not the page's managed mappings: page_protect leaves them. */
void
t_kenter_immune_to_page_protect(struct tctx *t)
{
	struct pmap *pm = t_pmap(t);
	vaddr_t va = t_kva(t, 1);
	paddr_t pa = t_page(t);
	uint32_t v;

	pmap_kenter_pa(va, pa, RW, 0);
	T_EQ(t, pmap_enter(pm, 0x20000000u, pa, RW, 0), 0);
	pmap_update(pm);
	pmap_page_protect(t_pg(pa), VM_PROT_READ);
	pmap_update(pm);
	T_ASSERT(t, t_write(va, 0x77), "kenter mapping lost write access to page_protect");
	pmap_page_protect(t_pg(pa), VM_PROT_NONE);
	pmap_update(pm);
	T_ASSERT(t, !pmap_extract(pm, 0x20000000u, NULL));
	T_ASSERT(t, t_read(va, &v) && v == 0x77, "kenter mapping removed by page_protect");
	T_ASSERT(t, pmap_extract(pmap_kernel(), va, NULL));
	pmap_kremove(va, PAGE_SIZE);
	pmap_update(pmap_kernel());
}

/*
 * A range kentered where no table exists, aligned to the backend's large
 * page, becomes one large leaf when the backend and CPU allow it; either way
 * every page translates and reads right, and read-only holds.  The direct
 * map uses them too.  Every large size the backend has (amd64: 2 MiB and
 * 1 GiB), the largest where RAM reaches twice its size.
 */
static void
large_kenter(struct tctx *t, vsize_t size)
{
	const vaddr_t va = t_large_va(2, size);		/* beyond the grown space */
	const paddr_t pa = PMAP_RAM_BASE + size;
	struct pmap_stats s0, s1, s2;
	long res0 = pmap_resident_count(pmap_kernel());
	uint32_t v;

	pmap_stats_get(&s0);
	pmap_kenter_range(va, pa, size, VM_PROT_READ, 0);
	pmap_update(pmap_kernel());
	pmap_stats_get(&s1);
	bool large = s1.large_mappings == s0.large_mappings + 1;
	kprintf("# kenter_range of %lu KiB: %s (%lu page tables allocated)\n",
	    (unsigned long)size >> 10, large ? "one large leaf" : "4 KiB pages",
	    s1.ptp_allocs - s0.ptp_allocs);
#ifdef CONFIG_PMAP_PSE
	T_ASSERT(t, large || s0.large_mappings == 0,
	    "the direct map uses large pages but kenter_range did not");
#else
	T_ASSERT(t, !large && s0.large_mappings == 0, "large pages used with PSE off");
#endif
	for (vaddr_t off = 0; off < size; off += size / 4 + PAGE_SIZE) {
		paddr_t got;
		T_ASSERT(t, pmap_extract(pmap_kernel(), va + off + 0x10, &got));
		T_EQ(t, got, pa + off + 0x10);
		T_ASSERT(t, t_read(va + off + 0x10, &v) && v == t_phys_read(pa + off, 0x10));
		T_ASSERT(t, !t_write(va + off, 0), "write to a read-only large mapping");
	}
	T_EQ(t, pmap_resident_count(pmap_kernel()), res0 + (long)(size / PAGE_SIZE));
	T_CHECK_PMAP(t, pmap_kernel());

	pmap_kremove(va, size);
	pmap_update(pmap_kernel());
	pmap_stats_get(&s2);
	T_EQ(t, s2.large_mappings, s0.large_mappings);
	T_ASSERT(t, !t_read(va, &v) && !t_read(va + size - PAGE_SIZE, &v));
	T_ASSERT(t, !pmap_extract(pmap_kernel(), va, NULL));
	T_EQ(t, pmap_resident_count(pmap_kernel()), res0);
}

/*
 * A whole large kernel leaf write-protected: where kernel root entries are
 * copied into every user root (i386, riscv-sv32), the copy in a pmap made
 * before must follow, or that pmap still writes through it.
 */
static void
large_protect(struct tctx *t, vsize_t size)
{
	const vaddr_t va = t_large_va(2, size);
	const paddr_t pa = PMAP_RAM_BASE + size;
	struct pmap *before = t_pmap(t);
	uint32_t v;

	pmap_kenter_range(va, pa, size, RW, 0);
	pmap_update(pmap_kernel());
	pmap_activate(before);
	T_ASSERT(t, t_read(va + 0x20, &v) && t_write(va + 0x20, v), "a writable large kernel "
	    "mapping not writable in a user pmap");
	pmap_activate(pmap_kernel());
	pmap_protect(pmap_kernel(), va, va + size, VM_PROT_READ);
	pmap_update(pmap_kernel());
	pmap_activate(before);
	T_ASSERT(t, t_read(va + 0x20, &v), "a write-protected large kernel mapping unreadable");
	T_ASSERT(t, !t_write(va + 0x20, v), "a pmap made before pmap_protect still writes "
	    "through its copy of the large kernel leaf");
	pmap_activate(pmap_kernel());
	T_CHECK_PMAP(t, before);
	pmap_kremove(va, size);
	pmap_update(pmap_kernel());
}

void
t_large_kernel_mappings(struct tctx *t)
{
	const vsize_t small = t_large_size() > PAGE_SIZE ? t_large_size() : t_leaf_span();
	const vsize_t big = pmap_large_page_size();

	large_kenter(t, small);
	if (!t->failed)
		large_protect(t, small);
	if (big > small && !t->failed) {
		if (physmem_direct_end() >= PMAP_RAM_BASE + 2 * big)
			large_kenter(t, big);
		else
			kprintf("# RAM ends below %lu MiB: no %lu MiB kenter_range\n",
			    (unsigned long)(2 * big >> 20), (unsigned long)(big >> 20));
	}
}

/*
 * growkernel: new kernel tables reach pmaps created before the growth.
 * Where the kernel space spans several root entries (Sv39: one per GiB),
 * the growth crosses into the next, so a new root entry must reach them.
 */
void
t_growkernel_visible_everywhere(struct tctx *t)
{
	struct pmap *before = t_pmap(t);
	vaddr_t vs, ve, top;
	paddr_t pa = t_page(t);
	uint32_t v;

	pmap_virtual_space(&vs, &ve);
	T_ASSERT(t, vs >= VM_MIN_KERNEL_VA && ve <= VM_MAX_KERNEL_VA && vs < ve);
	top = pmap_growkernel(0);		/* no-op: reports the current end */
	vaddr_t va = top + t_leaf_span() + 3 * PAGE_SIZE;
	vaddr_t root_span = pmap_table_span(1), next = (top | (root_span - 1)) + 1;
	if (pmap_backend_levels() > 2 && next > top && next < VM_MAX_KERNEL_VA - 64 * root_span)
		va = next + 3 * PAGE_SIZE;	/* 0 or beyond the kernel space: one root entry */
	vaddr_t grown = pmap_growkernel(va + PAGE_SIZE);
	T_ASSERT(t, grown >= va + PAGE_SIZE, "growkernel returned %#" PMAP_PRIxVADDR, grown);
	pmap_kenter_pa(va, pa, RW, 0);
	pmap_update(pmap_kernel());
	pmap_activate(before);
	T_ASSERT(t, t_write(va, 0x6789), "kernel va grown after pmap_create not "
	    "visible in that pmap");
	struct pmap *after = t_pmap(t);
	pmap_activate(after);
	T_ASSERT(t, t_read(va, &v) && v == 0x6789);
	pmap_activate(pmap_kernel());
	pmap_kremove(va, PAGE_SIZE);
	pmap_update(pmap_kernel());
	pmap_activate(before);
	T_ASSERT(t, !t_read(va, &v));
}

void
t_steal_memory(struct tctx *t)
{
	vaddr_t vs, ve;
	uint32_t v;

	pmap_virtual_space(&vs, &ve);
	T_ASSERT(t, kern_stolen_va >= VM_MIN_KERNEL_VA && kern_stolen_va + kern_stolen_size <= vs);
	for (vaddr_t off = 0; off < kern_stolen_size; off += 512) {
		T_ASSERT(t, t_read(kern_stolen_va + off, &v));
		T_EQ(t, v, 0);
	}
	T_ASSERT(t, t_write(kern_stolen_va + kern_stolen_size - 4, 0x51));
	T_ASSERT(t, t_read(kern_stolen_va + kern_stolen_size - 4, &v) && v == 0x51);
	T_ASSERT(t, t_write(kern_stolen_va + kern_stolen_size - 4, 0));
}

/*
 * A large leaf placed beyond the grown space, then grown over and removed,
 * must leave a page table behind: kenter works there afterwards.  (Without
 * large pages the same steps run over base pages.)
 */
void
t_large_mapping_hole(struct tctx *t)
{
	const vaddr_t four = t_large_size() > PAGE_SIZE ? t_large_size() : t_leaf_span();
	vaddr_t end = pmap_growkernel(0);
	vaddr_t big = ((end + four - 1) & ~(four - 1)) + four;
	paddr_t pa = t_page(t);
	uint32_t v;

	pmap_kenter_range(big, PMAP_RAM_BASE + four, four, VM_PROT_READ, 0);
	T_ASSERT(t, pmap_growkernel(big + four) >= big + four);
	pmap_kremove(big, four);
	pmap_update(pmap_kernel());
	T_ASSERT(t, !t_read(big, &v));
	pmap_kenter_pa(big + PAGE_SIZE, pa, RW, 0);
	pmap_update(pmap_kernel());
	T_ASSERT(t, t_write(big + PAGE_SIZE, 0x77) && t_phys_read(pa, 0) == 0x77);
	pmap_kremove(big + PAGE_SIZE, PAGE_SIZE);
	pmap_update(pmap_kernel());
	T_CHECK_PMAP(t, pmap_kernel());
}

/*
 * Physical memory above 4 GiB, end to end: a page there written through a
 * user mapping is read back through a kernel one, extract returns the full
 * address, and zero/copy reach it through the windows.
 */
void
t_high_memory(struct tctx *t)
{
#if PMAP_PA_BITS > 32
	const paddr_t four_g = (paddr_t)1 << 32;
	paddr_t hi = t_page_range(t, four_g, t_pa_top_page()), lo = t_page(t), got;
	struct pmap *pm = t_pmap(t);
	vaddr_t kva = t_kva(t, 1);
	uint32_t v;

	if (hi == 0)
		T_SKIP(t, "no free RAM above 4 GiB on this machine");
	kprintf("# page above 4 GiB: pa %#llx\n", (unsigned long long)hi);
	T_EQ(t, pmap_enter(pm, 0x10000000u, hi, VM_PROT_READ | VM_PROT_WRITE, 0), 0);
	pmap_kenter_pa(kva, hi, VM_PROT_READ, 0);
	pmap_update(pm);
	pmap_activate(pm);
	T_ASSERT(t, t_write(0x10000000u + 16, 0x4a4b4c4d));
	T_ASSERT(t, t_read(kva + 16, &v) && v == 0x4a4b4c4d, "read %#x through the kernel", v);
	T_ASSERT(t, pmap_extract(pm, 0x10000000u + 16, &got) && got == hi + 16);
	T_ASSERT(t, pmap_extract(pmap_kernel(), kva, &got) && got == hi);
	T_ASSERT(t, pmap_is_modified(t_pg(hi)), "modified bit of a page above 4 GiB");
	t_phys_write(lo, 32, 0x1234);
	pmap_copy_page(lo, hi);
	T_ASSERT(t, t_read(kva + 32, &v) && v == 0x1234, "copy_page to above 4 GiB");
	/* A second page through the same windows: they must follow. */
	paddr_t hi2 = t_page_range(t, four_g, t_pa_top_page());
	if (hi2 != 0) {
		vaddr_t kva2 = t_kva(t, 1);
		pmap_kenter_pa(kva2, hi2, VM_PROT_READ, 0);
		pmap_update(pmap_kernel());
		t_phys_write(lo, 32, 0x5678);
		pmap_copy_page(lo, hi2);
		T_ASSERT(t, t_read(kva2 + 32, &v) && v == 0x5678, "second copy_page went to %#x", v);
		T_ASSERT(t, t_read(kva + 32, &v) && v == 0x1234, "first page changed to %#x", v);
		pmap_zero_page(hi2);
		T_ASSERT(t, t_read(kva2 + 32, &v) && v == 0, "zero_page of the second page");
	}
	pmap_zero_page(hi);
	T_ASSERT(t, t_read(0x10000000u + 32, &v) && v == 0, "zero_page above 4 GiB");
	T_CHECK_PMAP(t, pm);
#else
	T_SKIP(t, "this backend addresses 32 bits of physical memory");
#endif
}

/*
 * The kernel image through the direct map: text is read-only (and
 * executable), data is not executable -- where the MMU has NX.  Without NX
 * (i386) the backend keeps the image writable in large pages: reported, and
 * the test is skipped.
 */
void
t_kernel_image_protection(struct tctx *t)
{
	extern paddr_t kern_text_start, kern_text_end, kern_image_end;
	const vaddr_t text = PMAP_DIRECT_VA(kern_text_start);
	const vaddr_t data = PMAP_DIRECT_VA(kern_image_end - PAGE_SIZE);
	struct probe_result r;
	struct fault_info f;
	uint32_t v;

	if (!(pmap_backend_caps() & PMAP_CAP_NX))
		T_SKIP(t, "no NX on this backend: the kernel image stays writable");
	T_ASSERT(t, kern_text_end > kern_text_start);
	T_ASSERT(t, t_read(text, &v), "kernel text unreadable");
	plat_probe(text, PROBE_WRITE, false, v, &r);
	T_ASSERT(t, !r.ok, "kernel text at %#" PMAP_PRIxVADDR " is writable", text);
	plat_fault_decode(r.fault_code, &f);
	T_ASSERT(t, (!(f.known & FAULT_KNOWS_PROTECTION) || f.protection) &&
	    (!(f.known & FAULT_KNOWS_WRITE) || f.write));
	plat_probe(data, PROBE_EXEC, false, 0, &r);
	T_ASSERT(t, !r.ok, "kernel data at %#" PMAP_PRIxVADDR " is executable", data);
	plat_fault_decode(r.fault_code, &f);
	T_ASSERT(t, (!(f.known & FAULT_KNOWS_PROTECTION) || f.protection) &&
	    (!(f.known & FAULT_KNOWS_FETCH) || f.fetch));
	kprintf("# kernel text %#" PMAP_PRIxVADDR "-%#" PMAP_PRIxVADDR " read-only, data at %#"
	    PMAP_PRIxVADDR " no-execute\n", text, PMAP_DIRECT_VA(kern_text_end), data);
}
