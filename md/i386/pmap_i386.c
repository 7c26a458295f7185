/*
 * i386 backend: 2-level paging with 4-byte entries (Intel SDM vol. 3A, 4.3).
 *
 * Reaching page tables.  PDE slot PDIR_SLOT_PTE of every page directory
 * points at that directory itself, so the live address space's page tables
 * appear at PTE_BASE (4 MiB, "PTmap", Plan 9's VPT) and its directory at
 * PDP_BASE.  The entry is supervisor-only: user code cannot read its own
 * page tables.  Tables of a pmap that is not live (and the kernel directory
 * while a user pmap is live) are edited through per-CPU windows: PTEs in
 * the page table of slot PDIR_SLOT_WIN, one window per walk level plus two
 * for zero/copy, remapped with invlpg only when they must point elsewhere.
 *
 * Kernel space.  Slots 768 and up are the kernel's and are copied into each
 * user directory at pmap_create; a kernel PDE change (growkernel, large
 * mappings) is pushed into every user directory (table_changed).  Kernel
 * page tables are never freed.  RAM below PMAP_DIRECT_MAX is direct-mapped
 * at KERNBASE with 4 MiB PSE pages (SDM 4.3, Table 4-4) when the CPU and
 * Kconfig allow, global (PGE) likewise.  CR0.WP makes read-only pages
 * read-only for the kernel too.
 *
 * The recursive PDE means a PDE change also changes what PTE_BASE + slot *
 * PAGE_SIZE translates to: clearing a PDE invalidates that address at once,
 * or a later access through PTmap could use the old table.
 */

#include <pmap/pmap_kern.h>
#include <pmap/pmap_md_ops.h>
#include <pte.h>
#include <cpufunc.h>

#define PDIR_SLOT_PTE		1022u		/* recursive PDE */
#define PDIR_SLOT_WIN		1023u		/* window page table */
#define PTE_BASE		(PDIR_SLOT_PTE << 22)
#define PDP_BASE		(PTE_BASE + (PDIR_SLOT_PTE << PAGE_SHIFT))
#define WIN_BASE		(PDIR_SLOT_WIN << 22)
#define PMAP_NWINDOWS		4		/* per CPU: PD, PT, zero/copy src, dst */
#define KERN_SLOT_FIRST	(KERNBASE >> 22)
#define NPDE		1024u
#define WIN_PD		0	/* windows; 0 and 1 follow the walk levels */
#define WIN_PT		1
#define X86_WIN_SRC	2
#define X86_WIN_DST	3
#define WIN_SRC		X86_WIN_SRC
#define PMAP_KPTE_VA(va)	(PTE_BASE + ((va) >> PAGE_SHIFT) * sizeof(pt_entry_t))

#include "../x86/pmap_x86.h"

struct pmap_level pmap_md_levels[PMAP_MD_NLEVELS] = {
	PMAP_LEVEL(0, true),	/* page directory (22, 1024): 4 MiB leaves with PSE */
	PMAP_LEVEL(1, true),	/* page table (12, 1024) */
};

pt_entry_t pmap_i386_pg_g;
static struct pmap *i386_kpm;
static struct pmap *i386_curs[PMAP_MAXCPUS];	/* pmap whose directory is in CR3, per CPU */
#define i386_cur	(i386_curs[pmap_kern_cpu_index()])

static pt_entry_t *
i386_pdir(struct pmap *pm, int w)
{
	if (pm == i386_cur)
		return x86_kva(PDP_BASE);
	return x86_window(w, pm->pm_md.pm_pdirpa);
}

static pt_entry_t *
i386_table(struct pmap *pm, int level, vaddr_t va, pt_entry_t parent)
{
	if (level == 0)
		return i386_pdir(pm, WIN_PD);
	if (pm == i386_cur || pm == i386_kpm)
		return x86_kva(PTE_BASE + ((va >> 22) << PAGE_SHIFT));
	return x86_window(WIN_PT, pte_pa(parent, 0));
}

/* ------------------------------------------------------------ bootstrap */

/* A zeroed page for a kernel table, reached through the boot map. */
static paddr_t
i386_boot_page(void)
{
	paddr_t pa = pmap_md_boot_table();

	memset(x86_kva(PMAP_DIRECT_VA(pa)), 0, PAGE_SIZE);
	return pa;
}

/* Direct-map [pa, end) for one PDE slot with 4 KiB pages. */
static void
i386_boot_small(pt_entry_t *pd, paddr_t pa, paddr_t end)
{
	paddr_t ptpa = i386_boot_page();
	pt_entry_t *pt = x86_kva(PMAP_DIRECT_VA(ptpa));
	unsigned n = 0;

	for (; pa < end && (n == 0 || (pa & ((1u << 22) - 1)) != 0); pa += PAGE_SIZE, n++)
		pt[(pa >> PAGE_SHIFT) & (NPDE - 1)] =
		    pte_make(pa, VM_PROT_READ | VM_PROT_WRITE, PMAP_MK_GLOBAL | PMAP_MK_WIRED, 1);
	pd[PMAP_DIRECT_VA(pa - PAGE_SIZE) >> 22] = pte_make_table(ptpa, false, 0);
	pmap_md_boot_account(ptpa, 1, n, n);
}

/*
 * Kernel text stays writable here: without NX the text protection would
 * need the image in 4 KiB pages, and this backend keeps the direct map in
 * 4 MiB pages.  (i386-pae maps text read-only and data non-executable.)
 */
static void
i386_bootstrap(struct pmap *kpm, const struct pmap_bootstrap_args *args)
{
	uint32_t id[4], cr4;
	paddr_t end = args->direct_end < PMAP_DIRECT_MAX ? args->direct_end : PMAP_DIRECT_MAX;

	x86_cpuid(1, id);
#ifdef CONFIG_PMAP_PSE
	pmap_md_levels[0].pl_leaf_ok = (id[3] & CPUID_1_EDX_PSE) != 0;
#else
	pmap_md_levels[0].pl_leaf_ok = false;
#endif
#ifdef CONFIG_PMAP_PGE
	pmap_i386_pg_g = (id[3] & CPUID_1_EDX_PGE) ? PG_G : 0;
#endif
	i386_kpm = kpm;
	paddr_t pdpa = i386_boot_page();
	pt_entry_t *pd = x86_kva(PMAP_DIRECT_VA(pdpa));
	for (paddr_t pa = 0; pa < end;) {
		if (pmap_md_levels[0].pl_leaf_ok && end - pa >= (1u << 22)) {
			pd[PMAP_DIRECT_VA(pa) >> 22] = pte_make(pa, VM_PROT_READ | VM_PROT_WRITE,
			    PMAP_MK_GLOBAL | PMAP_MK_WIRED, 0);
			pmap_md_boot_account(pdpa, 0, 1, 1);
			pa += 1u << 22;
		} else {
			paddr_t next = (pa | ((1u << 22) - 1)) + 1;
			i386_boot_small(pd, pa, next < end ? next : end);
			pa = next;
		}
	}
	pd[PDIR_SLOT_WIN] = pte_make_table(i386_boot_page(), false, 0);
	pd[PDIR_SLOT_PTE] = pte_make_table(pdpa, false, 0);
	kpm->pm_md.pm_pdirpa = pdpa;

	cr4 = x86_rcr4();
	if (pmap_md_levels[0].pl_leaf_ok)
		cr4 |= CR4_PSE;
	if (pmap_i386_pg_g)
		cr4 |= CR4_PGE;
	x86_lcr4(cr4);
	x86_lcr0(x86_rcr0() | CR0_WP);
	x86_lcr3(pdpa);
	for (unsigned c = 0; c < PMAP_MAXCPUS; c++)	/* every CPU starts on this root */
		i386_curs[c] = kpm;
}

/* ------------------------------------------------------ address spaces */

/* Push kernel PDE `slot` into every user directory. */
static void
i386_sync_kernel_pde(unsigned slot)
{
	pt_entry_t pde = pte_load(&i386_pdir(i386_kpm, WIN_PD)[slot]);

	for (struct pmap *pm = pmap_md_user_next(NULL); pm != NULL; pm = pmap_md_user_next(pm))
		pte_store(&x86_window(WIN_SRC, pm->pm_md.pm_pdirpa)[slot], pde);
}

static void
i386_table_changed(struct pmap *pm, int level, vaddr_t va, bool installed)
{
	unsigned slot = va >> 22;

	if (level != 0)
		pmap_kern_panic("i386_table_changed: level %d has no tables below", level);
	/*
	 * The PTmap alias of a cleared table: gone here now, and on pm's other
	 * CPUs before this pmap call returns (the pmap walks PTmap itself).
	 */
	if (!installed) {
		x86_invlpg(PTE_BASE + (slot << PAGE_SHIFT));
		pmap_md_tlb_sync(pm, PTE_BASE + (slot << PAGE_SHIFT), false, true);
	}
	if (pm == i386_kpm)
		i386_sync_kernel_pde(slot);
}

static int
i386_root_create(struct pmap *pm)
{
	paddr_t pa;

	if (pmap_kern_page_alloc(&pa) != 0)
		return ENOMEM;
	pt_entry_t *kpd = i386_pdir(i386_kpm, WIN_PD);
	pt_entry_t *pd = x86_window(WIN_SRC, pa);
	memset(pd, 0, KERN_SLOT_FIRST * sizeof(pt_entry_t));
	memcpy(&pd[KERN_SLOT_FIRST], &kpd[KERN_SLOT_FIRST],
	    (NPDE - KERN_SLOT_FIRST) * sizeof(pt_entry_t));
	pd[PDIR_SLOT_PTE] = pte_make_table(pa, false, 0);
	pm->pm_md.pm_pdirpa = pa;
	pmap_md_count_table(false);
	return 0;
}

static void
i386_root_release(struct pmap *pm)
{
	pmap_kern_page_free(pm->pm_md.pm_pdirpa);
	pmap_md_uncount_table();
}

/* Loading CR3 drops every non-global translation (SDM 4.10.4.1). */
static void
i386_paging(struct pmap_paging *p)
{
	*p = (struct pmap_paging){ .cr3 = i386_kpm->pm_md.pm_pdirpa,
	    .cr0_set = CR0_PE | CR0_PG | CR0_WP,
	    .cr4_set = (pmap_md_levels[0].pl_leaf_ok ? CR4_PSE : 0) |
	    (pmap_i386_pg_g ? CR4_PGE : 0) };
}

static void
i386_cpu_init(void)
{
	struct pmap_paging p;

	i386_paging(&p);
	x86_cpu_init(&p);
	i386_cur = i386_kpm;
}

static void
i386_activate(struct pmap *pm)
{
	x86_lcr3(pm->pm_md.pm_pdirpa);
	i386_cur = pm;
}

static void
i386_deactivate(struct pmap *pm)
{
	(void)pm;
	i386_activate(i386_kpm);
}

/* The direct map, PTmap and the windows belong to the pmap itself. */
static bool
i386_reserved_range(vaddr_t sva, vaddr_t eva)
{
	return eva - 1 >= VM_MAX_KERNEL_VA || (sva < VM_MIN_KERNEL_VA && eva > KERNBASE);
}

/*
 * Every directory: the self-map points at itself, supervisor-only; kernel
 * slots equal the kernel directory's (the MMU's A bit aside) and are
 * supervisor-only; the window table's entries are supervisor-only; CR4.PGE
 * is on exactly when PTEs carry the global bit.
 */
static int
i386_check(struct pmap *pm, void (*print)(const char *, ...))
{
	/* The two directories through two windows (not a 4 KiB copy on the stack). */
	pt_entry_t *kpde = i386_pdir(i386_kpm, X86_WIN_DST), *pd = i386_pdir(pm, WIN_PD);
	int errs = 0;

	if ((pte_load(&pd[PDIR_SLOT_PTE]) & ~(pt_entry_t)(PG_A | PG_D)) !=
	    pte_make_table(pm->pm_md.pm_pdirpa, false, 0)) {
		print("i386_check: pmap %p self-map PDE %#x, directory at %#x\n",
		    (void *)pm, (unsigned)pd[PDIR_SLOT_PTE], (unsigned)pm->pm_md.pm_pdirpa);
		errs++;
	}
	for (unsigned slot = KERN_SLOT_FIRST; slot < NPDE; slot++) {
		pt_entry_t e = pte_load(&pd[slot]);
		pt_entry_t k = pte_load(&kpde[slot]);
		if (slot != PDIR_SLOT_PTE && ((e ^ k) & ~(pt_entry_t)(PG_A | PG_D))) {
			print("i386_check: pmap %p kernel PDE %u is %#x, kernel has %#x\n",
			    (void *)pm, slot, (unsigned)e, (unsigned)k);
			errs++;
		}
		if (e & PG_U) {
			print("i386_check: pmap %p kernel PDE %u user-accessible (%#x)\n",
			    (void *)pm, slot, (unsigned)e);
			errs++;
		}
	}
	if (!pmap_i386_pg_g != !(x86_rcr4() & CR4_PGE)) {
		print("i386_check: global PTEs %s but CR4.PGE is %s\n",
		    pmap_i386_pg_g ? "in use" : "unused", (x86_rcr4() & CR4_PGE) ? "on" : "off");
		errs++;
	}
	return errs + x86_check_windows(print);
}

const struct pmap_md_ops pmap_md_ops = {
	.name = PMAP_MD_NAME,
	.caps = PMAP_CAP_LARGE | PMAP_CAP_GLOBAL | PMAP_CAP_NOCACHE,
	.pa_bits = PMAP_PA_BITS,
	.cpu_pa_bits = x86_cpu_pa_bits,
	.asid_bits = 0,
	.ptp_limit = PMAP_DIRECT_END,	/* tables in the direct map: table_direct */
	.bootstrap = i386_bootstrap,
	.table = i386_table,
	.table_direct = x86_table_direct,
	.table_changed = i386_table_changed,
	.root_create = i386_root_create,
	.root_release = i386_root_release,
	.paging = i386_paging,
	.cpu_init = i386_cpu_init,
	.activate = i386_activate,
	.deactivate = i386_deactivate,
	.tlb_invalidate = x86_tlb_invalidate,
	.tlb_flush = x86_tlb_flush,
	.zero_page = x86_zero_page,
	.copy_page = x86_copy_page,
	.table_page = x86_table_page,
	.reserved_range = i386_reserved_range,
	.check = i386_check,
};
