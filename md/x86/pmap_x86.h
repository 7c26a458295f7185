/*
 * Pmap pieces the x86 backends share, included by exactly one backend file
 * per build (pmap_<backend>.c): the per-CPU windows and page zero/copy
 * through them, TLB invalidation, the CPU's physical-address width and a
 * starting CPU's controls.  A backend with windows defines WIN_BASE,
 * PMAP_KPTE_VA(va) (the kernel VA of the PTE that maps kernel va) and the
 * window numbers X86_WIN_SRC and X86_WIN_DST; one with a direct map of all
 * RAM (amd64) defines none of them and has no windows.
 */
#ifndef MD_X86_PMAP_X86_H
#define MD_X86_PMAP_X86_H

#include <pte.h>
#include <cpufunc.h>

#ifdef WIN_BASE
/*
 * Windows: PMAP_NWINDOWS pages per CPU, CPU c's from WIN_BASE + c *
 * X86_WIN_STRIDE pages.  Only their own CPU ever touches them, so a remap
 * needs only a local invlpg.  The stride is a cache line of entries: two
 * CPUs remapping their windows at once never write one line of the window
 * table (nor of x86_wins), which measurably cost two CPUs' throughput.
 */
#define X86_WIN_LINE	(64 / sizeof(pt_entry_t))
#define X86_WIN_STRIDE	((PMAP_NWINDOWS + X86_WIN_LINE - 1) / X86_WIN_LINE * X86_WIN_LINE)
static struct {
	paddr_t		 pa[PMAP_NWINDOWS];
	bool		 valid[PMAP_NWINDOWS];
} __attribute__((aligned(64))) x86_wins[PMAP_MAXCPUS];

static vaddr_t
x86_window_va(unsigned c, int w)
{
	return WIN_BASE + (c * X86_WIN_STRIDE + (unsigned)w) * PAGE_SIZE;
}

/* Map this CPU's window w at pa (remapping, with invlpg, only if it points elsewhere). */
static pt_entry_t *
x86_window(int w, paddr_t pa)
{
	unsigned c = pmap_kern_cpu_index();
	vaddr_t wva = x86_window_va(c, w);

	if (!x86_wins[c].valid[w] || x86_wins[c].pa[w] != pa) {
		pte_store(x86_kva(PMAP_KPTE_VA(wva)),
		    pte_make(pa, VM_PROT_READ | VM_PROT_WRITE, 0, PMAP_LEAF_LEVEL));
		x86_invlpg(wva);
		x86_wins[c].pa[w] = pa;
		x86_wins[c].valid[w] = true;
	}
	return x86_kva(wva);
}

#endif /* WIN_BASE */

static void
x86_tlb_invalidate(vaddr_t va)
{
	x86_invlpg(va);
}

/* Toggling CR4.PGE flushes global entries too; a CR3 reload the rest (SDM 4.10.4.1). */
static void
x86_tlb_flush(bool global)
{
	x86_reg_t cr4 = x86_rcr4();

	if (global && (cr4 & CR4_PGE)) {
		x86_lcr4(cr4 & ~CR4_PGE);
		x86_lcr4(cr4);
	} else {
		x86_lcr3(x86_rcr3());
	}
}

#ifdef WIN_BASE
static void
x86_zero_page(paddr_t pa)
{
	memset(x86_window(X86_WIN_SRC, pa), 0, PAGE_SIZE);
}

/* A table page not hooked in anywhere yet (demotion fills it first). */
static pt_entry_t *
x86_table_page(paddr_t pa)
{
	return x86_window(X86_WIN_SRC, pa);
}

static void
x86_copy_page(paddr_t src, paddr_t dst)
{
	memcpy(x86_window(X86_WIN_DST, dst), x86_window(X86_WIN_SRC, src), PAGE_SIZE);
}

/*
 * A table page through the direct map (pmap_md_ops.table_direct): every
 * table page lies below PMAP_DIRECT_END (ptp_limit, and the boot map), so
 * mi/ may keep a leaf table's address there and read it without the lock,
 * while walks still go through the windows and the recursive slot.
 */
static pt_entry_t *
x86_table_direct(paddr_t pa)
{
	if (pa < PMAP_RAM_BASE || pa >= PMAP_DIRECT_END)
		pmap_kern_panic("x86_table_direct: table page %#" PMAP_PRIxPADDR
		    " is outside the direct map (below %#" PMAP_PRIxPADDR ")", pa,
		    (paddr_t)PMAP_DIRECT_END);
	return x86_kva(PMAP_DIRECT_VA(pa));
}
#endif /* WIN_BASE */

/*
 * MAXPHYADDR (SDM vol. 3A, 4.1.4): CPUID leaf 80000008H EAX[7:0] where the
 * extended leaves reach it.  Without it the SDM says 36 where PAE exists,
 * but QEMU gives its 32-bit CPU models (qemu32, pentium2 ...) 32 bits
 * unless PSE-36 is on, and a pa beyond MAXPHYADDR in an entry is a
 * reserved-bit fault: take 36 only with PSE-36, else 32.
 */
static unsigned
x86_cpu_pa_bits(void)
{
	uint32_t r[4];

	x86_cpuid(0x80000000u, r);
	if ((r[0] & 0xFFFF0000u) == 0x80000000u && r[0] >= CPUID_EXT_ADDR) {
		x86_cpuid(CPUID_EXT_ADDR, r);
		return r[0] & 0xFFu;
	}
	x86_cpuid(1, r);
	return (r[3] & CPUID_1_EDX_PSE36) ? 36 : 32;
}

/*
 * A CPU starts (pmap_cpu_init) in the paging mode of *p, which its
 * trampoline chose (CR4.PAE cannot change with paging on): set the rest
 * of the controls, then load the kernel root.
 */
static void
x86_cpu_init(const struct pmap_paging *p)
{
	if ((x86_rcr4() ^ p->cr4_set) & CR4_PAE)
		pmap_kern_panic("pmap_cpu_init: CPU %u runs %s PAE paging: its trampoline must "
		    "set pmap_paging()'s CR4 bits (%#x) before CR0.PG", pmap_kern_cpu_index(),
		    (x86_rcr4() & CR4_PAE) ? "with" : "without", (unsigned)p->cr4_set);
	if (p->efer_set != 0)
		x86_wrmsr(MSR_EFER, x86_rdmsr(MSR_EFER) | p->efer_set);
	x86_lcr4(x86_rcr4() | p->cr4_set);
	x86_lcr0(x86_rcr0() | p->cr0_set);
	x86_lcr3(p->cr3);
}

#ifdef WIN_BASE
/* The window page table's entries: all supervisor-only. */
static int
x86_check_windows(void (*print)(const char *, ...))
{
	int errs = 0;

	for (unsigned c = 0; c < PMAP_MAXCPUS; c++)
		for (int w = 0; w < PMAP_NWINDOWS; w++)
			if (pte_user_p(pte_load(x86_kva(PMAP_KPTE_VA(x86_window_va(c, w)))))) {
				print("x86_check: window %d of CPU %u user-accessible\n", w, c);
				errs++;
			}
	return errs;
}
#endif /* WIN_BASE */

#endif /* MD_X86_PMAP_X86_H */
