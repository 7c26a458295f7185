/*
 * pmapkit public interface: the pmap(9) API with NetBSD's names and
 * semantics.  A kernel includes this header; the backend chosen in Kconfig
 * supplies <pmap_md.h> (address types, layout constants, PTE helpers).
 *
 * Differences from NetBSD, all deliberate and documented in docs/pmap.9.md:
 *  - page functions take the kernel-embedded `struct pmap_page *` instead of
 *    `struct vm_page *`;
 *  - pmap_activate/pmap_deactivate take the pmap, not an lwp;
 *  - pmap_kenter_range() adds large-page kernel mappings.
 *
 * Who invalidates: every function that changes a mapping may defer TLB
 * invalidation until pmap_update() on the same pmap.  Page-table pages
 * released by those changes are freed only inside pmap_update(), after the
 * flush.
 */
#ifndef PMAP_PMAP_H
#define PMAP_PMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pmap_md.h>

typedef unsigned int vm_prot_t;
#define VM_PROT_NONE	0x0u
#define VM_PROT_READ	0x1u
#define VM_PROT_WRITE	0x2u
#define VM_PROT_EXECUTE	0x4u
#define VM_PROT_ALL	(VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXECUTE)

/* pmap_enter() flags; the low bits carry the access type (VM_PROT_*). */
#define PMAP_WIRED	0x00000010u	/* wired mapping */
#define PMAP_CANFAIL	0x00000020u	/* return ENOMEM instead of panicking */
#define PMAP_NOCACHE	0x00000040u	/* uncached (device) mapping */
#define PMAP_FLAGS_ALL	(VM_PROT_ALL | PMAP_WIRED | PMAP_CANFAIL | PMAP_NOCACHE)

#ifndef ENOMEM
#define ENOMEM	12
#endif

struct pmap;
struct pmap_page;

/* Bootstrap and initialisation (called once, in this order). */
struct pmap_bootstrap_args {
	paddr_t	direct_end;	/* RAM [PMAP_RAM_BASE, direct_end) is direct-mapped, as far as possible */
	paddr_t	text_start;	/* kernel text [text_start, text_end): mapped read-only */
	paddr_t	text_end;	/* and executable where the MMU can tell (NX) */
};
void	pmap_bootstrap(const struct pmap_bootstrap_args *);
void	pmap_init(void);
void	pmap_virtual_space(vaddr_t *vstartp, vaddr_t *vendp);
vaddr_t	pmap_steal_memory(vsize_t size, vaddr_t *vstartp, vaddr_t *vendp);
vaddr_t	pmap_growkernel(vaddr_t maxkvaddr);

/* Address spaces. */
struct pmap *pmap_kernel(void);
struct pmap *pmap_create(void);
void	pmap_destroy(struct pmap *);
void	pmap_reference(struct pmap *);
long	pmap_resident_count(const struct pmap *);
long	pmap_wired_count(const struct pmap *);
void	pmap_activate(struct pmap *);
void	pmap_deactivate(struct pmap *);
struct pmap *pmap_current(void);	/* user pmap live on this CPU, or NULL */

/* Managed mappings. */
int	pmap_enter(struct pmap *, vaddr_t va, paddr_t pa, vm_prot_t prot,
	    unsigned flags);
void	pmap_remove(struct pmap *, vaddr_t sva, vaddr_t eva);
bool	pmap_remove_all(struct pmap *);
void	pmap_protect(struct pmap *, vaddr_t sva, vaddr_t eva, vm_prot_t prot);
void	pmap_unwire(struct pmap *, vaddr_t va);
bool	pmap_extract(struct pmap *, vaddr_t va, paddr_t *pap);
void	pmap_copy(struct pmap *dst, struct pmap *src, vaddr_t dst_addr,
	    vsize_t len, vaddr_t src_addr);
void	pmap_update(struct pmap *);

/* Unmanaged kernel mappings. */
void	pmap_kenter_pa(vaddr_t va, paddr_t pa, vm_prot_t prot, unsigned flags);
void	pmap_kenter_range(vaddr_t va, paddr_t pa, vsize_t size, vm_prot_t prot,
	    unsigned flags);
void	pmap_kremove(vaddr_t va, vsize_t size);

/*
 * Page-fault hook for software referenced/modified emulation (RISC-V
 * Svade, PMAP_CAP_SW_REFMOD): the kernel's fault handler calls it first,
 * with the access type and whether user code made it; true means the fault
 * only recorded an access (A, or D for a write, was clear and is now set)
 * and the access should be retried.  False: a real fault (always, where the
 * MMU sets A/D itself).
 */
bool	pmap_fault(struct pmap *, vaddr_t va, vm_prot_t access, bool user);

/* Physical pages. */
void	pmap_zero_page(paddr_t pa);
void	pmap_copy_page(paddr_t src, paddr_t dst);
void	pmap_page_protect(struct pmap_page *, vm_prot_t prot);
bool	pmap_clear_modify(struct pmap_page *);
bool	pmap_clear_reference(struct pmap_page *);
bool	pmap_is_modified(struct pmap_page *);
bool	pmap_is_referenced(struct pmap_page *);
paddr_t	pmap_phys_address(paddr_t cookie);

/* The backend: its name and what its MMU can do. */
#define PMAP_CAP_LARGE	0x01u	/* large leaves at some level */
#define PMAP_CAP_GLOBAL	0x02u	/* global TLB entries */
#define PMAP_CAP_NX	0x04u	/* execute permission is enforced */
#define PMAP_CAP_ASID	0x08u	/* TLB entries tagged by address space */
#define PMAP_CAP_NO_KX_USER 0x10u	/* the kernel cannot execute user pages */
#define PMAP_CAP_SW_REFMOD 0x20u	/* A/D set by pmap_fault, not the MMU */
const char *pmap_backend_name(void);
unsigned pmap_backend_caps(void);
/* Geometry: levels (root = 0), and the VA one table of a level covers (0: all). */
int	pmap_backend_levels(void);
vaddr_t	pmap_table_span(int level);
/* The largest leaf the kernel may get from pmap_kenter_range (PAGE_SIZE: none). */
vsize_t	pmap_large_page_size(void);
/*
 * Physical-address bits the pmap can map on this CPU: the backend's entry
 * format's (PMAP_PA_BITS), or the CPU's where it has fewer (x86
 * MAXPHYADDR).  Callable before pmap_bootstrap: the kernel must give the
 * pmap no RAM at or above 1 << pmap_pa_bits() (a page there has no record).
 */
unsigned pmap_pa_bits(void);

/* Statistics (see docs/statistics.md for the definitions). */
enum pmap_inval_reason {
	PMAP_INV_REMOVE,	/* pmap_remove, kremove, remove_all, protect to none */
	PMAP_INV_PROTECT,	/* pmap_protect */
	PMAP_INV_PAGE_PROTECT,	/* pmap_page_protect */
	PMAP_INV_ENTER_REPLACE,	/* pmap_enter over a live mapping */
	PMAP_INV_CLEAR_MODIFY,
	PMAP_INV_CLEAR_REFERENCE,
	PMAP_INV_RECLAIM,	/* pv reclaim at the soft limit */
	PMAP_INV_NREASONS
};

struct pmap_stats {
	unsigned long pv_inuse;		/* pv entries in chunks now */
	unsigned long pv_highwater;
	unsigned long pv_chunks;	/* chunks held now */
	unsigned long pv_embedded;	/* mappings held in page records */
	unsigned long ptp_inuse;	/* page-table pages, roots included */
	unsigned long ptp_kernel;	/* of those, the kernel's (never freed) */
	unsigned long pmap_pool_pages;	/* pages holding struct pmaps (kept) */
	unsigned long ptp_highwater;
	unsigned long ptp_allocs, ptp_frees;
	unsigned long large_mappings;	/* large-page leaves in the kernel */
	unsigned long demotions;	/* large leaves split for a partial change */
	unsigned long inval_requested[PMAP_INV_NREASONS];
	unsigned long inval_skipped;	/* not needed: invalid, unaccessed or inactive */
	unsigned long inval_pages;	/* single-page invalidations issued */
	unsigned long inval_full;	/* whole-TLB flushes issued */
	unsigned long updates;		/* pmap_update calls that had work */
	unsigned long enomem;		/* PMAP_CANFAIL failures returned */
	unsigned long pv_soft_warnings;
	unsigned long pv_reclaims;	/* mappings removed to free pv entries */
	unsigned long refmod_faults;	/* accesses recorded by pmap_fault (Svade) */
	unsigned long asid_rollovers;	/* ASID generations used up (backends with ASIDs) */
	unsigned long shootdowns;	/* shootdown requests sent (one IPI round each) */
	unsigned long shootdown_cpus;	/* CPUs they targeted, summed */
	unsigned long shootdown_pages;	/* pages they named (full flushes not counted) */
	unsigned long shootdown_full;	/* of the requests, full flushes */
	unsigned long asid_forgets;	/* CPUs spared an IPI by forgetting an ASID */
	unsigned long pmaps;		/* pmaps alive, kernel included */
};

void	pmap_stats_get(struct pmap_stats *);
void	pmap_stats_dump(void (*print)(const char *fmt, ...));
const char *pmap_inval_reason_name(enum pmap_inval_reason);
/*
 * The pv soft limit (CONFIG_PMAP_PV_SOFT_LIMIT at boot): at it, pmap_enter
 * warns once, then reclaims unwired managed user mappings instead of taking
 * more pv entries, and fails (ENOMEM / panic) only when none is left.
 * Setting it re-arms the warning.
 */
void	pmap_pv_set_soft_limit(unsigned long);
/* Size of one pv entry and entries per page-sized chunk, on this build. */
void	pmap_pv_geometry(unsigned *entry_bytes, unsigned *per_chunk);

/*
 * Invariant walk, always built (the tests run it after their steps when
 * CONFIG_PMAP_DEBUG is set); returns the number of violations, each printed.
 */
int	pmap_check(struct pmap *, void (*print)(const char *fmt, ...));

#endif /* PMAP_PMAP_H */
