/*
 * RISC-V Sv39 backend, Sv48 with CONFIG_RISCV_SV48 and Sv57 with
 * CONFIG_RISCV_SV57 (privileged spec 4.4, 4.5, 4.6): 3, 4 or 5 levels of 512
 * 8-byte entries, 56-bit physical addresses, 1 GiB and 2 MiB leaves, ASIDs,
 * sfence.vma.  The modes differ in the level table, the user half's end and
 * satp's mode only.
 *
 * Tables.  Every table is reached through the direct map of RAM at KERNBASE
 * (pmap_md.h), which covers up to 128 GiB from 0x80000000, every page the
 * kernel can have records for: no windows.  The
 * direct map is 1 GiB leaves where a whole GiB holds no kernel text, else
 * 2 MiB leaves, and 4 KiB pages for the 2 MiB regions holding text (text
 * r-x, the rest rw-); all global.  Page tables stay inside it (ptp_limit).
 *
 * Kernel space.  The kernel's half of the root (slots 256-511) is copied
 * into every user root at creation; a later change of a kernel root entry
 * (Sv39: kernel growth makes a root entry per GiB) is pushed into every
 * user root, as riscv-sv32 does.  Under Sv48 and Sv57 the whole kernel half
 * is root slot 511, made at bootstrap, so that never happens.
 *
 * ASIDs from mi/'s allocator, per hart; the width is what the hart keeps
 * of all ones written to satp.ASID (ASIDLEN is WARL, spec 4.1.11), probed
 * at bootstrap and handed to mi/ (cpu_asid_bits).  sfence.vma va, asid for
 * a user page (the live ASID's), va, x0 for a kernel page (global), x0, x0
 * for everything; with Svinval, a batch of pages is one sfence.w.inval,
 * a sinval.vma per page and one sfence.inval.ir.
 *
 * Extensions the kernel reports (pmap_bootstrap_args.md_features, from the
 * device tree): Svpbmt makes PMAP_NOCACHE leaves PBMT = NC and adds
 * PMAP_CAP_NOCACHE (cpu_caps); Svinval batches invalidations.  Svnapot's
 * 64 KiB pages are not made.  A cleared entry above the
 * leaves may be cached as a non-leaf translation, which only an sfence.vma
 * with rs1 = x0 drops (spec 4.2.1).
 */

#include <pmap/pmap_kern.h>
#include <pmap/pmap_md_ops.h>
#include <pte.h>
#include <cpufunc.h>

#define NPTE		512u
#define SATP64_ASID_SHIFT 44
#define SATP64_ASID_MASK 0xFFFFull
#define SATP64_PPN_MASK	0x00000FFFFFFFFFFFull
/* satp.MODE: 8 Sv39, 9 Sv48, 10 Sv57; the root's entries map 9 bits more a level. */
#define SATP64_MODE	((uint64_t)(PMAP_MD_NLEVELS + 5) << 60)
#define ROOT_SHIFT	(12 + 9 * (PMAP_MD_NLEVELS - 1))
#define SV39_MODE_NAME	(PMAP_MD_NLEVELS == 5 ? "Sv57" : PMAP_MD_NLEVELS == 4 ? "Sv48" : "Sv39")
#define ROOT_SLOT(va)	((unsigned)(((va) >> ROOT_SHIFT) & (NPTE - 1)))
#define ROOT_KERNEL	(NPTE / 2)	/* the root's upper half is the kernel's */
#define LEVEL_GIGA	(PMAP_LEAF_LEVEL - 2)	/* the level of 1 GiB entries */
#define SZ_1G		(1ull << 30)

_Static_assert(ROOT_SLOT(KERNBASE) >= ROOT_KERNEL && ROOT_SLOT(VM_MIN_KERNEL_VA) >= ROOT_KERNEL &&
    PMAP_DIRECT_MAX <= VM_MIN_KERNEL_VA - KERNBASE && (PMAP_RAM_BASE & (SZ_1G - 1)) == 0,
    "the layout's kernel parts are in the root's upper half; RAM starts on a GiB");

/* The level count is this table's: Sv48 is one more row on top, Sv57 two. */
struct pmap_level pmap_md_levels[PMAP_MD_NLEVELS] = {
#if PMAP_MD_NLEVELS >= 5
	PMAP_LEVEL(PMAP_LEAF_LEVEL - 4, false),	/* (48, 512): 256 TiB leaves exist, pmapkit makes none */
#endif
#if PMAP_MD_NLEVELS >= 4
	PMAP_LEVEL(PMAP_LEAF_LEVEL - 3, false),	/* (39, 512): 512 GiB leaves exist, pmapkit makes none */
#endif
	PMAP_LEVEL(PMAP_LEAF_LEVEL - 2, true),	/* (30, 512): 1 GiB gigapages */
	PMAP_LEVEL(PMAP_LEAF_LEVEL - 1, true),	/* (21, 512): 2 MiB megapages */
	PMAP_LEVEL(PMAP_LEAF_LEVEL, true),	/* page table (12, 512) */
};

static unsigned sv39_asid_bits;
pt_entry_t pmap_sv39_pbmt_nc;		/* pte.h: PBMT = NC with Svpbmt, else 0 */

#define SV39_CAPS	(PMAP_CAP_LARGE | PMAP_CAP_GLOBAL | PMAP_CAP_NX | PMAP_CAP_ASID | \
	    PMAP_CAP_NO_KX_USER | PMAP_CAP_NOCACHE | SV39_CAP_SVADE)
#ifdef CONFIG_PMAP_SV39_SVADE
#define SV39_CAP_SVADE	PMAP_CAP_SW_REFMOD
#else
#define SV39_CAP_SVADE	0u
#endif

static pt_entry_t *
rv_direct(paddr_t pa)
{
	if (pa < PMAP_RAM_BASE || pa >= PMAP_DIRECT_END)
		pmap_kern_panic("rv_direct: pa %#" PMAP_PRIxPADDR " outside the direct map "
		    "[%#" PMAP_PRIxPADDR ", %#" PMAP_PRIxPADDR ")", pa, (paddr_t)PMAP_RAM_BASE,
		    (paddr_t)PMAP_DIRECT_END);
	return rv_kva(PMAP_DIRECT_VA(pa));
}

static pt_entry_t *
sv39_table(struct pmap *pm, int level, vaddr_t va, pt_entry_t parent)
{
	(void)va;
	return rv_direct(level == 0 ? pm->pm_md.pm_rootpa : pte_pa(parent, level - 1));
}

static unsigned long
rv_satp(paddr_t root, uint32_t asid)
{
	return (unsigned long)(SATP64_MODE | ((uint64_t)asid << SATP64_ASID_SHIFT) |
	    ((root >> PAGE_SHIFT) & SATP64_PPN_MASK));
}

#define RV_ROOT_NPTE	NPTE
#define RV_ROOT_KERNEL	ROOT_KERNEL
#define RV_SATP_ASID(satp) ((uint32_t)(((satp) >> SATP64_ASID_SHIFT) & SATP64_ASID_MASK))
#include "../riscv/pmap_riscv.h"

/* ------------------------------------------------------------ bootstrap */

/*
 * The hart's ASID width: the bits of satp.ASID that keep the ones written
 * to them (spec 4.1.11), with the new root in satp (it maps the kernel).
 * Leaves ASID 0 and flushes.
 */
static unsigned
sv39_probe_asid(paddr_t root)
{
	rv_write_satp(rv_satp(root, (uint32_t)SATP64_ASID_MASK));
	unsigned long got = rv_read_satp();
	rv_write_satp(rv_satp(root, 0));
	rv_sfence_vma(0, 0, 1, 1);
	if ((got & ~(SATP64_ASID_MASK << SATP64_ASID_SHIFT)) != rv_satp(root, 0))
		pmap_kern_panic("sv39_bootstrap: satp reads back %#lx after %#lx: the hart does not "
		    "keep %s mode (the boot code should have refused it)", got,
		    rv_satp(root, (uint32_t)SATP64_ASID_MASK), SV39_MODE_NAME);
	return (unsigned)__builtin_popcountll((got >> SATP64_ASID_SHIFT) & SATP64_ASID_MASK);
}

static void
sv39_bootstrap(struct pmap *kpm, const struct pmap_bootstrap_args *a)
{
	paddr_t end = a->direct_end < PMAP_DIRECT_END ? a->direct_end : PMAP_DIRECT_END;

#ifndef CONFIG_PMAP_PSE
	for (int l = 0; l < PMAP_LEAF_LEVEL; l++)
		pmap_md_levels[l].pl_leaf_ok = false;
#endif
	rv_kpm = kpm;
	paddr_t root = rv_boot_page();
	paddr_t giga = root;			/* the table of 1 GiB entries */
	for (int l = 0; l < LEVEL_GIGA; l++) {	/* Sv48, Sv57: slot 511 of each level over it */
		paddr_t next = rv_boot_page();
		pmap_md_boot_link(giga, l, (unsigned)((KERNBASE >> pmap_md_levels[l].pl_shift) &
		    (NPTE - 1)), next);
		giga = next;
	}
	pmap_md_boot_direct(giga, (unsigned)((KERNBASE >> 30) & (NPTE - 1)), PMAP_RAM_BASE, end,
	    LEVEL_GIGA, a);
	kpm->pm_md.pm_rootpa = root;
	sv39_asid_bits = sv39_probe_asid(root);
	if (a->md_features & PMAP_MD_FEAT_SVPBMT)
		pmap_sv39_pbmt_nc = PG_PBMT_NC;
	rv_svinval = (a->md_features & PMAP_MD_FEAT_SVINVAL) != 0;
}

static unsigned
sv39_cpu_asid_bits(void)
{
	return sv39_asid_bits;
}

/* PMAP_NOCACHE means something only with Svpbmt. */
static unsigned
sv39_cpu_caps(void)
{
	return pmap_sv39_pbmt_nc != 0 ? SV39_CAPS : SV39_CAPS & ~PMAP_CAP_NOCACHE;
}

/* ------------------------------------------------------ address spaces */

/*
 * An entry above the leaves changed.  Kernel root entries go to every
 * root.  A cleared table pointer may be cached as a non-leaf translation,
 * which only an sfence.vma with rs1 = x0 drops (spec 4.2.1): at once here,
 * on the other CPUs at the next update, before the table is freed.
 */
static void
sv39_table_changed(struct pmap *pm, int level, vaddr_t va, bool installed)
{
	if (pm == rv_kpm && level == 0)
		rv_sync_kernel_entry(ROOT_SLOT(va));
	if (!installed) {
		rv_sfence_vma(0, 0, 1, 1);
		pmap_md_tlb_sync(pm, va, true, false);
	}
}

/*
 * With ASIDs, the switch keeps every tag's translations.  A hart that keeps
 * no ASID bits runs every space under ASID 0 (pmap_asid says 0), so the
 * switch flushes, as on an MMU without tags.
 */
static void
sv39_activate(struct pmap *pm)
{
	rv_write_satp(rv_satp(pm->pm_md.pm_rootpa, pmap_asid(pm)));
	if (sv39_asid_bits == 0)
		rv_sfence_vma(0, 0, 1, 1);	/* no ASIDs: nothing of the last space stays */
}

static void
sv39_deactivate(struct pmap *pm)
{
	(void)pm;
	sv39_activate(rv_kpm);
}

static void
sv39_zero_page(paddr_t pa)
{
	memset(rv_direct(pa), 0, PAGE_SIZE);
}

static void
sv39_copy_page(paddr_t src, paddr_t dst)
{
	memcpy(rv_direct(dst), rv_direct(src), PAGE_SIZE);
}

static pt_entry_t *
sv39_table_page(paddr_t pa)
{
	return rv_direct(pa);
}

/* The direct map, the unused kernel VA and the top GiB belong to the pmap. */
static bool
sv39_reserved_range(vaddr_t sva, vaddr_t eva)
{
	return eva - 1 >= VM_MAX_KERNEL_VA || sva < VM_MIN_KERNEL_VA;
}

const struct pmap_md_ops pmap_md_ops = {
	.name = PMAP_MD_NAME,
	.caps = SV39_CAPS,
	.cpu_caps = sv39_cpu_caps,
	.pa_bits = PMAP_PA_BITS,
	.cpu_pa_bits = NULL,
	.asid_bits = 16,
	.cpu_asid_bits = sv39_cpu_asid_bits,
	.ptp_limit = PMAP_DIRECT_END,
	.bootstrap = sv39_bootstrap,
	.table = sv39_table,
	.table_changed = sv39_table_changed,
	.root_create = rv_root_create,
	.root_release = rv_root_release,
	.paging = rv_paging,
	.cpu_init = rv_cpu_init,
	.activate = sv39_activate,
	.deactivate = sv39_deactivate,
	.tlb_forget = rv_tlb_forget,
	.tlb_invalidate = rv_tlb_invalidate,
	.tlb_invalidate_batch = rv_tlb_invalidate_batch,
	.tlb_flush = rv_tlb_flush,
	.zero_page = sv39_zero_page,
	.copy_page = sv39_copy_page,
	.table_page = sv39_table_page,
	.reserved_range = sv39_reserved_range,
	.check = rv_check,
};
