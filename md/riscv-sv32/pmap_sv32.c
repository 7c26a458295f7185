/*
 * RISC-V sv32 backend: 2 levels of 1024 4-byte entries, 4 MiB megapages,
 * 34-bit physical addresses, 9-bit ASIDs (RISC-V privileged spec, 4.3).
 *
 * The direct map is rw- (no execute) in megapages, except the 4 MiB slots
 * holding kernel text, which are 4 KiB pages with the text r-x (built by
 * mi/'s pmap_md_boot_direct).
 *
 * Reaching page tables.  No recursive map: page tables are allocated below
 * PMAP_DIRECT_END (ptp_limit) and reached through the direct map of RAM at
 * KERNBASE.  Pages beyond it (RAM above the direct map, up to 34-bit
 * addresses) are zeroed and copied through two per-CPU windows in the top
 * 4 MiB of the kernel space.
 *
 * Kernel space.  Root slots 768 and up are the kernel's: copied into each
 * user root at pmap_create, and a kernel root entry change is pushed into
 * every user root, as on i386.  Kernel page tables are never freed.
 *
 * ASIDs, per CPU, from mi/'s allocator (pmap_asid, mi/pmap_asid.c): ASID 0
 * is the kernel's; a user pmap takes the next free ASID of its CPU's
 * current generation when it is activated there.  When a CPU's 511 are used
 * up, its generation advances and its whole TLB is flushed once (tlb_flush),
 * so no ASID is reused there while translations tagged with it may remain.
 * Because tagged entries outlive a switch, mi/ invalidates
 * this CPU's entries of inactive pmaps too (PMAP_CAP_ASID); on another CPU
 * where the pmap is not live it calls tlb_forget instead of sending an IPI,
 * which drops the pmap's ASID there (pmap_asid_forget): its next activation
 * there takes a fresh one.  A single-page invalidation is sfence.vma va, asid for a
 * user page (the live ASID's), va, x0 for a kernel page (global); where
 * the kernel reports Svinval (pmap_bootstrap_args.md_features), a batch of
 * pages is one sfence.w.inval, a sinval.vma per page, one sfence.inval.ir.
 *
 * Referenced/modified.  QEMU 7.2 sets A/D itself.  With
 * CONFIG_PMAP_SV32_SVADE the backend declares PMAP_CAP_SW_REFMOD: the MMU
 * (the host model in Svade mode) faults on a clear A, or a clear D on a
 * store, and the kernel's fault handler calls pmap_fault().
 */

#include <pmap/pmap_kern.h>
#include <pmap/pmap_md_ops.h>
#include <pte.h>
#include <cpufunc.h>

#define NPTE		1024u
#define KERN_SLOT_FIRST	(KERNBASE >> 22)
#define WIN_SLOT	(VM_MAX_KERNEL_VA >> 22)	/* the top 4 MiB */
#define WIN_SRC		0
#define WIN_DST		1
#define SV32_NWINDOWS	2		/* per CPU */

struct pmap_level pmap_md_levels[PMAP_MD_NLEVELS] = {
	PMAP_LEVEL(0, true),	/* root (22, 1024): 4 MiB megapages */
	PMAP_LEVEL(1, true),	/* leaf table (12, 1024) */
};

static paddr_t sv32_winpt;			/* the window page table */

static pt_entry_t *
rv_direct(paddr_t pa)
{
	if (pa < PMAP_RAM_BASE || pa >= PMAP_DIRECT_END)
		pmap_kern_panic("rv_direct: pa %#llx outside the direct map",
		    (unsigned long long)pa);
	return rv_kva(PMAP_DIRECT_VA(pa));
}

static unsigned long
rv_satp(paddr_t root, uint32_t asid)
{
	return SATP_MODE_SV32 | asid << SATP_ASID_SHIFT | (uint32_t)(root >> PAGE_SHIFT);
}

#define RV_ROOT_NPTE	NPTE
#define RV_ROOT_KERNEL	KERN_SLOT_FIRST
#define RV_SATP_ASID(satp) ((uint32_t)(((satp) >> SATP_ASID_SHIFT) & SATP_ASID_MASK))
#include "../riscv/pmap_riscv.h"

static pt_entry_t *
sv32_table(struct pmap *pm, int level, vaddr_t va, pt_entry_t parent)
{
	(void)va;
	return rv_direct(level == 0 ? pm->pm_md.pm_rootpa : pte_pa(parent, 0));
}

/* A page through window w (a direct-mapped page through the direct map). */
static void *
sv32_page(int w, paddr_t pa)
{
	if (pa >= PMAP_RAM_BASE && pa < PMAP_DIRECT_END)
		return rv_direct(pa);
	vaddr_t wva = (WIN_SLOT << 22) + (pmap_kern_cpu_index() * SV32_NWINDOWS + w) * PAGE_SIZE;
	pte_store(&rv_direct(sv32_winpt)[(wva >> PAGE_SHIFT) & (NPTE - 1)],
	    pte_make(pa, VM_PROT_READ | VM_PROT_WRITE, PMAP_MK_GLOBAL | PMAP_MK_WIRED, 1));
	rv_sfence_vma(wva, 0, 0, 1);
	return rv_kva(wva);
}

/* ------------------------------------------------------------ bootstrap */

static void
sv32_bootstrap(struct pmap *kpm, const struct pmap_bootstrap_args *a)
{
	paddr_t end = a->direct_end < PMAP_DIRECT_END ? a->direct_end : PMAP_DIRECT_END;

#ifndef CONFIG_PMAP_PSE
	pmap_md_levels[0].pl_leaf_ok = false;
#endif
	rv_kpm = kpm;
	paddr_t rootpa = rv_boot_page();
	pt_entry_t *root = rv_direct(rootpa);
	pmap_md_boot_direct(rootpa, (unsigned)(PMAP_DIRECT_VA(PMAP_RAM_BASE) >> 22), PMAP_RAM_BASE,
	    end, 0, a);
	sv32_winpt = rv_boot_page();
	root[WIN_SLOT] = pte_make_table(sv32_winpt, false, 0);
	kpm->pm_md.pm_rootpa = rootpa;
	rv_write_satp(rv_satp(rootpa, 0));
	rv_sfence_vma(0, 0, 1, 1);	/* the boot map's translations */
	rv_svinval = (a->md_features & PMAP_MD_FEAT_SVINVAL) != 0;
}

/* ------------------------------------------------------ address spaces */

/*
 * A root entry changed.  Kernel entries go to every root.  A cleared table
 * pointer may be cached as a non-leaf translation, which only an sfence.vma
 * with rs1 = x0 drops (spec 4.2.1): done at once, before the table is freed.
 */
static void
sv32_table_changed(struct pmap *pm, int level, vaddr_t va, bool installed)
{
	if (level != 0)
		pmap_kern_panic("sv32_table_changed: level %d has no tables below", level);
	if (pm == rv_kpm)
		rv_sync_kernel_entry(va >> 22);
	if (!installed) {
		rv_sfence_vma(0, 0, 1, 1);	/* cached non-leaf entries */
		pmap_md_tlb_sync(pm, va, true, false);	/* elsewhere, before the free */
	}
}

static void
sv32_activate(struct pmap *pm)
{
	rv_write_satp(rv_satp(pm->pm_md.pm_rootpa, pmap_asid(pm)));
}

static void
sv32_deactivate(struct pmap *pm)
{
	(void)pm;
	sv32_activate(rv_kpm);
}

static void
sv32_zero_page(paddr_t pa)
{
	memset(sv32_page(WIN_SRC, pa), 0, PAGE_SIZE);
}

/* A table page not hooked in anywhere yet (demotion fills it first). */
static pt_entry_t *
sv32_table_page(paddr_t pa)
{
	return sv32_page(WIN_SRC, pa);
}

static void
sv32_copy_page(paddr_t src, paddr_t dst)
{
	memcpy(sv32_page(WIN_DST, dst), sv32_page(WIN_SRC, src), PAGE_SIZE);
}

static bool
sv32_reserved_range(vaddr_t sva, vaddr_t eva)
{
	return eva - 1 >= VM_MAX_KERNEL_VA || (sva < VM_MIN_KERNEL_VA && eva > KERNBASE);
}

const struct pmap_md_ops pmap_md_ops = {
	.name = PMAP_MD_NAME,
	.caps = PMAP_CAP_LARGE | PMAP_CAP_GLOBAL | PMAP_CAP_NX | PMAP_CAP_ASID |
	    PMAP_CAP_NO_KX_USER
#ifdef CONFIG_PMAP_SV32_SVADE
	    | PMAP_CAP_SW_REFMOD
#endif
	    ,
	.pa_bits = PMAP_PA_BITS,
	.asid_bits = PMAP_ASID_BITS,
	.ptp_limit = PMAP_DIRECT_END,
	.bootstrap = sv32_bootstrap,
	.table = sv32_table,
	.table_changed = sv32_table_changed,
	.root_create = rv_root_create,
	.root_release = rv_root_release,
	.paging = rv_paging,
	.cpu_init = rv_cpu_init,
	.activate = sv32_activate,
	.deactivate = sv32_deactivate,
	.tlb_forget = rv_tlb_forget,
	.tlb_invalidate = rv_tlb_invalidate,
	.tlb_invalidate_batch = rv_tlb_invalidate_batch,
	.tlb_flush = rv_tlb_flush,
	.zero_page = sv32_zero_page,
	.copy_page = sv32_copy_page,
	.table_page = sv32_table_page,
	.reserved_range = sv32_reserved_range,
	.check = rv_check,
};
