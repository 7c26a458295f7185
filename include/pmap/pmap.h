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

/*
 * Only PMAP_-prefixed names here and in <pmap_md.h>, so that a kernel's own
 * vaddr_t, vm_prot_t, PAGE_SIZE or VM_PROT_READ never clash with them;
 * <pmap/pmap_names.h> gives pmap(9)'s short names to code that has none.
 */
typedef unsigned int pmap_prot_t;
#define PMAP_PROT_NONE		0x0u
#define PMAP_PROT_READ		0x1u
#define PMAP_PROT_WRITE		0x2u
#define PMAP_PROT_EXECUTE	0x4u
#define PMAP_PROT_ALL		(PMAP_PROT_READ | PMAP_PROT_WRITE | PMAP_PROT_EXECUTE)

/* pmap_enter() flags; the low bits carry the access type (PMAP_PROT_*). */
#define PMAP_WIRED	0x00000010u	/* wired mapping */
#define PMAP_CANFAIL	0x00000020u	/* return ENOMEM instead of panicking */
#define PMAP_NOCACHE	0x00000040u	/* uncached (device) mapping */
#define PMAP_FLAGS_ALL	(PMAP_PROT_ALL | PMAP_WIRED | PMAP_CANFAIL | PMAP_NOCACHE)

/* What pmap_enter(PMAP_CANFAIL) returns when memory runs out (ENOMEM's usual value). */
#define PMAP_ENOMEM	12

struct pmap;
struct pmap_page;

/* Bootstrap and initialisation (called once, in this order). */
struct pmap_bootstrap_args {
	pmap_paddr_t	direct_end;	/* RAM [PMAP_RAM_BASE, direct_end) is direct-mapped, as far as possible */
	pmap_paddr_t	text_start;	/* kernel text [text_start, text_end): mapped read-only */
	pmap_paddr_t	text_end;	/* and executable where the MMU can tell (NX) */
	/*
	 * MMU extensions the firmware reports and the CPU may not show the
	 * pmap itself (RISC-V: the device tree's riscv,isa, and for Svpbmt
	 * menvcfg.PBMTE set by M-mode), in the backend's PMAP_MD_FEAT_* bits
	 * (<pmap_md.h>; 0, or a backend without such bits: none used).
	 */
	unsigned	md_features;
};
void	pmap_bootstrap(const struct pmap_bootstrap_args *);
void	pmap_init(void);
void	pmap_virtual_space(pmap_vaddr_t *vstartp, pmap_vaddr_t *vendp);
pmap_vaddr_t	pmap_steal_memory(pmap_vsize_t size, pmap_vaddr_t *vstartp, pmap_vaddr_t *vendp);
pmap_vaddr_t	pmap_growkernel(pmap_vaddr_t maxkvaddr);

/*
 * Other CPUs.  pmap_paging fills in what a CPU must load to run on the
 * kernel pmap with the paging controls pmap_bootstrap chose (the backend's
 * struct pmap_paging, <pmap_md.h>: the root and control registers its MMU
 * needs): a kernel's start-up trampoline uses it to turn paging on.
 * pmap_cpu_init: once on every CPU but the boot CPU, after pmap_init and
 * before any other pmap call on that CPU, with paging on and the kernel
 * mapped (the trampoline's tables will do): loads the kernel pmap's root
 * and controls, and makes the kernel pmap this CPU's address space.
 */
void	pmap_paging(struct pmap_paging *);
void	pmap_cpu_init(void);

/* Address spaces. */
struct pmap *pmap_kernel(void);
struct pmap *pmap_create(void);
/* pmap_create that returns NULL, with nothing allocated, when memory runs out. */
struct pmap *pmap_create_canfail(void);
void	pmap_destroy(struct pmap *);
void	pmap_reference(struct pmap *);
long	pmap_resident_count(const struct pmap *);
long	pmap_wired_count(const struct pmap *);
void	pmap_activate(struct pmap *);
void	pmap_deactivate(struct pmap *);
struct pmap *pmap_current(void);	/* user pmap live on this CPU, or NULL */

/* Managed mappings. */
int	pmap_enter(struct pmap *, pmap_vaddr_t va, pmap_paddr_t pa, pmap_prot_t prot,
	    unsigned flags);
void	pmap_remove(struct pmap *, pmap_vaddr_t sva, pmap_vaddr_t eva);
bool	pmap_remove_all(struct pmap *);
void	pmap_protect(struct pmap *, pmap_vaddr_t sva, pmap_vaddr_t eva, pmap_prot_t prot);
void	pmap_unwire(struct pmap *, pmap_vaddr_t va);
bool	pmap_extract(struct pmap *, pmap_vaddr_t va, pmap_paddr_t *pap);

/*
 * One leaf mapping, as pmap_lookup and pmap_mappings report it: the leaf
 * covering [va, va + size) (size PAGE_SIZE, or a large leaf's), mapping
 * [pa, pa + size), with what the entry grants and its attributes; referenced
 * and modified are the entry's own hardware bits (a managed page's
 * attributes: pmap_is_referenced/modified).
 */
struct pmap_mapping {
	pmap_vaddr_t	 va;
	pmap_paddr_t	 pa;
	pmap_vsize_t	 size;
	pmap_prot_t	 prot;
	bool		 wired, managed, user, global, nocache;
	bool		 referenced, modified;
};
/* The mapping that covers va in pm, if any. */
bool	pmap_lookup(struct pmap *, pmap_vaddr_t va, struct pmap_mapping *);
/*
 * Call fn for every mapping of pm that meets [sva, eva) (eva 0: to the end)
 * inside pm's part of the space (a user pmap's below PMAP_VM_MAXUSER_ADDRESS,
 * the kernel's from there to PMAP_VM_MAX_KERNEL_VA: not the pmap's own
 * self-map and windows), in address order, a large leaf once and whole;
 * stops at the first non-zero value fn returns and returns it (0 when
 * every mapping was visited).  fn runs with pm's lock held and the
 * walk's table pointers live: it must not call pmapkit (copy what it needs
 * and act after the walk).
 */
int	pmap_mappings(struct pmap *, pmap_vaddr_t sva, pmap_vaddr_t eva,
	    int (*fn)(const struct pmap_mapping *, void *), void *arg);
void	pmap_copy(struct pmap *dst, struct pmap *src, pmap_vaddr_t dst_addr,
	    pmap_vsize_t len, pmap_vaddr_t src_addr);
void	pmap_update(struct pmap *);

/* Unmanaged kernel mappings. */
void	pmap_kenter_pa(pmap_vaddr_t va, pmap_paddr_t pa, pmap_prot_t prot, unsigned flags);
void	pmap_kenter_range(pmap_vaddr_t va, pmap_paddr_t pa, pmap_vsize_t size, pmap_prot_t prot,
	    unsigned flags);
void	pmap_kremove(pmap_vaddr_t va, pmap_vsize_t size);

/*
 * Page-fault hook for software referenced/modified emulation (RISC-V
 * Svade, PMAP_CAP_SW_REFMOD): the kernel's fault handler calls it first,
 * with the access type and whether user code made it; true means the fault
 * only recorded an access (A, or D for a write, was clear and is now set)
 * and the access should be retried.  False: a real fault (always, where the
 * MMU sets A/D itself).
 */
bool	pmap_fault(struct pmap *, pmap_vaddr_t va, pmap_prot_t access, bool user);

/* Physical pages. */
void	pmap_zero_page(pmap_paddr_t pa);
void	pmap_copy_page(pmap_paddr_t src, pmap_paddr_t dst);
void	pmap_page_protect(struct pmap_page *, pmap_prot_t prot);
bool	pmap_clear_modify(struct pmap_page *);
bool	pmap_clear_reference(struct pmap_page *);
bool	pmap_is_modified(struct pmap_page *);
bool	pmap_is_referenced(struct pmap_page *);
pmap_paddr_t	pmap_phys_address(pmap_paddr_t cookie);

/*
 * The backend: its name and what its MMU can do (pmap_backend_caps: on
 * this CPU, with the extensions pmap_bootstrap found; before it, without
 * them).
 */
#define PMAP_CAP_LARGE	0x01u	/* large leaves at some level */
#define PMAP_CAP_GLOBAL	0x02u	/* global TLB entries */
#define PMAP_CAP_NX	0x04u	/* execute permission is enforced */
#define PMAP_CAP_ASID	0x08u	/* TLB entries tagged by address space */
#define PMAP_CAP_NO_KX_USER 0x10u	/* the kernel cannot execute user pages */
#define PMAP_CAP_SW_REFMOD 0x20u	/* A/D set by pmap_fault, not the MMU */
#define PMAP_CAP_NOCACHE 0x40u	/* PMAP_NOCACHE makes the entry uncached (else: ignored) */
const char *pmap_backend_name(void);
unsigned pmap_backend_caps(void);
/* Geometry: levels (root = 0), and the VA one table of a level covers (0: all). */
int	pmap_backend_levels(void);
pmap_vaddr_t	pmap_table_span(int level);
/* The largest leaf the kernel may get from pmap_kenter_range (PAGE_SIZE: none). */
pmap_vsize_t	pmap_large_page_size(void);
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
	unsigned long lock_spins;	/* lock acquisitions that had to wait */
	unsigned long extract_locked;	/* pmap_extract calls answered under the pmap's lock */
};

void	pmap_stats_get(struct pmap_stats *);
void	pmap_stats_dump(void (*print)(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2))));
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
int	pmap_check(struct pmap *, void (*print)(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2))));

/*
 * The address space in the manner of Linux's ptdump: the page-table pages
 * per level, then one line per run of mappings with consecutive addresses
 * and the same kind (leaf size, rwx, user/kernel, global, wired, managed,
 * A, D, cache mode), with its range, size and first physical address
 * ("scattered" when the pages are not one physical range).  pm's part of
 * the space only, as pmap_mappings.  print is called once per line, with
 * pm's lock held; it must not call pmapkit.
 */
void	pmap_dump(struct pmap *, void (*print)(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2))));

#endif /* PMAP_PMAP_H */
