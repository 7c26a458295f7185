/*
 * The embedding interface: what a kernel gives pmapkit and what it gets.
 *
 * The kernel embeds one `struct pmap_page` in its own per-physical-page
 * structure (NetBSD's vm_page_md) and implements the functions below.
 * docs/embedding.md describes the contract in full.
 */
#ifndef PMAP_PMAP_KERN_H
#define PMAP_PMAP_KERN_H

#include <pmap/pmap.h>

struct pv_entry;

/*
 * A spin lock of mi/ (mi/pmap_lock.c), one word: 0 when free, else the
 * holding CPU + 1 in the low 16 bits and, for a pmap's, how deep it holds
 * it in the high 16.  Preemption is off while it is held.
 */
struct pmap_spin {
	uint32_t	 ps_owner;
};

/*
 * Per-physical-page record.  The first managed mapping of a page lives in
 * pp_pmap/pp_va, so a page mapped once costs no pv memory; further mappings
 * hang off pp_pvlist.  For a page-table page pp_ptpcount counts the valid
 * entries in it instead.  pp_lock is the page's lock (its pv entries and
 * pp_attrs; on LP64 it fills the record's tail padding).  Initialise with
 * PMAP_PAGE_INIT (all zeros).
 */
struct pmap_page {
	struct pmap	*pp_pmap;	/* embedded first mapping, NULL if none */
	pmap_vaddr_t		 pp_va;
	struct pv_entry	*pp_pvlist;	/* further mappings */
	uint16_t	 pp_attrs;	/* PP_MODIFIED | PP_REFERENCED */
	uint16_t	 pp_ptpcount;	/* valid entries if this is a PTP */
	struct pmap_spin pp_lock;	/* the page lock: pv list and pp_attrs */
};
#define PP_MODIFIED	0x0001u
#define PP_REFERENCED	0x0002u
#define PMAP_PAGE_INIT	{ NULL, 0, NULL, 0, 0, { 0 } }

/*
 * Supplied by the kernel.
 *
 * pmap_kern_phys_to_page: the record of a RAM page, or NULL for a page the
 *   kernel does not manage (device memory, pages beyond its map).  Every page
 *   returned by pmap_kern_page_alloc must have a record.
 * pmap_kern_page_alloc: one physical page for a page table (pmapkit zeroes
 *   it); 0 on success, ENOMEM if none is left.  Must not sleep.
 * pmap_kern_page_alloc_below: the same, with the page below `limit` (for
 *   tables the CPU addresses with fewer bits, or that must be direct-mapped);
 *   ENOMEM if there is none.
 * pmap_kern_page_free: give back a page from either.
 * pmap_kern_chunk_alloc: one page-aligned, page-sized block of kernel memory
 *   for pv chunks and pmap structures; NULL if none is left.
 * pmap_kern_chunk_free: give it back.
 * pmap_kern_panic / pmap_kern_printf: the kernel's panic and console.
 */
struct pmap_page *pmap_kern_phys_to_page(pmap_paddr_t pa);
int	pmap_kern_page_alloc(pmap_paddr_t *pap);
int	pmap_kern_page_alloc_below(pmap_paddr_t limit, pmap_paddr_t *pap);
void	pmap_kern_page_free(pmap_paddr_t pa);
void	*pmap_kern_chunk_alloc(void);
void	pmap_kern_chunk_free(void *);
void	pmap_kern_panic(const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));
void	pmap_kern_printf(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/*
 * Multiprocessor services, supplied by the kernel.
 *
 * pmap_kern_cpu_index: the calling CPU, 0 .. PMAP_MAXCPUS - 1.  Callable in
 *   interrupt context.
 * pmap_kern_cpus_running: the CPUs running (bit i: CPU i), the targets of a
 *   shootdown of the kernel pmap.  A CPU that starts later begins on the
 *   kernel pmap's current tables with an empty TLB.
 * pmap_kern_ipi: interrupt every CPU in the set (never the caller); each
 *   calls pmap_tlb_shootdown_poll() from the interrupt.
 *
 * And supplied by pmapkit: pmap_tlb_shootdown_poll() serves a shootdown
 * aimed at this CPU, if one is pending.  The kernel calls it from its IPI
 * handler and in every spin-wait (a CPU that waits for another, with
 * interrupts off, must still answer it: pmap_update waits for every target).
 * Callable in interrupt context and with preemption on (it pins itself).
 */
unsigned pmap_kern_cpu_index(void);
uint32_t pmap_kern_cpus_running(void);
void	pmap_kern_ipi(uint32_t cpus);
void	pmap_tlb_shootdown_poll(void);

/*
 * Preemption and spinning, supplied by the kernel (docs/embedding.md,
 * "Locking and preemption").  pmapkit's locks are spin locks; it holds
 * each with preemption off and takes nothing else from the kernel.
 *
 * pmap_kern_preempt_disable / pmap_kern_preempt_enable: no other thread
 *   runs on this CPU, and this thread moves to no other CPU, between a
 *   disable and its enable.  They nest (a count); the enable that ends
 *   the outermost may preempt.  Callable in any context, before and after
 *   pmap_bootstrap.  A kernel without preemption: empty functions.
 *   Interrupts are never masked by pmapkit: they may arrive in the middle
 *   of any pmap call, and an interrupt handler may call
 *   pmap_tlb_shootdown_poll but no other pmap function.
 * pmap_kern_cpu_relax: one step of a spin-wait (x86 pause, or nothing);
 *   may not block or enable preemption.
 */
void	pmap_kern_preempt_disable(void);
void	pmap_kern_preempt_enable(void);
void	pmap_kern_cpu_relax(void);

/*
 * For a kernel whose panic can return control (a test harness that longjmps
 * out of pmap_kern_panic): pmap_lock_held() is how many pmapkit locks this
 * CPU holds (0: none); after the jump, pmap_panic_unwind(depth) releases
 * them back to the number saved before the call that panicked.
 */
unsigned pmap_lock_held(void);
void	pmap_panic_unwind(unsigned depth);

#endif /* PMAP_PMAP_KERN_H */
