/*
 * i386-PAE backend: PDPT + page directory + page table, 8-byte entries
 * (Intel SDM vol. 3A, 4.4), 2 MiB pages, NX (EFER.NXE), 36-bit physical
 * addresses.
 *
 * Kernel space.  PDPT slot 3 of every address space points at one kernel
 * page directory, so kernel growth and kernel large pages are seen by every
 * pmap at once: no per-pmap copy (the cost of the i386 backend's scheme).
 * Slot 508 of that directory points at itself, so the kernel's page tables
 * appear at PTE_BASE and the directory at PDP_BASE; slot 509 holds the
 * window page table.  Kernel tables are never freed.
 *
 * User space.  PDPT slots 0-2 point at per-pmap directories, allocated on
 * demand.  The shared kernel directory cannot alias per-pmap tables, so user
 * tables (and every PDPT) are reached through the per-CPU windows, remapped
 * only when they must point elsewhere.  A PDPT lives in its own page below
 * 4 GiB (CR3 holds 32 bits in PAE mode).
 *
 * PDPTEs.  CPUs read the four PDPTEs when CR3 is loaded and keep them (SDM
 * 4.4.1): changing a PDPTE of the live address space reloads CR3.
 *
 * Text and NX.  The direct map is 2 MiB pages, read/write, non-executable;
 * the 2 MiB regions holding kernel text are 4 KiB pages instead, text
 * read-only and executable, the rest non-executable.
 */

#include <pmap/pmap_kern.h>
#include <pmap/pmap_md_ops.h>
#include <pte.h>
#include <cpufunc.h>

#define KPD_SLOT_PTE		508u		/* recursive kernel PDE */
#define KPD_SLOT_WIN		509u		/* window page table */
#define PTE_BASE		(KERNBASE + (KPD_SLOT_PTE << 21))
#define PDP_BASE		(PTE_BASE + (KPD_SLOT_PTE << PAGE_SHIFT))
#define WIN_BASE		(KERNBASE + (KPD_SLOT_WIN << 21))
#define PMAP_NWINDOWS		5
#define NPDE		512u
#define LARGE		(1u << 21)
#define WIN_PDPT	0	/* windows 0-2 follow the walk levels */
#define WIN_PD		1
#define WIN_PT		2
#define X86_WIN_SRC	3
#define X86_WIN_DST	4
#define KPDPT_SLOT	3u	/* PDPT slot of the kernel directory */
#define PMAP_KPTE_VA(va)	(PTE_BASE + (((va) - KERNBASE) >> PAGE_SHIFT) * sizeof(pt_entry_t))
#define LOW_LIMIT	((paddr_t)1 << 32)
/*
 * Page-table pages stay in the direct map (below PMAP_DIRECT_END, so
 * table_direct reaches each), which also keeps them below 4 GiB: measured,
 * qemu-system-i386 7.2 (PAE, -cpu max) does not walk a directory or table
 * above 4 GiB (accesses through it fault) while qemu-system-x86_64 and the
 * host model do.  Data pages may lie anywhere in the 36-bit space.
 */
#define PAE_PTP_LIMIT	PMAP_DIRECT_END
_Static_assert(PMAP_DIRECT_END <= LOW_LIMIT, "pae: the direct map reaches above 4 GiB");
/*
 * QEMU 7.2 sets bit 5 (accessed) in PAE PDPTEs it walks, a bit the SDM
 * reserves there (Table 4-8) and real CPUs never write; the checks allow it.
 */
#define QEMU_PDPTE_A	PG_A

#include "../x86/pmap_x86.h"

struct pmap_level pmap_md_levels[PMAP_MD_NLEVELS] = {
	PMAP_LEVEL(0, false),	/* PDPT (30, 4) */
	PMAP_LEVEL(1, true),	/* page directory (21, 512): 2 MiB leaves */
	PMAP_LEVEL(2, true),	/* page table (12, 512) */
};

pt_entry_t pmap_pae_pg_g;
pt_entry_t pmap_pae_pg_nx;
static struct pmap *pae_kpm;
static struct pmap *pae_curs[PMAP_MAXCPUS];	/* pmap whose PDPT is in CR3, per CPU */
#define pae_cur		(pae_curs[pmap_kern_cpu_index()])
static paddr_t pae_kpdpa;		/* the shared kernel directory */

static pt_entry_t *
pae_table(struct pmap *pm, int level, vaddr_t va, pt_entry_t parent)
{
	if (level == 0)
		return x86_window(WIN_PDPT, pm->pm_md.pm_pdptpa);
	if (va >= KERNBASE)
		return x86_kva(level == 1 ? PDP_BASE : PTE_BASE + ((va - KERNBASE) >> 21) * PAGE_SIZE);
	return x86_window(level == 1 ? WIN_PD : WIN_PT, pte_pa(parent, level - 1));
}

/* ------------------------------------------------------------ bootstrap */

/* A zeroed page for a kernel table, reached through the boot map. */
static paddr_t
pae_boot_page(void)
{
	paddr_t pa = pmap_md_boot_table();

	memset(x86_kva(PMAP_DIRECT_VA(pa)), 0, PAGE_SIZE);
	return pa;
}

/* Direct-map one 2 MiB region with 4 KiB pages: text r-x, the rest rw- NX. */
static void
pae_boot_small(pt_entry_t *kpd, paddr_t pa, paddr_t end, const struct pmap_bootstrap_args *a)
{
	paddr_t ptpa = pae_boot_page();
	pt_entry_t *pt = x86_kva(PMAP_DIRECT_VA(ptpa));
	unsigned n = 0;

	for (paddr_t p = pa; p < end && p < pa + LARGE; p += PAGE_SIZE, n++) {
		bool text = p >= a->text_start && p < a->text_end;
		pt[(p >> PAGE_SHIFT) & (NPDE - 1)] = pte_make(p, text ? VM_PROT_READ |
		    VM_PROT_EXECUTE : VM_PROT_READ | VM_PROT_WRITE, PMAP_MK_GLOBAL |
		    PMAP_MK_WIRED, PMAP_LEAF_LEVEL);
	}
	kpd[(PMAP_DIRECT_VA(pa) - KERNBASE) >> 21] = pte_make_table(ptpa, false, 1);
	pmap_md_boot_account(ptpa, 2, n, n);
	pmap_md_boot_account(pae_kpdpa, 1, 1, 0);
}

static void
pae_cpu_features(void)
{
	uint32_t id[4], ext[4];

	x86_cpuid(1, id);
	x86_cpuid(0x80000000u, ext);
	bool nx = false;
	if (ext[0] >= 0x80000001u) {
		x86_cpuid(0x80000001u, ext);
		nx = (ext[3] & CPUID_EXT_EDX_NX) != 0;
	}
	if (!(id[3] & CPUID_1_EDX_PAE) || !nx)
		pmap_kern_panic("pae_bootstrap: the CPU lacks %s",
		    !(id[3] & CPUID_1_EDX_PAE) ? (nx ? "PAE" : "PAE and NX") : "NX");
	x86_wrmsr(MSR_EFER, x86_rdmsr(MSR_EFER) | EFER_NXE);
	pmap_pae_pg_nx = PG_NX;
#ifdef CONFIG_PMAP_PGE
	pmap_pae_pg_g = (id[3] & CPUID_1_EDX_PGE) ? PG_G : 0;
#endif
#ifndef CONFIG_PMAP_PSE
	pmap_md_levels[1].pl_leaf_ok = false;
#endif
}

static void
pae_bootstrap(struct pmap *kpm, const struct pmap_bootstrap_args *a)
{
	paddr_t end = a->direct_end < PMAP_DIRECT_MAX ? a->direct_end : PMAP_DIRECT_MAX;

	pae_kpm = kpm;
	pae_cpu_features();
	paddr_t pdpt = pae_boot_page();
	pae_kpdpa = pae_boot_page();
	pt_entry_t *kpd = x86_kva(PMAP_DIRECT_VA(pae_kpdpa));
	for (paddr_t pa = 0; pa < end; pa += LARGE) {
		bool text = pa < a->text_end && pa + LARGE > a->text_start;
		if (pmap_md_levels[1].pl_leaf_ok && end - pa >= LARGE && !text) {
			kpd[(PMAP_DIRECT_VA(pa) - KERNBASE) >> 21] = pte_make(pa,
			    VM_PROT_READ | VM_PROT_WRITE, PMAP_MK_GLOBAL | PMAP_MK_WIRED, 1);
			pmap_md_boot_account(pae_kpdpa, 1, 1, 1);
		} else {
			pae_boot_small(kpd, pa, end, a);
		}
	}
	kpd[KPD_SLOT_WIN] = pte_make_table(pae_boot_page(), false, 1);
	kpd[KPD_SLOT_PTE] = pte_make_table(pae_kpdpa, false, 1);
	pmap_md_boot_account(pae_kpdpa, 1, 2, 0);	/* the kernel PD is a counted table */
	((pt_entry_t *)x86_kva(PMAP_DIRECT_VA(pdpt)))[KPDPT_SLOT] =
	    pte_make_table(pae_kpdpa, false, 0);
	kpm->pm_md.pm_pdptpa = pdpt;
	if (pmap_pae_pg_g)
		x86_lcr4(x86_rcr4() | CR4_PGE);
	x86_lcr0(x86_rcr0() | CR0_WP);
	x86_lcr3((uint32_t)pdpt);
	for (unsigned c = 0; c < PMAP_MAXCPUS; c++)	/* every CPU starts on this root */
		pae_curs[c] = kpm;
}

/* ------------------------------------------------------ address spaces */

/*
 * A PDPTE changed: reload CR3 where the space is live, since the CPU read the
 * PDPTEs at the last load (SDM 4.4.1): here at once, on other CPUs before the
 * pmap call returns (a new directory must be usable there too).  A user PDE was cleared (its table is
 * freed after the next update): invlpg drops the paging-structure caches
 * (SDM 4.10.4.1), which a speculative walk may have filled even where no
 * leaf was accessed; other CPUs do so at the next update.  Kernel PDEs need nothing: kernel tables are never
 * freed, and a large leaf's own translation is invalidated by mi/; its PTmap
 * alias is never used while the leaf is there.
 */
static void
pae_table_changed(struct pmap *pm, int level, vaddr_t va, bool installed)
{
	if (level == 0) {
		if (pm == pae_kpm)
			pmap_kern_panic("pae_table_changed: kernel PDPTE for va %#x changed",
			    (unsigned)va);
		if (pm == pae_cur)
			x86_lcr3((uint32_t)pm->pm_md.pm_pdptpa);
		pmap_md_tlb_sync(pm, va, true, true);	/* the other CPUs' PDPTE caches */
		return;
	}
	if (!installed && va < KERNBASE) {
		if (pm == pae_cur)
			x86_invlpg(va);
		pmap_md_tlb_sync(pm, va, false, false);
	}
	/*
	 * A kernel PDE stopped pointing at a table (a large leaf or a demotion
	 * came, or the table went): the PTmap alias of its slot may still reach
	 * the old table, here and on every CPU, and the pmap writes through it.
	 */
	if (!installed && va >= KERNBASE) {
		vaddr_t alias = PTE_BASE + ((va - KERNBASE) >> 21) * PAGE_SIZE;
		x86_invlpg(alias);
		pmap_md_tlb_sync(pm, alias, false, true);
	}
}

static int
pae_root_create(struct pmap *pm)
{
	paddr_t pa;

	if (pmap_kern_page_alloc_below(LOW_LIMIT, &pa) != 0)
		return ENOMEM;
	pt_entry_t *pdpt = x86_window(WIN_PDPT, pa);
	memset(pdpt, 0, PAGE_SIZE);
	pte_store(&pdpt[KPDPT_SLOT], pte_make_table(pae_kpdpa, false, 0));
	pm->pm_md.pm_pdptpa = pa;
	pmap_md_count_table(false);
	return 0;
}

static void
pae_root_release(struct pmap *pm)
{
	/* Table pages go back all zero, like every table the pmap frees. */
	pte_store(&x86_window(WIN_PDPT, pm->pm_md.pm_pdptpa)[KPDPT_SLOT], 0);
	pmap_kern_page_free(pm->pm_md.pm_pdptpa);
	pmap_md_uncount_table();
}

/* Loading CR3 reads the PDPTEs and drops non-global translations. */
static void
pae_paging(struct pmap_paging *p)
{
	*p = (struct pmap_paging){ .cr3 = (uint32_t)pae_kpm->pm_md.pm_pdptpa,
	    .cr0_set = CR0_PE | CR0_PG | CR0_WP,
	    .cr4_set = CR4_PAE | (pmap_pae_pg_g ? CR4_PGE : 0), .efer_set = EFER_NXE };
}

static void
pae_cpu_init(void)
{
	struct pmap_paging p;

	pae_paging(&p);
	x86_cpu_init(&p);
	pae_cur = pae_kpm;
}

static void
pae_activate(struct pmap *pm)
{
	uint32_t cr3 = (uint32_t)pm->pm_md.pm_pdptpa;

	x86_lcr3(cr3);
	pae_cur = pm;
}

static void
pae_deactivate(struct pmap *pm)
{
	(void)pm;
	pae_activate(pae_kpm);
}

/* The direct map, PTmap and the windows belong to the pmap itself. */
static bool
pae_reserved_range(vaddr_t sva, vaddr_t eva)
{
	return eva - 1 >= VM_MAX_KERNEL_VA || (sva < VM_MIN_KERNEL_VA && eva > KERNBASE);
}

/*
 * Every PDPT: slot 3 is the shared kernel directory, the others carry only P
 * and an address (reserved bits #GP at CR3 load); the kernel directory's
 * self-map and window entries are supervisor-only; NX and PGE are on as set
 * at bootstrap.
 */
static int
pae_check(struct pmap *pm, void (*print)(const char *, ...))
{
	pt_entry_t *pdpt = x86_window(WIN_PDPT, pm->pm_md.pm_pdptpa);
	pt_entry_t *kpd = x86_kva(PDP_BASE);
	int errs = 0;

	if ((pte_load(&pdpt[KPDPT_SLOT]) & ~QEMU_PDPTE_A) != pte_make_table(pae_kpdpa, false, 0)) {
		print("pae_check: pmap %p PDPTE 3 is %#llx\n", (void *)pm,
		    (unsigned long long)pdpt[KPDPT_SLOT]);
		errs++;
	}
	for (unsigned i = 0; i < 4; i++) {
		pt_entry_t e = pte_load(&pdpt[i]);
		if (pte_valid_p(e) && (e & ~(PG_FRAME | PG_V | QEMU_PDPTE_A)) != 0) {
			print("pae_check: pmap %p PDPTE %u has reserved bits: %#llx\n",
			    (void *)pm, i, (unsigned long long)e);
			errs++;
		}
	}
	if ((pte_load(&kpd[KPD_SLOT_PTE]) & ~(PG_A | PG_D)) != pte_make_table(pae_kpdpa, false, 1) ||
	    pte_user_p(pte_load(&kpd[KPD_SLOT_WIN]))) {
		print("pae_check: kernel self-map or window PDE wrong (%#llx, %#llx)\n",
		    (unsigned long long)kpd[KPD_SLOT_PTE], (unsigned long long)kpd[KPD_SLOT_WIN]);
		errs++;
	}
	if (!(x86_rdmsr(MSR_EFER) & EFER_NXE) || !pmap_pae_pg_g != !(x86_rcr4() & CR4_PGE)) {
		print("pae_check: EFER.NXE or CR4.PGE not as set at bootstrap\n");
		errs++;
	}
	return errs + x86_check_windows(print);
}

const struct pmap_md_ops pmap_md_ops = {
	.name = PMAP_MD_NAME,
	.caps = PMAP_CAP_LARGE | PMAP_CAP_GLOBAL | PMAP_CAP_NX | PMAP_CAP_NOCACHE,
	.pa_bits = PMAP_PA_BITS,
	.cpu_pa_bits = x86_cpu_pa_bits,
	.asid_bits = 0,
	.ptp_limit = PAE_PTP_LIMIT,
	.bootstrap = pae_bootstrap,
	.table = pae_table,
	.table_direct = x86_table_direct,
	.table_changed = pae_table_changed,
	.root_create = pae_root_create,
	.root_release = pae_root_release,
	.paging = pae_paging,
	.cpu_init = pae_cpu_init,
	.activate = pae_activate,
	.deactivate = pae_deactivate,
	.tlb_invalidate = x86_tlb_invalidate,
	.tlb_flush = x86_tlb_flush,
	.zero_page = x86_zero_page,
	.copy_page = x86_copy_page,
	.table_page = x86_table_page,
	.reserved_range = pae_reserved_range,
	.check = pae_check,
};
