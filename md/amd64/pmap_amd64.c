/*
 * amd64 backend: 4-level paging (Intel SDM vol. 3A, 4.5), 48-bit virtual
 * and up to 52-bit physical addresses, 1 GiB and 2 MiB pages, NX, global
 * kernel pages, PCIDs.
 *
 * Tables.  Every page table is reached through the direct map of all RAM
 * at KERNBASE (pmap_md.h): no recursive slot and no windows, so a table
 * pointer is its physical address plus a constant.  The direct map is made
 * at bootstrap of the largest pages the CPU has (1 GiB where CPUID says so,
 * else 2 MiB), read/write, non-executable and global; the 2 MiB regions
 * holding kernel text are 4 KiB pages instead, text read-only and
 * executable.  Until the kernel root is loaded the tables are written
 * through the boot map, which is the direct map's first GiB.
 *
 * Kernel space.  The kernel owns PML4 slots 256 (the direct map) and 511
 * (VM_MIN_KERNEL_VA..VM_MAX_KERNEL_VA): both hold a PDPT from bootstrap on
 * and never change, so a user PML4 copies them once at creation and kernel
 * growth (below the PDPTs) is seen by every pmap at once.
 *
 * PCIDs (CR4.PCIDE, SDM 4.10.1).  With them, each pmap has a 12-bit tag per
 * CPU from mi/'s allocator (pmap_asid; the kernel pmap's is 0), and an
 * address-space switch loads CR3 with the no-flush bit: the new tag's
 * translations survive, so a pmap that comes back finds its TLB entries.
 * Correctness rests on three rules: a tag's entries are never used after
 * its pmap changed while not live on that CPU (mi/ forgets the tag there,
 * tlb_forget); a new generation of tags flushes the non-global entries of
 * every tag (tlb_flush(false): INVPCID type 3, else a CR4.PGE toggle,
 * since a CR3 load flushes only the tag it loads); and kernel entries are
 * global, so invlpg (this tag and all global entries) reaches them from any
 * tag.  A CPU without PCID, or with global pages off, runs without tags and
 * every CR3 load flushes (QEMU 7.2's TCG has no PCID: the guest says so).
 *
 * Paging-structure caches (SDM 4.10.3) hold upper entries, tagged by PCID.
 * When a user table is unhooked, invlpg drops this CPU's for the live tag,
 * the other CPUs where the pmap is live do at the next update, and mi/
 * forgets the tag on the rest.  When a kernel entry above the leaves goes
 * (a table freed, a large leaf demoted), every tag may cache it: with PCIDs
 * that is a flush of all non-global entries on every CPU.
 */

#include <pmap/pmap_kern.h>
#include <pmap/pmap_md_ops.h>
#include <pte.h>
#include <cpufunc.h>

#include "../x86/pmap_x86.h"

#define NPTE		512u
#define KPML4_DMAP	256u		/* the direct map's PML4 slot */
#define KPML4_KVA	511u		/* kernel virtual space's */
#define PML4_SLOT(va)	((unsigned)(((va) >> 39) & (NPTE - 1)))
#ifdef CONFIG_AMD64_LA57
#define ROOT_SHIFT	48		/* the PML5 */
#else
#define ROOT_SHIFT	39		/* the PML4 */
#endif
#define ROOT_SLOT(va)	((unsigned)(((va) >> ROOT_SHIFT) & (NPTE - 1)))
#define ROOT_KERNEL	(NPTE / 2)	/* the root's upper half is the kernel's */

_Static_assert(PML4_SLOT(KERNBASE) == KPML4_DMAP && PML4_SLOT(VM_MIN_KERNEL_VA) == KPML4_KVA &&
    PML4_SLOT(VM_MAX_KERNEL_VA - 1) == KPML4_KVA && PMAP_DIRECT_MAX <= (1ull << 39) &&
    ROOT_SLOT(VM_MIN_KERNEL_VA) == ROOT_SLOT(VM_MAX_KERNEL_VA - 1) &&
    ROOT_SLOT(KERNBASE) >= ROOT_KERNEL,
    "the kernel's parts of the layout are the PML4 slots this file names");

/* The level count is this table's: LA57 is one more row on top. */
struct pmap_level pmap_md_levels[PMAP_MD_NLEVELS] = {
	/* root first: PML5 (48, 512) with LA57, PML4 (39, 512) */
#ifdef CONFIG_AMD64_LA57
	PMAP_LEVEL(PMAP_LEAF_LEVEL - 4, false),
#endif
	PMAP_LEVEL(PMAP_LEAF_LEVEL - 3, false),
	PMAP_LEVEL(PMAP_LEAF_LEVEL - 2, true),	/* PDPT (30): 1 GiB leaves (CPUID.80000001H:EDX[26]) */
	PMAP_LEVEL(PMAP_LEAF_LEVEL - 1, true),	/* page directory (21): 2 MiB leaves */
	PMAP_LEVEL(PMAP_LEAF_LEVEL, true),	/* page table (12) */
};

pt_entry_t pmap_amd64_pg_g;
pt_entry_t pmap_amd64_pg_nx;
static bool amd64_pcid;			/* CR4.PCIDE on: pmaps carry tags */
static bool amd64_invpcid;		/* and INVPCID exists */
static struct pmap *amd64_kpm;
static struct pmap *amd64_curs[PMAP_MAXCPUS];	/* pmap whose root is in CR3, per CPU */
#define amd64_cur	(amd64_curs[pmap_kern_cpu_index()])


/* A table through the direct map (the boot map, before the kernel root is loaded). */
static pt_entry_t *
amd64_kva(paddr_t pa)
{
	return x86_kva(PMAP_DIRECT_VA(pa));
}

static pt_entry_t *
amd64_table(struct pmap *pm, int level, vaddr_t va, pt_entry_t parent)
{
	(void)va;
	if (level == 0)
		return amd64_kva(pm->pm_md.pm_pml4pa);
	return amd64_kva(pte_pa(parent, level - 1));
}

/* ------------------------------------------------------------ bootstrap */

/* A zeroed page for a kernel table, reached through the boot map. */
static paddr_t
amd64_boot_page(void)
{
	paddr_t pa = pmap_md_boot_table();

	memset(amd64_kva(pa), 0, PAGE_SIZE);
	return pa;
}


static void
amd64_cpu_features(void)
{
	uint32_t id[4], ext[4], l7[4] = { 0 };

	x86_cpuid(0, id);
	unsigned max = id[0];
	x86_cpuid(1, id);
	if (max >= 7)
		x86_cpuid(7, l7);
	x86_cpuid(0x80000001u, ext);
	if (!(ext[3] & CPUID_EXT_EDX_NX))
		pmap_kern_panic("amd64_bootstrap: the CPU lacks NX (CPUID.80000001H:EDX %#x)",
		    ext[3]);
	x86_wrmsr(MSR_EFER, x86_rdmsr(MSR_EFER) | EFER_NXE);
	pmap_amd64_pg_nx = PG_NX;
#ifdef CONFIG_PMAP_PGE
	pmap_amd64_pg_g = (id[3] & CPUID_1_EDX_PGE) ? PG_G : 0;
#endif
#ifdef CONFIG_PMAP_PSE
	pmap_md_levels[AMD64_LEVEL_PDPT].pl_leaf_ok = (ext[3] & CPUID_EXT_EDX_PAGE1GB) != 0;
#else
	pmap_md_levels[AMD64_LEVEL_PDPT].pl_leaf_ok = false;
	pmap_md_levels[AMD64_LEVEL_PD].pl_leaf_ok = false;
#endif
#ifdef CONFIG_AMD64_LA57
	bool la57 = true;
#else
	bool la57 = false;
#endif
	if (!(x86_rcr4() & CR4_LA57) != !la57)
		pmap_kern_panic("amd64_bootstrap: CR4.LA57 is %s, the build is for %d-level paging "
		    "(the entry code sets it, from md/amd64/boot_paging.h)",
		    (x86_rcr4() & CR4_LA57) ? "set" : "clear", PMAP_MD_NLEVELS);
#ifdef CONFIG_AMD64_PCID
	/* Tags need global kernel pages: invlpg must reach a kernel entry from any tag. */
	amd64_pcid = (id[2] & CPUID_1_ECX_PCID) && pmap_amd64_pg_g;
	amd64_invpcid = amd64_pcid && (l7[1] & CPUID_7_EBX_INVPCID);
#endif
}

static void
amd64_bootstrap(struct pmap *kpm, const struct pmap_bootstrap_args *a)
{
	paddr_t end = a->direct_end < PMAP_DIRECT_END ? a->direct_end : PMAP_DIRECT_END;

	amd64_kpm = kpm;
	amd64_cpu_features();
	paddr_t root = amd64_boot_page(), pml4 = root;
	for (int l = 0; l < AMD64_LEVEL_PML4; l++) {		/* LA57: the PML5 entry 511 */
		paddr_t next = amd64_boot_page();
		pmap_md_boot_link(pml4, l, (unsigned)((KERNBASE >> pmap_md_levels[l].pl_shift) &
		    (NPTE - 1)), next);
		pml4 = next;
	}
	paddr_t dmap = amd64_boot_page();
	pmap_md_boot_direct(dmap, 0, PMAP_RAM_BASE, end, AMD64_LEVEL_PDPT, a);
	pmap_md_boot_link(pml4, AMD64_LEVEL_PML4, KPML4_DMAP, dmap);
	pmap_md_boot_link(pml4, AMD64_LEVEL_PML4, KPML4_KVA, amd64_boot_page());
	kpm->pm_md.pm_pml4pa = root;
	x86_reg_t cr4 = x86_rcr4();
	if (pmap_amd64_pg_g)
		cr4 |= CR4_PGE;
	x86_lcr4(cr4);
	x86_lcr0(x86_rcr0() | CR0_WP);
	x86_lcr3(root);				/* PCID 0 */
	if (amd64_pcid)
		x86_lcr4(x86_rcr4() | CR4_PCIDE);	/* CR3[11:0] is 0 here */
	for (unsigned c = 0; c < PMAP_MAXCPUS; c++)	/* every CPU starts on this root */
		amd64_curs[c] = kpm;
}

/* ------------------------------------------------------------- the TLB */

/*
 * Everything (global) or every non-global entry of every tag.  A CR4.PGE
 * toggle flushes all of it for all tags (SDM 4.10.4.1); a CR3 load only its
 * own tag's (x86_tlb_flush's other way), so with tags it serves only when
 * there are none.  Single pages: x86_tlb_invalidate's invlpg drops this
 * CPU's tag's entries and global ones of every tag.
 */
static void
amd64_tlb_flush(bool global)
{
	if (amd64_invpcid)
		x86_invpcid(global ? INVPCID_ALL_GLOBAL : INVPCID_ALL, 0, 0);
	else if (amd64_pcid)
		x86_tlb_flush(true);	/* CR4.PGE toggle: every tag */
	else
		x86_tlb_flush(global);
}

/* pm is not live on cpu: its tag there is never used again (mi/pmap_asid.c). */
static void
amd64_tlb_forget(struct pmap *pm, unsigned cpu)
{
	pmap_asid_forget(pm, cpu);
}

/* ------------------------------------------------------ address spaces */

/*
 * An entry above the leaves changed.  The kernel's PML4 never does.  A
 * cleared user entry: this CPU's paging-structure caches for the live tag
 * go with an invlpg (SDM 4.10.4.1), pm's other live CPUs' at the next
 * update.  A cleared kernel entry may be cached under every tag: with tags,
 * all non-global entries go everywhere; without, invlpg does it.
 */
static void
amd64_table_changed(struct pmap *pm, int level, vaddr_t va, bool installed)
{
	if (pm == amd64_kpm && level <= AMD64_LEVEL_PML4)
		pmap_kern_panic("amd64_table_changed: kernel level-%d entry for va %#" PMAP_PRIxVADDR
		    " changed (PML4 slots %u and %u are made at bootstrap)", level, va, KPML4_DMAP,
		    KPML4_KVA);
	if (installed)
		return;
	if (pm == amd64_kpm && amd64_pcid) {
		amd64_tlb_flush(false);
		pmap_md_tlb_sync(pm, va, true, false);
		return;
	}
	if (pm == amd64_kpm || pm == amd64_cur)
		x86_invlpg(va);
	pmap_md_tlb_sync(pm, va, false, false);
}

static int
amd64_root_create(struct pmap *pm)
{
	paddr_t pa;

	if (pmap_kern_page_alloc(&pa) != 0)
		return ENOMEM;
	pt_entry_t *k = amd64_kva(amd64_kpm->pm_md.pm_pml4pa), *u = amd64_kva(pa);
	memset(u, 0, ROOT_KERNEL * sizeof(pt_entry_t));
	for (unsigned i = ROOT_KERNEL; i < NPTE; i++)
		pte_store(&u[i], pte_load(&k[i]));
	pm->pm_md.pm_pml4pa = pa;
	pmap_md_count_table(false);
	return 0;
}

static void
amd64_root_release(struct pmap *pm)
{
	/* Table pages go back all zero, like every table the pmap frees. */
	pt_entry_t *u = amd64_kva(pm->pm_md.pm_pml4pa);
	for (unsigned i = ROOT_KERNEL; i < NPTE; i++)
		pte_store(&u[i], 0);
	pmap_kern_page_free(pm->pm_md.pm_pml4pa);
	pmap_md_uncount_table();
}

static void
amd64_paging(struct pmap_paging *p)
{
	*p = (struct pmap_paging){ .cr3 = amd64_kpm->pm_md.pm_pml4pa,
	    .cr0_set = CR0_PE | CR0_PG | CR0_WP,
	    .cr4_set = CR4_PAE | (pmap_amd64_pg_g ? CR4_PGE : 0) | (amd64_pcid ? CR4_PCIDE : 0) |
		(x86_rcr4() & CR4_LA57),
	    .efer_set = EFER_NXE };
}

static void
amd64_cpu_init(void)
{
	struct pmap_paging p;

	amd64_paging(&p);
	x86_cpu_init(&p);
	amd64_cur = amd64_kpm;
}

/*
 * With tags, the switch keeps the new tag's entries (CR3 bit 63): they were
 * made by this pmap in this generation, and mi/ forgot the tag had any of
 * them gone stale meanwhile.  pmap_asid may start a new generation first.
 * Without PCIDs the tag is still taken, so that mi/'s bookkeeping (a CPU
 * where a pmap is not live forgets it instead of taking an IPI, which a
 * flushing CR3 load makes right too) runs the same, but CR3 carries none.
 */
static void
amd64_activate(struct pmap *pm)
{
	x86_reg_t cr3 = pm->pm_md.pm_pml4pa, tag = pmap_asid(pm);

	if (amd64_pcid)
		cr3 |= tag | CR3_NOFLUSH;
	x86_lcr3(cr3);
	amd64_cur = pm;
}

static void
amd64_deactivate(struct pmap *pm)
{
	(void)pm;
	amd64_activate(amd64_kpm);
}

static void
amd64_zero_page(paddr_t pa)
{
	memset(amd64_kva(pa), 0, PAGE_SIZE);
}

static void
amd64_copy_page(paddr_t src, paddr_t dst)
{
	memcpy(amd64_kva(dst), amd64_kva(src), PAGE_SIZE);
}

static pt_entry_t *
amd64_table_page(paddr_t pa)
{
	return amd64_kva(pa);
}

/*
 * The direct map, the unused kernel slots (LA57: PML5 slots 256-510 too)
 * and the top 2 GiB belong to the pmap: kernel ranges lie in
 * [VM_MIN_KERNEL_VA, VM_MAX_KERNEL_VA).
 */
static bool
amd64_reserved_range(vaddr_t sva, vaddr_t eva)
{
	return eva - 1 >= VM_MAX_KERNEL_VA || sva < VM_MIN_KERNEL_VA;
}

/*
 * Every root: the kernel's half, as made at bootstrap (the MMU may have set
 * A in a user copy), supervisor-only; the kernel root's user half empty;
 * the controls as bootstrap set them.
 */
static int
amd64_check(struct pmap *pm, void (*print)(const char *, ...))
{
	pt_entry_t *k = amd64_kva(amd64_kpm->pm_md.pm_pml4pa), *r = amd64_kva(pm->pm_md.pm_pml4pa);
	int errs = 0;

	for (unsigned i = 0; i < NPTE; i++) {
		pt_entry_t ke = pte_load(&k[i]), e = pte_load(&r[i]);
		bool kslot = i == ROOT_SLOT(KERNBASE) || i == ROOT_SLOT(VM_MIN_KERNEL_VA);
		if (i >= ROOT_KERNEL && ((e ^ ke) & ~PG_A) != 0) {
			print("amd64_check: pmap %p root slot %u is %#llx, the kernel's %#llx\n",
			    (void *)pm, i, (unsigned long long)e, (unsigned long long)ke);
			errs++;
		}
		if ((i < ROOT_KERNEL && pm == amd64_kpm && pte_valid_p(e)) ||
		    (i >= ROOT_KERNEL && (pte_valid_p(ke) != kslot || pte_user_p(ke)))) {
			print("amd64_check: kernel root slot %u is %#llx\n", i, (unsigned long long)ke);
			errs++;
		}
	}
	x86_reg_t cr4 = x86_rcr4();
	if (!(x86_rdmsr(MSR_EFER) & EFER_NXE) || !pmap_amd64_pg_g != !(cr4 & CR4_PGE) ||
	    !amd64_pcid != !(cr4 & CR4_PCIDE) || !(cr4 & CR4_LA57) != (PMAP_MD_NLEVELS == 4)) {
		print("amd64_check: EFER.NXE, CR4.PGE, CR4.PCIDE or CR4.LA57 not as set at "
		    "bootstrap (cr4 %#llx)\n", (unsigned long long)cr4);
		errs++;
	}
	return errs;
}

const struct pmap_md_ops pmap_md_ops = {
	.name = PMAP_MD_NAME,
	.caps = PMAP_CAP_LARGE | PMAP_CAP_GLOBAL | PMAP_CAP_NX | PMAP_CAP_NOCACHE | PMAP_CAP_ASID,
	.pa_bits = PMAP_PA_BITS,
	.cpu_pa_bits = x86_cpu_pa_bits,
	.asid_bits = 12,
	.ptp_limit = 0,
	.bootstrap = amd64_bootstrap,
	.table = amd64_table,
	.table_changed = amd64_table_changed,
	.root_create = amd64_root_create,
	.root_release = amd64_root_release,
	.paging = amd64_paging,
	.cpu_init = amd64_cpu_init,
	.activate = amd64_activate,
	.deactivate = amd64_deactivate,
	.tlb_invalidate = x86_tlb_invalidate,
	.tlb_flush = amd64_tlb_flush,
	.tlb_forget = amd64_tlb_forget,
	.zero_page = amd64_zero_page,
	.copy_page = amd64_copy_page,
	.table_page = amd64_table_page,
	.reserved_range = amd64_reserved_range,
	.check = amd64_check,
};
