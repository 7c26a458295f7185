/*
 * Pmap pieces the RISC-V backends share, included by exactly one backend
 * file per build (pmap_<backend>.c), as md/x86/pmap_x86.h is for x86: the
 * bootstrap's table pages, the push of kernel root entries into every user
 * root (mi/'s list of user pmaps, pmap_md_user_next), root creation and
 * release, a starting hart, the TLB operations, and the check of every
 * root's kernel half.  Before
 * including it the backend defines RV_ROOT_NPTE (entries in a root),
 * RV_ROOT_KERNEL (the first kernel slot), RV_SATP_ASID(satp) (the ASID
 * field of a satp value), rv_direct(pa) (a table through the direct map)
 * and rv_satp(root, asid) (the satp value for a root and an ASID); it sets
 * rv_kpm at bootstrap.
 */
#ifndef MD_RISCV_PMAP_RISCV_H
#define MD_RISCV_PMAP_RISCV_H

#include <pte.h>
#include <cpufunc.h>

static struct pmap *rv_kpm;		/* the kernel pmap */

/* A zeroed page for a kernel table at bootstrap, reached through the boot map. */
static paddr_t
rv_boot_page(void)
{
	paddr_t pa = pmap_md_boot_table();

	memset(rv_direct(pa), 0, PAGE_SIZE);
	return pa;
}

/* Push kernel root entry `slot` into every user root. */
static void
rv_sync_kernel_entry(unsigned slot)
{
	pt_entry_t e = pte_load(&rv_direct(rv_kpm->pm_md.pm_rootpa)[slot]);

	for (struct pmap *pm = pmap_md_user_next(NULL); pm != NULL; pm = pmap_md_user_next(pm))
		pte_store(&rv_direct(pm->pm_md.pm_rootpa)[slot], e);
}

/* A root inside the direct map, its kernel half the kernel root's. */
static int
rv_root_create(struct pmap *pm)
{
	paddr_t pa;

	if (pmap_kern_page_alloc_below(PMAP_DIRECT_END, &pa) != 0)
		return ENOMEM;
	pt_entry_t *root = rv_direct(pa), *kroot = rv_direct(rv_kpm->pm_md.pm_rootpa);
	memset(root, 0, RV_ROOT_KERNEL * sizeof(pt_entry_t));
	for (unsigned i = RV_ROOT_KERNEL; i < RV_ROOT_NPTE; i++)
		pte_store(&root[i], pte_load(&kroot[i]));
	pm->pm_md.pm_rootpa = pa;
	pmap_md_count_table(false);
	return 0;
}

static void
rv_root_release(struct pmap *pm)
{
	pt_entry_t *root = rv_direct(pm->pm_md.pm_rootpa);

	for (unsigned i = RV_ROOT_KERNEL; i < RV_ROOT_NPTE; i++)	/* tables go back all zero */
		pte_store(&root[i], 0);
	pmap_kern_page_free(pm->pm_md.pm_rootpa);
	pmap_md_uncount_table();
}

static void
rv_paging(struct pmap_paging *p)
{
	p->satp = rv_satp(rv_kpm->pm_md.pm_rootpa, 0);
}

/* A hart starts: the kernel root with ASID 0; nothing it cached before counts. */
static void
rv_cpu_init(void)
{
	struct pmap_paging p;

	rv_paging(&p);
	rv_write_satp(p.satp);
	rv_sfence_vma(0, 0, 1, 1);
}

/* pm is not live on cpu: its ASID there is never used again. */
static void
rv_tlb_forget(struct pmap *pm, unsigned cpu)
{
	pmap_asid_forget(pm, cpu);
}

/*
 * One page, this hart: a user page is the live space's (mi/ forgets a tag
 * where its pmap is not live), so sfence.vma va, asid with satp's ASID,
 * which keeps every other space's entries for va; a kernel page is global,
 * and only rs2 = x0 reaches global entries (spec 4.2.1).
 */
static void
rv_tlb_invalidate(vaddr_t va)
{
	if (va < VM_MAXUSER_ADDRESS)
		rv_sfence_vma(va, RV_SATP_ASID(rv_read_satp()), 0, 0);	/* the live ASID's */
	else
		rv_sfence_vma(va, 0, 0, 1);	/* every ASID's, global ones too */
}

/*
 * A batch of pages, this hart.  With Svinval (rv_svinval, set at bootstrap
 * from what the kernel reports), one sfence.w.inval orders every earlier
 * table store before the sinval.vma of each page, and one sfence.inval.ir
 * orders them all before any later walk: the fences once per batch rather
 * than sfence.vma's ordering per page.  Without it, sfence.vma per page.
 */
static bool rv_svinval;

static void
rv_tlb_invalidate_batch(const vaddr_t *va, unsigned n)
{
	if (!rv_svinval || n == 1) {
		for (unsigned i = 0; i < n; i++)
			rv_tlb_invalidate(va[i]);
		return;
	}
	uint32_t asid = RV_SATP_ASID(rv_read_satp());
	rv_sfence_w_inval();		/* the stores that changed the entries first */
	for (unsigned i = 0; i < n; i++) {
		if (va[i] < VM_MAXUSER_ADDRESS)
			rv_sinval_vma(va[i], asid, 0, 0);	/* the live ASID's */
		else
			rv_sinval_vma(va[i], 0, 0, 1);		/* global: rs2 = x0 */
	}
	rv_sfence_inval_ir();		/* before any walk that follows */
}

static void
rv_tlb_flush(bool global)
{
	(void)global;
	rv_sfence_vma(0, 0, 1, 1);	/* everything, global entries too */
}

/* Every root: the kernel half equals the kernel root's (A/D aside), none of it user. */
static int
rv_check(struct pmap *pm, void (*print)(const char *, ...))
{
	pt_entry_t *root = rv_direct(pm->pm_md.pm_rootpa), *kroot = rv_direct(rv_kpm->pm_md.pm_rootpa);
	int errs = 0;

	for (unsigned slot = RV_ROOT_KERNEL; slot < RV_ROOT_NPTE; slot++) {
		pt_entry_t e = pte_load(&root[slot]), k = pte_load(&kroot[slot]);
		if (((e ^ k) & ~(PG_A | PG_D)) != 0 || (e & PG_U)) {
			print("%s_check: pmap %p kernel root entry %u is %#llx, kernel has %#llx\n",
			    PMAP_MD_NAME, (void *)pm, slot, (unsigned long long)e,
			    (unsigned long long)k);
			errs++;
		}
	}
	return errs;
}

#endif /* MD_RISCV_PMAP_RISCV_H */
