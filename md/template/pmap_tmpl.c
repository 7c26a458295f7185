/*
 * TODO(port): the geometry and the ops vtable of this backend
 * (docs/PORTING.md step 4, "Layer 1: geometry as data" and "Layer 3: the
 * ops vtable").  Replace this paragraph with the short essay the other
 * backends open with: the MMU and the manual sections it follows, how
 * page tables are reached (recursive map, direct map, windows), what the
 * kernel part of every root is and how kernel changes reach user roots,
 * what the TLB caches beyond leaves and how it is invalidated.
 *
 * Rules every entry below obeys (docs/PORTING.md, "Multiprocessor"):
 *  - mi/ calls each op for a pmap with that pmap's lock held (two pmaps'
 *    ops may run at once on two CPUs), table_changed for the kernel pmap
 *    and root_create with the user-pmap list lock held too; tlb_invalidate
 *    and tlb_flush also run in a CPU's shootdown handler; so backend-global
 *    state must be per CPU or the kernel root entries (docs/PORTING.md,
 *    "Contract changes made for finer locking");
 *  - they run on the calling CPU: windows, "the live pmap" and TLB
 *    operations are that CPU's (pmap_kern_cpu_index());
 *  - none may sleep, call back into the pmap(9) API or allocate other than
 *    through pmap_kern_page_alloc(_below) and mi/'s services
 *    (pmap_md_boot_table, pmap_md_count_table, pmap_md_uncount_table,
 *    pmap_md_tlb_sync);
 *  - no frame may exceed 512 bytes (the library's -Wframe-larger-than);
 *  - on the host, memory the backend reaches through a virtual address
 *    (direct map, windows, self-map) goes through a hook the model
 *    translates (x86_kva, rv_kva), so the strict TLB checks those too.
 *
 * Each body below panics until it is written.  "Tests" names the cases
 * (tests/cases/) that fail first when the entry is wrong; most
 * cases also run pmap_check (T_CHECK_PMAP), which calls check().
 */

#include <pmap/pmap_kern.h>
#include <pmap/pmap_md_ops.h>
#include <pte.h>

/*
 * The levels, root first (struct pmap_level: pl_shift, pl_entries,
 * pl_leaf_ok).  An entry at level l covers 1 << pl_shift bytes; the leaf
 * level's shift is PAGE_SHIFT; pl_entries is a power of two; pl_leaf_ok
 * says a large leaf may sit there (bootstrap may clear it when the CPU
 * lacks the feature or CONFIG_PMAP_PSE is off).  Tests: t_range_across_tables,
 * t_large_kernel_mappings, t_sparse_huge_remove.
 * TODO: the placeholder is a 2-level tree of 1024 entries (i386, sv32).
 */
struct pmap_level pmap_md_levels[PMAP_MD_NLEVELS] = {
	PMAP_LEVEL(0, true),	/* TODO: root; may it hold a large leaf? */
	PMAP_LEVEL(1, true),	/* TODO: leaf table */
};

/* ------------------------------------------------------------ bootstrap */

/*
 * Build the kernel pmap and switch to it.  Called once, on the boot CPU,
 * running on the platform's boot map, before any other entry.  Must:
 * take each table page (the root included) with pmap_md_boot_table() and
 * zero it; direct-map [PMAP_RAM_BASE, args->direct_end) (as far as
 * PMAP_DIRECT_END allows) at PMAP_KERNBASE with global, wired kernel
 * leaves; map the kernel text [args->text_start, args->text_end) read-only
 * (and executable, the rest not, where the MMU can tell); set up what the
 * backend keeps for itself (windows, self-map); clear pl_leaf_ok where
 * large leaves cannot be used; fill kpm->pm_md; load the root and enable
 * what the kernel needs (every CPU's current root is now the kernel's).
 * Accounting: pmap_md_boot_direct and pmap_md_boot_link count what they
 * make; entries made otherwise go to pmap_md_boot_account (PORTING.md,
 * "Accounting that belongs to the backend"), never into mi/'s counts
 * directly.  Tests: every case; t_kernel_image_protection, and pmap_check
 * (T_CHECK_PMAP) compares the accounting.
 */
static void
tmpl_bootstrap(struct pmap *kpm, const struct pmap_bootstrap_args *args)
{
	(void)kpm, (void)args;
	pmap_kern_panic("md/template: tmpl_bootstrap: build the kernel root and direct map, "
	    "turn paging on (PORTING.md step 4)");
}

/* ------------------------------------------------------ address spaces */

/*
 * A pointer to the first entry of the level-`level` table of pm covering
 * va.  `parent` is the entry one level up that points at it (unused at
 * level 0).  Called for any pmap, live or not, the kernel's included.
 * The pointer must stay valid until the next call for the same level on
 * this CPU: mi/ keeps a level-l pointer while it asks for deeper levels
 * and calls zero_page and table_changed.  May remap a window, nothing
 * else.  Tests: t_enter_extract_remove, t_range_across_tables, t_copy_pmap.
 */
static pt_entry_t *
tmpl_table(struct pmap *pm, int level, vaddr_t va, pt_entry_t parent)
{
	(void)pm, (void)level, (void)va, (void)parent;
	pmap_kern_panic("md/template: tmpl_table: reach a table of any pmap "
	    "(PORTING.md step 4)");
}

/*
 * The entry at `level` (above the leaf level) for va was set (installed)
 * or cleared: a table pointer, or a large leaf (installed also when a
 * large leaf's protection changed; a demotion is a clear, then an
 * install).  For the kernel pmap, make the change visible in every user
 * root.  Whatever this CPU caches beyond leaf entries (a self-map alias of
 * the cleared table, root-level caches, non-leaf entries) drop here; hand
 * the other CPUs' part to pmap_md_tlb_sync(pm, va, all, urgent).  After
 * the next pmap_update no walk may use a cleared table: mi/ frees it then.
 * Tests: t_growkernel_visible_everywhere, t_ptp_freed_after_flush,
 * t_large_demotion, t_smp_sync_guarantee.
 */
static void
tmpl_table_changed(struct pmap *pm, int level, vaddr_t va, bool installed)
{
	(void)pm, (void)level, (void)va, (void)installed;
	pmap_kern_panic("md/template: tmpl_table_changed: propagate kernel entries, drop "
	    "cached non-leaf state (PORTING.md step 4)");
}

/*
 * A new user pmap: allocate (pmap_kern_page_alloc_below where the root
 * must lie low) and fill a root that shares the kernel part, fill
 * pm->pm_md, link it where kernel changes must reach it, and
 * pmap_md_count_table(false).  Return 0, or ENOMEM with nothing allocated
 * (pmap_create_canfail returns NULL).  Tests: t_create_canfail,
 * t_canfail_ptp, t_fault_injection_sweep, t_destroy_returns_ptps.
 */
static int
tmpl_root_create(struct pmap *pm)
{
	(void)pm;
	pmap_kern_panic("md/template: tmpl_root_create: allocate a user root sharing the "
	    "kernel part (PORTING.md step 4)");
}

/*
 * Free pm's root: called by the last pmap_destroy after pmap_update, when
 * pm is live on no CPU and maps nothing.  Unlink it, pmap_kern_page_free,
 * pmap_md_uncount_table().  Tests: t_destroy_returns_ptps, t_reference_counting.
 */
static void
tmpl_root_release(struct pmap *pm)
{
	(void)pm;
	pmap_kern_panic("md/template: tmpl_root_release: free a user root "
	    "(PORTING.md step 4)");
}

/*
 * Fill struct pmap_paging with what a starting CPU loads to run on the
 * kernel pmap with bootstrap's controls (pmap_paging; after pmap_init).
 * Tests: t_smp_* (through the platform's CPU start).
 */
static void
tmpl_paging(struct pmap_paging *p)
{
	(void)p;
	pmap_kern_panic("md/template: tmpl_paging: what a starting CPU loads "
	    "(PORTING.md step 4)");
}

/*
 * On a CPU that starts (never the boot CPU; pmap_cpu_init after
 * pmap_init): load the kernel root and the controls paging() describes,
 * drop whatever the CPU cached before, and record the kernel pmap as this
 * CPU's current root.  The host model starts CPUs on the boot map, so the
 * suite fails without it.  Tests: t_smp_shootdown_targets, every case with
 * cpus=4.
 */
static void
tmpl_cpu_init(void)
{
	pmap_kern_panic("md/template: tmpl_cpu_init: load the kernel root on a starting CPU "
	    "(PORTING.md step 4)");
}

/*
 * Make pm's root current on this CPU (for the kernel pmap: a root with no
 * user part) and record it.  Afterwards no translation of the previous
 * user pmap may be used, unless the backend claims PMAP_CAP_ASID (then
 * they stay, tagged: load the tag pmap_asid(pm) returns, mi/'s allocator
 * in mi/pmap_asid.c).  Tests: t_page_protect_three_pmaps, t_access_matrix,
 * t_tlb_model_catches_missing_invalidation.
 */
static void
tmpl_activate(struct pmap *pm)
{
	(void)pm;
	pmap_kern_panic("md/template: tmpl_activate: switch this CPU to pm's root "
	    "(PORTING.md step 4)");
}

/* Leave pm for the kernel's root on this CPU; the same guarantee as activate. */
static void
tmpl_deactivate(struct pmap *pm)
{
	(void)pm;
	pmap_kern_panic("md/template: tmpl_deactivate: switch this CPU back to the kernel "
	    "root (PORTING.md step 4)");
}

/* --------------------------------------------------------------- the TLB */

/*
 * On this CPU only, drop every translation of the page containing va
 * (every ASID; for a large leaf mi/ passes its base: the whole large
 * translation must go).  Also runs in the shootdown handler: no lock, no
 * allocation.  Tests: t_update_batching, t_tlb_model_catches_missing_invalidation,
 * the mutation check.
 */
static void
tmpl_tlb_invalidate(vaddr_t va)
{
	(void)va;
	pmap_kern_panic("md/template: tmpl_tlb_invalidate: drop one page's translations "
	    "(PORTING.md step 4)");
}

/*
 * On this CPU only, drop every non-global translation (of every ASID, with
 * ASIDs: mi/ calls it at a tag generation rollover), and the global ones
 * too if `global`.  Also runs in the shootdown handler.
 * Tests: t_global_full_flush, t_update_batching (past the ceiling).
 */
static void
tmpl_tlb_flush(bool global)
{
	(void)global;
	pmap_kern_panic("md/template: tmpl_tlb_flush: drop this CPU's translations "
	    "(PORTING.md step 4)");
}

/*
 * ASID backends only (set .tlb_forget = NULL and delete this without
 * ASIDs; mi/ calls it only under PMAP_CAP_ASID).  pm is not live on `cpu`
 * (never the caller) and one of its cached translations changed: whatever
 * cpu cached under pm's ASID must never be used again (forget the ASID:
 * pm's next activation there takes a fresh one; pmap_asid_forget(pm, cpu)
 * does mi/'s part).  Called instead of an IPI, with pm's lock held;
 * must not touch cpu's TLB.
 * Tests: t_smp_inactive_no_ipi, t_asid_rollover.
 */
static void
tmpl_tlb_forget(struct pmap *pm, unsigned cpu)
{
	(void)pm, (void)cpu;
	pmap_kern_panic("md/template: tmpl_tlb_forget: forget pm's ASID on another CPU "
	    "(PORTING.md step 4)");
}

/* ------------------------------------------------------ physical pages */

/*
 * Zero the page at pa, any RAM page up to pmap_pa_bits(), mapped or not
 * (a window, or the direct map when pa is in it).  mi/ zeroes every new
 * page table this way.  Tests: t_zero_copy_page, t_high_memory.
 */
static void
tmpl_zero_page(paddr_t pa)
{
	(void)pa;
	pmap_kern_panic("md/template: tmpl_zero_page: zero a page by physical address "
	    "(PORTING.md step 4)");
}

/* Copy the page at src to the page at dst, as zero_page reaches them.  Tests: t_zero_copy_page. */
static void
tmpl_copy_page(paddr_t src, paddr_t dst)
{
	(void)src, (void)dst;
	pmap_kern_panic("md/template: tmpl_copy_page: copy a page by physical address "
	    "(PORTING.md step 4)");
}

/*
 * A pointer to the table page at pa while it is hooked into no tree (a
 * demotion fills it before swapping it in).  Valid until the next
 * zero_page, copy_page or table_page on this CPU.  Tests: t_large_demotion.
 */
static pt_entry_t *
tmpl_table_page(paddr_t pa)
{
	(void)pa;
	pmap_kern_panic("md/template: tmpl_table_page: reach an unhooked table page "
	    "(PORTING.md step 4)");
}

/* ------------------------------------------------------------- checks */

/*
 * Does the kernel range [sva, eva) meet an area the pmap keeps for itself
 * (the direct map, self-map, windows), where pmap_enter, pmap_kenter_* and
 * the range functions may not work?  The range is never empty; eva is
 * exclusive and 0 for the last page of the space: compare with eva - 1.
 * Tests: t_bad_inputs, t_edge_inputs.
 */
static bool
tmpl_reserved_range(vaddr_t sva, vaddr_t eva)
{
	(void)sva, (void)eva;
	pmap_kern_panic("md/template: tmpl_reserved_range: the areas the pmap keeps for itself "
	    "(PORTING.md step 4)");
}

/*
 * Backend invariants of pm (any pmap, the kernel's included) for
 * pmap_check: the kernel part equal to the kernel root's (A/D aside) and
 * never user-accessible, reserved areas supervisor-only, control
 * registers as bootstrap set them.  Print each violation (one line ending
 * in \n) and return their number.  Tests: T_CHECK_PMAP in most cases
 * (tests/t.h), the random tester, the kernel pmap after the suite
 * (kern/main.c).
 */
static int
tmpl_check(struct pmap *pm, void (*print)(const char *, ...))
{
	(void)pm, (void)print;
	pmap_kern_panic("md/template: tmpl_check: the backend's invariants for pmap_check "
	    "(PORTING.md step 4)");
}

/*
 * The vtable (include/pmap/pmap_md_ops.h).  Every member is set
 * explicitly, NULL and 0 included, so that one mi/ adds shows as missing.
 */
const struct pmap_md_ops pmap_md_ops = {
	.name = PMAP_MD_NAME,
	/*
	 * TODO: PMAP_CAP_LARGE, _GLOBAL, _NX, _ASID, _NO_KX_USER, _SW_REFMOD,
	 * _NOCACHE as the MMU has them (<pmap/pmap.h>; PORTING.md, Layer 3).
	 * The tests read _NX, _NO_KX_USER, _SW_REFMOD, _ASID and _NOCACHE.
	 */
	.caps = 0,
	/* TODO: the caps this CPU has where an extension reported at bootstrap decides one, or NULL. */
	.cpu_caps = NULL,
	.pa_bits = PMAP_PA_BITS,
	/* TODO: the CPU's narrower physical width, callable before bootstrap (x86_cpu_pa_bits), or NULL. */
	.cpu_pa_bits = NULL,
	.asid_bits = 0,			/* TODO: ASID bits, 0 without */
	.cpu_asid_bits = NULL,		/* TODO: the CPU's ASID width where it may be narrower */
	.ptp_limit = 0,			/* TODO: tables below this pa (PMAP_DIRECT_END), 0: anywhere */
	.bootstrap = tmpl_bootstrap,
	.table = tmpl_table,
	/*
	 * TODO: with PMAP_MD_DIRECT_TABLES in pmap_md.h, where table() uses
	 * maps of its own (windows, a recursive slot) but every table page also
	 * lies in a direct map: that address (x86_table_direct); else NULL.
	 */
	.table_direct = NULL,
	.table_changed = tmpl_table_changed,
	.root_create = tmpl_root_create,
	.root_release = tmpl_root_release,
	.paging = tmpl_paging,
	.cpu_init = tmpl_cpu_init,
	.activate = tmpl_activate,
	.deactivate = tmpl_deactivate,
	.tlb_invalidate = tmpl_tlb_invalidate,
	/* TODO: a completed batch of pages at once where the MMU does that better, or NULL. */
	.tlb_invalidate_batch = NULL,
	.tlb_flush = tmpl_tlb_flush,
	.tlb_forget = tmpl_tlb_forget,	/* TODO: NULL without ASIDs */
	.zero_page = tmpl_zero_page,
	.copy_page = tmpl_copy_page,
	.table_page = tmpl_table_page,
	.reserved_range = tmpl_reserved_range,
	.check = tmpl_check,
};
