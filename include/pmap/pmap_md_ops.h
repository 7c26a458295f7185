/*
 * The MD contract, seen from both sides of the seam.  mi/ and md/<backend>/
 * include this; a kernel embedding pmapkit does not need it.
 *
 * A backend provides three things (docs/PORTING.md):
 *  1. geometry as data: pmap_md_levels[PMAP_MD_NLEVELS], root first;
 *  2. PTE helpers, static inline in its <pte.h> (no PTE bit leaves md/);
 *  3. the ops vtable below, called per table or per operation, never per PTE.
 */
#ifndef PMAP_PMAP_MD_OPS_H
#define PMAP_PMAP_MD_OPS_H

#include <pmap/pmap.h>
#include <pmap/pmap_kern.h>
#include <pmap/pmap_names.h>

typedef pmap_pte_t pt_entry_t;

/*
 * The library is freestanding: all it needs of a C library is memset and
 * memcpy (which the compiler may call anyway), from the kernel.
 */
void	*memset(void *, int, size_t);
void	*memcpy(void *restrict, const void *restrict, size_t);

/*
 * One level of the page-table tree.  Level 0 is the root.  The backend may
 * clear pl_leaf_ok at bootstrap when the CPU lacks the large-page feature.
 */
struct pmap_level {
	uint8_t		pl_shift;	/* va bits below this level's index */
	uint16_t	pl_entries;	/* entries in one table of this level */
	bool		pl_leaf_ok;	/* may hold a (large) leaf */
};
extern struct pmap_level pmap_md_levels[PMAP_MD_NLEVELS];
#define PMAP_LEAF_LEVEL	(PMAP_MD_NLEVELS - 1)

/*
 * The geometry from the backend's pmap_md.h: PMAP_MD_ROOT_BITS index bits
 * in the root, PMAP_MD_INDEX_BITS in every table below it, the leaf level
 * indexing base pages.  Compile-time constants, so that a walk folds them
 * into its instructions; a backend fills pmap_md_levels[] with
 * PMAP_LEVEL(l, leaf_ok), and mi/ reads only pl_leaf_ok from it.
 */
#define PMAP_LEVEL_SHIFT(l)	(PMAP_PAGE_SHIFT + PMAP_MD_INDEX_BITS * (PMAP_LEAF_LEVEL - (l)))
#define PMAP_LEVEL_ENTRIES(l)	\
	((l) == 0 ? 1u << PMAP_MD_ROOT_BITS : 1u << PMAP_MD_INDEX_BITS)
#define PMAP_LEVEL(l, leaf_ok)	{ PMAP_LEVEL_SHIFT(l), PMAP_LEVEL_ENTRIES(l), leaf_ok }

/*
 * Whether mi/ keeps tables' direct addresses: the backend says they have
 * one (PMAP_MD_DIRECT_TABLES, PORTING.md), unless CONFIG_PMAP_TABLE_CALLS
 * has mi/ ask table() every time, as for a port without a direct map of its
 * tables.  mi/ and the tests read this, never the backend's macro.
 */
#if defined(PMAP_MD_DIRECT_TABLES) && !defined(CONFIG_PMAP_TABLE_CALLS)
#define PMAP_DIRECT_TABLES	1
#endif

/* Generic properties pte_make() turns into hardware bits. */
#define PMAP_MK_WIRED	0x01u
#define PMAP_MK_MANAGED	0x02u
#define PMAP_MK_USER	0x04u
#define PMAP_MK_GLOBAL	0x08u	/* kernel mapping, same in every space */
#define PMAP_MK_REF	0x10u	/* enter already referenced */
#define PMAP_MK_MOD	0x20u	/* enter already modified */
#define PMAP_MK_NOCACHE	0x40u
#define PMAP_MK_ALL	0x7fu	/* every property together */


#define PMAP_FREE_PTPS		64	/* page-table pages a batch holds back */
#define PMAP_FREE_CHUNKS	8	/* pv chunks a batch holds back */

/*
 * A pmap's deferred TLB work (mi/pmap_tlb.c), under its lock: the VAs whose
 * translations its CPUs may cache, and the pages to free once no CPU can
 * reach them.  While its CPU shoots down, it is also the request the
 * targets serve.
 */
struct pmap_tlb_batch {
	unsigned	 n;
	bool		 full;		/* over the ceiling: flush everything */
	bool		 global;	/* a global translation is involved */
	bool		 urgent;	/* complete before the pmap call returns */
	uint32_t	 targets;	/* CPUs that may cache the translations */
	vaddr_t		 va[CONFIG_PMAP_TLB_CEILING];
	unsigned	 nptps, nchunks;
	paddr_t		 ptps[PMAP_FREE_PTPS];
	void		*chunks[PMAP_FREE_CHUNKS];
};

/*
 * Root entries a user pmap's bitmap of used root slots covers (mi/: range
 * walks skip empty root slots a word at a time); a backend's root may have
 * no more (checked at bootstrap).
 */
#define PMAP_ROOT_SLOTS_MAX	1024

struct pmap {
	struct pmap_spin pm_lock;	/* first: kept while the struct is pooled */
	/*
	 * Changes of entries above the leaf level (mi/pmap.c's walk cache),
	 * kept while pooled too and stepped at pmap_create.  Its two halves
	 * are for a 32-bit CPU's readers without the lock (pmap_walk_gen_load).
	 */
	union {
		uint64_t	 pm_walk_gen;
		uint32_t	 pm_walk_gen32[2];	/* in memory order */
	};
	/*
	 * pmap_extract's hint (mi/pmap.c, where the tags are narrow enough):
	 * a leaf table through the direct map with its tag + 1 in the low
	 * bits, written under the lock, cleared at each step of pm_walk_gen.
	 */
	uintptr_t	 pm_extract_hint;
	struct pmap_md	 pm_md;		/* backend part: root, links */
	int		 pm_refs;
	long		 pm_resident;	/* base pages mapped by leaves */
	long		 pm_wired;	/* of those, wired */
	long		 pm_ptps;	/* page-table pages below the root */
	struct pv_chunk	*pm_chunks;	/* pv chunks; ones with room first */
	uint32_t	 pm_cpus;	/* CPUs on which this pmap is live */
	bool		 pm_is_kernel;
	struct pmap	*pm_list_next;	/* all user pmaps (pv reclaim) */
	struct pmap	*pm_list_prev;
	/* Address-space tags (mi/pmap_asid.c), per CPU: the tag, valid while */
	uint32_t	 pm_asid[PMAP_MAXCPUS];
	uint32_t	 pm_asid_gen[PMAP_MAXCPUS];	/* this is the CPU's generation */
	struct pmap_tlb_batch pm_batch;	/* deferred invalidations and frees */
	/* User pmaps: the root slots in user space holding a valid entry (mi/ makes them all). */
	uint64_t	 pm_root_used[PMAP_ROOT_SLOTS_MAX / 64];
};

struct pmap_md_ops {
	const char	*name;
	unsigned	 caps;		/* what the backend can do (PMAP_CAP_*) */
	/*
	 * The caps this CPU has, where an extension found at bootstrap decides
	 * one (RISC-V Svpbmt: PMAP_CAP_NOCACHE): a subset of caps; callable
	 * any time (before bootstrap: without the extensions).  NULL: caps.
	 * pmap_backend_caps() reports it.
	 */
	unsigned (*cpu_caps)(void);
	unsigned	 pa_bits;	/* physical-address bits the entry format holds */
	/*
	 * The CPU's physical-address width, where it may be narrower than
	 * pa_bits (x86 MAXPHYADDR); callable before bootstrap.  NULL: pa_bits.
	 */
	unsigned (*cpu_pa_bits)(void);
	unsigned	 asid_bits;	/* address-space tag width (PMAP_CAP_ASID) */
	/*
	 * The CPU's tag width, where it may be narrower than asid_bits (RISC-V
	 * ASIDLEN is WARL: the backend probes it); called once, after
	 * bootstrap.  NULL: asid_bits.  0: the CPU has no tags; pmap_asid then
	 * gives every pmap the kernel's 0, and activate must flush.
	 */
	unsigned (*cpu_asid_bits)(void);
	paddr_t		 ptp_limit;	/* page-table pages below this (0: anywhere) */
	/* Build the kernel pmap (the direct map, text protection), switch to it. */
	void	(*bootstrap)(struct pmap *kpm, const struct pmap_bootstrap_args *);
	/*
	 * The table of `level` covering va, as a pointer to its first entry.
	 * `parent` is the entry one level up that points at it (unused for
	 * level 0).  Valid until the next call for the same level.
	 */
	pt_entry_t *(*table)(struct pmap *, int level, vaddr_t va,
	    pt_entry_t parent);
	/*
	 * With PMAP_MD_DIRECT_TABLES, for a backend whose table() answers
	 * through a per-CPU or per-address-space map (windows, a recursive
	 * slot) but that keeps every table page in a direct map as well
	 * (ptp_limit): the table page at pa through that map, valid on every
	 * CPU for as long as the kernel runs.  NULL: table() itself answers
	 * through the direct map.
	 */
	pt_entry_t *(*table_direct)(paddr_t pa);
	/*
	 * An entry above the leaf level for va was installed or cleared: a table
	 * pointer, or a large leaf (installed also when a large leaf's protection
	 * changed; a demotion is a clear of the large leaf, then an install of
	 * the table).  The backend does what its MMU needs (alias invalidation,
	 * propagation of kernel entries, root-cache reloads); after the next
	 * pmap_update no walk may use a cleared table.
	 */
	void	(*table_changed)(struct pmap *, int level, vaddr_t va,
	    bool installed);
	int	(*root_create)(struct pmap *);	/* 0 or ENOMEM */
	void	(*root_release)(struct pmap *);
	/* What a starting CPU loads to run on the kernel pmap (pmap_paging). */
	void	(*paging)(struct pmap_paging *);
	/* This CPU (not the boot CPU) starts: load the kernel root and controls. */
	void	(*cpu_init)(void);
	void	(*activate)(struct pmap *);
	void	(*deactivate)(struct pmap *);
	/* This CPU, one page: at least the live tag's and the global entries. */
	void	(*tlb_invalidate)(vaddr_t va);
	/*
	 * This CPU, the n >= 1 pages of one completed batch, each as
	 * tlb_invalidate would, where the MMU does a batch better than page by
	 * page (RISC-V Svinval: the fences once around the invalidations).
	 * NULL: tlb_invalidate per page.
	 */
	void	(*tlb_invalidate_batch)(const vaddr_t *va, unsigned n);
	void	(*tlb_flush)(bool global);	/* this CPU, everything */
	/*
	 * ASID backends: pm is not live on `cpu` (the caller's too) and one of its
	 * translations changed: whatever cpu cached under pm's ASID must never be
	 * used again (forget the ASID there; the next activation on cpu takes a
	 * fresh one).  Called with pm's lock held.  NULL without ASIDs.
	 */
	void	(*tlb_forget)(struct pmap *, unsigned cpu);
	void	(*zero_page)(paddr_t);
	void	(*copy_page)(paddr_t src, paddr_t dst);
	/*
	 * The table page at pa, hooked into no tree yet (one being filled before
	 * it replaces a large leaf): a window or the direct map.  Valid until the
	 * next zero_page, copy_page or table_page call on this CPU.
	 */
	pt_entry_t *(*table_page)(paddr_t pa);
	/* Does [sva, eva) meet an area the pmap keeps for itself (self-map, windows)? */
	bool	(*reserved_range)(vaddr_t sva, vaddr_t eva);
	/*
	 * Backend invariants of pm for pmap_check: the kernel part identical to
	 * the kernel pmap's, reserved areas (self-map, windows) supervisor-only.
	 * Returns the number of violations, each printed.
	 */
	int	(*check)(struct pmap *, void (*print)(const char *, ...));
};
extern const struct pmap_md_ops pmap_md_ops;

/*
 * Services mi/ offers backends.  pmap_md_boot_table: a page for a kernel
 * table at bootstrap, inside the boot map (the backend zeroes it), counted;
 * pmap_md_count_table / pmap_md_uncount_table: a table page (a root, say)
 * the backend allocates or frees itself.
 */
paddr_t	pmap_md_boot_table(void);
/*
 * pmap_md_boot_direct(table, first, pa, end, level, args), at bootstrap:
 * entries `first` on of the kernel table at `table` (level `level`) map
 * [pa, end) at PMAP_DIRECT_VA, up to the table's end, in the largest
 * leaves the level table allows that fit whole and hold no kernel text,
 * else tables one level down; text read/execute, the rest read/write,
 * global, wired, counted.  Returns the entries made (added to the table's
 * count, but a root's).  pa is aligned to the span of one entry of `level`.
 */
unsigned pmap_md_boot_direct(paddr_t table, unsigned first, paddr_t pa, paddr_t end, int level,
	    const struct pmap_bootstrap_args *);
/*
 * pmap_md_boot_link(table, level, slot, next), at bootstrap: entry `slot`
 * of the kernel table at `table` (level `level`) points at the kernel
 * table `next` one level down (from pmap_md_boot_table, zeroed), counted
 * in `table` (a root keeps no count): the kernel's path from the root to
 * the tables pmap_md_boot_direct fills.
 */
void	pmap_md_boot_link(paddr_t table, int level, unsigned slot, paddr_t next);
/*
 * pmap_md_boot_account(table, level, entries, leaves), at bootstrap, for
 * entries a backend made itself (where table_page cannot reach a table
 * yet: windows over a recursive map): `entries` valid entries in the kernel
 * table at `table` (level `level`), `leaves` of them leaves of that level,
 * counted as pmap_md_boot_direct counts its own.  A backend never writes
 * those counts itself.
 */
void	pmap_md_boot_account(paddr_t table, int level, unsigned entries, unsigned leaves);
/*
 * pmap_md_tlb_sync: the backend changed something that pm's CPUs may cache
 * beyond the leaf entries mi/ tracks (a self-map alias of a table, PAE
 * PDPTEs, non-leaf entries).  It has dealt with this CPU itself.  Other CPUs
 * where pm is live invalidate va (all: flush every non-global translation)
 * at the next pmap_update or, if urgent, before the current pmap call
 * returns (for state the pmap itself uses, like a self-map alias).  pm's
 * lock held (it is pm's batch).
 */
void	pmap_md_tlb_sync(struct pmap *, vaddr_t va, bool all, bool urgent);
void	pmap_md_count_table(bool kernel);
void	pmap_md_uncount_table(void);
/*
 * pmap_md_user_next(pm): the user pmap after pm on mi/'s list of every user
 * pmap (pm NULL: the first; NULL after the last), for a backend that keeps
 * something of the kernel pmap in every user root (kernel root entries).
 * A pmap is on it from the moment root_create returns 0 until
 * root_release is called.  Only from table_changed for the kernel pmap:
 * mi/ holds the list's lock there (and during root_create), so that a
 * root made meanwhile either copied the kernel entry or is on the list.
 */
struct pmap *pmap_md_user_next(struct pmap *pm);
/*
 * Backends with address-space tags (PMAP_CAP_ASID; RISC-V ASIDs, x86
 * PCIDs): pmap_asid(pm), the calling CPU's tag for pm (0 for the kernel
 * pmap), allocated by generation of asid_bits-wide tags, a new generation
 * flushing this CPU's non-global entries of every tag once through
 * tlb_flush(false); pmap_asid_forget(pm, cpu), for tlb_forget: pm's tag on
 * cpu is never used again.  Pmap lock held (mi/pmap_asid.c).
 */
uint32_t pmap_asid(struct pmap *);
void	pmap_asid_forget(struct pmap *, unsigned cpu);
extern struct pmap_stats pmap_stats;

#endif /* PMAP_PMAP_MD_OPS_H */
