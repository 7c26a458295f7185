/*
 * Declarations shared by the files of mi/.  Nothing here names a PTE bit;
 * entries are handled only through the backend's <pte.h> helpers.
 */
#ifndef MI_PMAP_INT_H
#define MI_PMAP_INT_H

#include <pmap/pmap.h>
#include <pmap/pmap_kern.h>
#include <pmap/pmap_md_ops.h>
#include <pte.h>

#define KASSERTMSG(c, ...)	do { if (!(c)) pmap_kern_panic(__VA_ARGS__); } while (0)
/*
 * mi/'s own data, used by no file outside the library (and the test suite,
 * which links it statically): hidden, so that a position-independent build
 * reaches it PC-relative instead of through the GOT (a kernel built without
 * -fpic sees no difference).  On pmap_percpu and the test hooks.  (Not on
 * an array indexed in a loop, whose GOT load folds into the add that indexes
 * it: the hashed page locks, hidden, cost riscv-sv39's range removal 2
 * instructions a page.)
 */
#define PMAP_INTERNAL	__attribute__((visibility("hidden")))

/* This CPU's number, checked against PMAP_MAXCPUS; its live user pmap, or NULL. */
void	pmap_cpu_bad(unsigned) __attribute__((noreturn));
static inline unsigned
pmap_cpu_self(void)
{
	unsigned c = pmap_kern_cpu_index();

	if (__builtin_expect(c >= PMAP_MAXCPUS, 0))
		pmap_cpu_bad(c);
	return c;
}
struct pmap **pmap_curpmap_ptr(void);
/*
 * Reads that may meet a page freed and reused meanwhile, their values then
 * discarded (pmap_extract's unlocked path): ThreadSanitizer is told not to
 * take them for races with the page's new owner.  Nothing elsewhere.
 */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
void AnnotateIgnoreReadsBegin(const char *, int);
void AnnotateIgnoreReadsEnd(const char *, int);
#define PMAP_SPECULATIVE_READS_BEGIN()	AnnotateIgnoreReadsBegin(__FILE__, __LINE__)
#define PMAP_SPECULATIVE_READS_END()	AnnotateIgnoreReadsEnd(__FILE__, __LINE__)
#endif
#endif
#ifndef PMAP_SPECULATIVE_READS_BEGIN
#define PMAP_SPECULATIVE_READS_BEGIN()	do { } while (0)
#define PMAP_SPECULATIVE_READS_END()	do { } while (0)
#endif
#define pmap_curpmap	(*pmap_curpmap_ptr())

/*
 * Locks (pmap_lock.c, where the order is written): a pmap's, the user-pmap
 * list's, a page's.  Each is taken with preemption off until its release.
 * PMAP_LOCKED(pm) holds pm's lock until the enclosing function returns;
 * PMAP_PINNED() keeps preemption off as long (per-CPU state, no pmap).
 *
 * The uncontended paths are inline here: preemption off, the CPU's index
 * once, a compare-and-swap, a push on the CPU's held stack; the release
 * pops it (the newest lock: the common case), stores the free word and
 * enables preemption.  Recursion, waiting, the order check
 * (CONFIG_PMAP_DEBUG: every blocking acquire goes the slow way), a release
 * out of order and every broken rule go to pmap_lock.c.
 */
enum pmap_lock_class { PMAP_LC_PMAP = 1, PMAP_LC_USERS, PMAP_LC_PAGE };
#define PMAP_SPIN_CPU	0xffffu		/* ps_owner: the holder + 1 */
#define PMAP_SPIN_DEPTH1 0x10000u	/* ps_owner: one level of a pmap lock's depth */
/* The owner word of a lock of class cls taken once, on CPU cpu. */
#define PMAP_SPIN_OWNER(cls, cpu) \
	((cpu) + 1 + ((cls) == PMAP_LC_PMAP ? PMAP_SPIN_DEPTH1 : 0))
#define PMAP_HELD_MAX	16	/* locks one CPU holds at once, recursion included */
struct pmap_lock_cpu {
	unsigned	 n;
	struct pmap_spin *page;	/* a brief page lock named for a call (below), or NULL */
	struct pmap	*pmap;	/* a pmap whose lock pmap_enter's fast path holds brief, or NULL */
	/*
	 * held[1] .. held[n], oldest first (the class follows from the lock:
	 * pmap_lock_class_of);
	 * held[0] stays NULL, so the newest, held[n], names no lock when n is 0.
	 */
	struct pmap_spin *held[PMAP_HELD_MAX + 1];
};
#define PMAP_NOCPU	(~0u)	/* a try that failed */

/*
 * A software paging-structure cache, one entry per CPU (mi/pmap.c): the
 * entry above the leaf table of this CPU's last lookup (and that table's
 * record), for pm as it was at generation gen.  Any change of an entry
 * above the leaf level of pm steps pm_walk_gen (pmap_table_changed, the
 * boot-time links), so an entry with the current generation still
 * describes the tree.  Used with pm locked (the generation holds still) and
 * preemption off, or by pmap_extract's unlocked path.  Where the backend
 * reaches every table through a map that never changes
 * (PMAP_DIRECT_TABLES), the entry keeps the leaf table's address too and
 * asks the backend nothing.
 */
struct pmap_walk_cache {
	struct pmap	*pm;
	uint64_t	 gen;
	vaddr_t		 tag;		/* va >> the span of one leaf table */
	pt_entry_t	 pde;		/* the entry pointing at the leaf table */
	struct pmap_page *tpp;		/* the leaf table's record */
#ifdef PMAP_DIRECT_TABLES
	pt_entry_t	*tbl;		/* the leaf table, through the direct map */
#endif
	/* pmap_enter's fast path: the leaf bits (no frame) its last key made. */
	unsigned	 pte_key;	/* pmap_enter_key; 0: none yet */
	pt_entry_t	 pte_bits;
};

/*
 * What mi/ keeps per CPU, in one record so that a call reaches its lock
 * stack, walk cache and statistics from one base address (pmap_lock.c):
 * each part written only by its CPU with preemption off.
 */
extern PMAP_INTERNAL struct pmap_percpu {
	struct pmap_lock_cpu	lock;
	struct pmap_walk_cache	wc;
	struct pmap_stats	stats;	/* summed when read (pmap_stats.c) */
} __attribute__((aligned(64))) pmap_percpu[PMAP_MAXCPUS];

unsigned pmap_spin_acquire_slow(struct pmap_spin *, enum pmap_lock_class, bool try, unsigned cpu);
void	pmap_spin_release_slow(struct pmap_spin *, unsigned cpu);

/* Take l (class cls): the CPU's index, or with try PMAP_NOCPU when l is busy. */
static inline unsigned
pmap_spin_acquire(struct pmap_spin *l, enum pmap_lock_class cls, bool try)
{
	pmap_kern_preempt_disable();
	unsigned cpu = pmap_kern_cpu_index();	/* pmap_cpu_self, on this function's lines */
	if (__builtin_expect(cpu >= PMAP_MAXCPUS, 0))
		pmap_cpu_bad(cpu);
	struct pmap_lock_cpu *lc = &pmap_percpu[cpu].lock;
	uint32_t free = 0;

#ifdef CONFIG_PMAP_DEBUG
	if (!try)
		return pmap_spin_acquire_slow(l, cls, try, cpu);
#endif
	unsigned n = lc->n;
	if (__builtin_expect(n >= PMAP_HELD_MAX ||
	    !__atomic_compare_exchange_n(&l->ps_owner, &free, PMAP_SPIN_OWNER(cls, cpu), false,
	    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED), 0))
		return pmap_spin_acquire_slow(l, cls, try, cpu);
	lc->held[n + 1] = l;
	lc->n = n + 1;
	return cpu;
}

/* Release l (class cls), taken on this CPU (cpu, as the acquire returned it). */
static inline void
pmap_spin_release_cls(struct pmap_spin *l, enum pmap_lock_class cls, unsigned cpu)
{
	struct pmap_lock_cpu *lc = &pmap_percpu[cpu].lock;
	unsigned n = lc->n;

	/* Held once (a pmap's: not recursively), the newest on the stack. */
	if (__builtin_expect(lc->held[n] != l ||
	    __atomic_load_n(&l->ps_owner, __ATOMIC_RELAXED) != PMAP_SPIN_OWNER(cls, cpu), 0)) {
		pmap_spin_release_slow(l, cpu);
		return;
	}
	lc->n = n - 1;
	__atomic_store_n(&l->ps_owner, 0, __ATOMIC_RELEASE);
	pmap_kern_preempt_enable();
}

/*
 * The brief page lock: a page lock taken with a pmap lock held (pmap_enter's
 * fast path, a removal's pages), so with preemption already off on CPU cpu,
 * and held over a few stores that call nothing and cannot panic (the page's
 * pv slot and attributes).  Neither the held stack nor the CPU's record
 * names it: nothing is taken while it is held, so no order check can miss
 * it, and no panic can leave it held.  The one call made under it, a listed
 * pv entry's removal (pmap_pv_remove_listed_brief), names it in the CPU's
 * `page` meanwhile, for pmap_panic_unwind.  The uncontended pair is a
 * compare-and-swap and a store (issue 16: the record cost enter 9
 * instructions, a removed page 6-12); a busy lock, and with
 * CONFIG_PMAP_DEBUG every acquire (the order check), go to
 * pmap_page_spin_wait_brief.
 */
void	pmap_page_spin_wait_brief(struct pmap_spin *, unsigned cpu);
void	pmap_page_spin_release_brief_bad(struct pmap_spin *, unsigned cpu)
	    __attribute__((noreturn));

bool	pmap_spin_try_brief_checked(struct pmap_spin *, enum pmap_lock_class, unsigned cpu);

/*
 * Take l (class cls) if it is free, without waiting: false when it is busy
 * (or held by this CPU).  With CONFIG_PMAP_DEBUG through the order check
 * first, like every acquire.
 */
static inline bool
pmap_spin_try_brief(struct pmap_spin *l, enum pmap_lock_class cls, unsigned cpu)
{
#ifndef CONFIG_PMAP_DEBUG
	uint32_t free = 0;

	return __builtin_expect(__atomic_compare_exchange_n(&l->ps_owner, &free,
	    PMAP_SPIN_OWNER(cls, cpu), false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED), 1);
#else
	return pmap_spin_try_brief_checked(l, cls, cpu);
#endif
}

static inline bool
pmap_page_spin_try_brief(struct pmap_spin *l, unsigned cpu)
{
	return pmap_spin_try_brief(l, PMAP_LC_PAGE, cpu);
}

static inline void
pmap_page_spin_release_brief(struct pmap_spin *l, unsigned cpu)
{
#ifdef CONFIG_PMAP_DEBUG
	if (__atomic_load_n(&l->ps_owner, __ATOMIC_RELAXED) != PMAP_SPIN_OWNER(PMAP_LC_PAGE, cpu))
		pmap_page_spin_release_brief_bad(l, cpu);
#else
	(void)cpu;
#endif
	__atomic_store_n(&l->ps_owner, 0, __ATOMIC_RELEASE);
}

/*
 * pmap_enter's fast path holds pm's lock brief: taken with
 * pmap_spin_try_brief (preemption off already), held once, named in the
 * CPU's record (`pmap`) instead of pushed on the held stack, released with
 * a store.  Under it: the walk cache, the entry, a brief page lock and a
 * few stores; no batch work, so the release has none to complete (a free
 * pmap lock has none urgent: the outermost release completed it).  If the
 * fast path fails, pmap_spin_record makes the hold an ordinary one for the
 * slow path.  Issue 16: the held stack and the ordinary release's checks
 * cost enter about 12 instructions.
 */
void	pmap_spin_record(struct pmap_spin *, unsigned cpu);
void	pmap_brief_release_bad(struct pmap *, unsigned cpu) __attribute__((noreturn));

static inline void
pmap_brief_release(struct pmap *pm, unsigned cpu)
{
#ifdef CONFIG_PMAP_DEBUG
	if (__atomic_load_n(&pm->pm_lock.ps_owner, __ATOMIC_RELAXED) !=
	    PMAP_SPIN_OWNER(PMAP_LC_PMAP, cpu) || pm->pm_batch.urgent)
		pmap_brief_release_bad(pm, cpu);
#else
	(void)cpu;
#endif
	__atomic_store_n(&pm->pm_lock.ps_owner, 0, __ATOMIC_RELEASE);
	pmap_kern_preempt_enable();
}

/* A lock that is never taken twice: a page lock, the user-pmap list lock. */
#define pmap_spin_release(l, cpu)	pmap_spin_release_cls((l), PMAP_LC_PAGE, (cpu))


void	pmap_tlb_flush_now(struct pmap *);	/* complete pm's batch (pm locked) */

static inline unsigned
pmap_lock_cpu(struct pmap *pm)
{
	return pmap_spin_acquire(&pm->pm_lock, PMAP_LC_PMAP, false);
}

/*
 * The outermost release completes pm's urgent batch first
 * (pmap_tlb_flush_now), so a call that may not defer work returns with it
 * done.
 */
static inline void
pmap_unlock_cpu(struct pmap *pm, unsigned cpu)
{
	if (__builtin_expect(pm->pm_batch.urgent, 0) &&
	    __atomic_load_n(&pm->pm_lock.ps_owner, __ATOMIC_RELAXED) ==
	    PMAP_SPIN_OWNER(PMAP_LC_PMAP, cpu))
		pmap_tlb_flush_now(pm);
	pmap_spin_release_cls(&pm->pm_lock, PMAP_LC_PMAP, cpu);
}

static inline void
pmap_lock(struct pmap *pm)
{
	(void)pmap_lock_cpu(pm);
}

static inline bool
pmap_trylock(struct pmap *pm)
{
	return pmap_spin_acquire(&pm->pm_lock, PMAP_LC_PMAP, true) != PMAP_NOCPU;
}

static inline void
pmap_unlock(struct pmap *pm)
{
	pmap_unlock_cpu(pm, pmap_cpu_self());
}

bool	pmap_locked(const struct pmap *);	/* by this CPU */
void	pmap_lock_wait(struct pmap *);
void	pmap_users_lock(void);
void	pmap_users_unlock(void);
bool	pmap_users_locked(void);
void	pmap_users_unlock_cleanup(unsigned *);

static inline struct pmap_spin *
pmap_page_spin(struct pmap_page *pg)
{
	return &pg->pp_lock;
}

static inline unsigned
pmap_page_lock(struct pmap_page *pg)
{
	return pmap_spin_acquire(pmap_page_spin(pg), PMAP_LC_PAGE, false);
}

static inline void
pmap_page_unlock_cpu(struct pmap_page *pg, unsigned cpu)
{
	pmap_spin_release(pmap_page_spin(pg), cpu);
}

static inline void
pmap_page_unlock(struct pmap_page *pg)
{
	pmap_page_unlock_cpu(pg, pmap_cpu_self());
}

/*
 * Both pages' locks (either page may be NULL; they may share one), the
 * lower first; pmap_page_unlock2 releases what this took.
 */
struct pmap_page_locks {
	struct pmap_spin *lo, *hi;
};

static inline struct pmap_page_locks
pmap_page_lock2(struct pmap_page *a, struct pmap_page *b)
{
	struct pmap_spin *la = a != NULL ? pmap_page_spin(a) : NULL;
	struct pmap_spin *lb = b != NULL ? pmap_page_spin(b) : NULL;
	struct pmap_page_locks l = { la, lb != la ? lb : NULL };

	if (l.lo == NULL || (l.hi != NULL && l.hi < l.lo))
		l = (struct pmap_page_locks){ l.hi, l.lo };
	if (l.lo != NULL)
		pmap_spin_acquire(l.lo, PMAP_LC_PAGE, false);
	if (l.hi != NULL)
		pmap_spin_acquire(l.hi, PMAP_LC_PAGE, false);
	return l;
}

/* cpu: this CPU's index. */
static inline void
pmap_page_unlock2(struct pmap_page_locks l, unsigned cpu)
{
	if (l.hi != NULL)
		pmap_spin_release(l.hi, cpu);
	if (l.lo != NULL)
		pmap_spin_release(l.lo, cpu);
}

void	pmap_pin(void);
void	pmap_unpin(unsigned *);

/* PMAP_LOCKED's scope: the pmap and the CPU that took its lock. */
struct pmap_lock_scope {
	struct pmap	*pm;
	unsigned	 cpu;
};

static inline struct pmap_lock_scope
pmap_lock_scope(struct pmap *pm)
{
	return (struct pmap_lock_scope){ pm, pmap_lock_cpu(pm) };
}

static inline void
pmap_unlock_scope(struct pmap_lock_scope *s)
{
	pmap_unlock_cpu(s->pm, s->cpu);
}

#define PMAP_LOCKED(pm)	struct pmap_lock_scope pmap_locked_scope \
	    __attribute__((cleanup(pmap_unlock_scope), unused)) = pmap_lock_scope(pm)
#define PMAP_USERS_LOCKED() unsigned pmap_users_token \
	    __attribute__((cleanup(pmap_users_unlock_cleanup), unused)) = (pmap_users_lock(), 0)
#define PMAP_PINNED()	unsigned pmap_pin_token \
	    __attribute__((cleanup(pmap_unpin), unused)) = (pmap_pin(), 0)

/*
 * Statistics (pmap_stats.c): counters per CPU, summed when read, each
 * written only by its CPU with preemption off (a lock held or pinned);
 * the two with high-water marks are global atomics.
 */
#define PMAP_STAT_ADD_ON(cpu, f, v)	do {					\
	unsigned long *pmap_stat_p = &pmap_percpu[(cpu)].stats.f;			\
	__atomic_store_n(pmap_stat_p, *pmap_stat_p + (unsigned long)(v), __ATOMIC_RELAXED); \
} while (0)
#define PMAP_STAT_ADD(f, v)	PMAP_STAT_ADD_ON(pmap_cpu_self(), f, v)
#define PMAP_STAT_INC(f)	PMAP_STAT_ADD(f, 1)
#define PMAP_STAT_DEC(f)	PMAP_STAT_ADD(f, -1l)
void	pmap_stat_pv_inuse(long delta);
void	pmap_stat_ptp_inuse(long delta);
unsigned long pmap_stat_pv_inuse_now(void);

/* A pmap's counts, written under its lock, read without it (pmap_resident_count). */
#define PMAP_COUNT_ADD(lv, v)	__atomic_store_n(&(lv), (lv) + (v), __ATOMIC_RELAXED)

/* Geometry helpers: constants (PMAP_LEVEL_SHIFT, PMAP_LEVEL_ENTRIES) where l is. */
static inline vaddr_t pmap_level_size(int l) { return (vaddr_t)1 << PMAP_LEVEL_SHIFT(l); }
static inline unsigned pmap_level_index(int l, vaddr_t va)
{
	return (unsigned)(va >> PMAP_LEVEL_SHIFT(l)) & (PMAP_LEVEL_ENTRIES(l) - 1u);
}
static inline long pmap_level_pages(int l) { return (long)(pmap_level_size(l) >> PAGE_SHIFT); }

/*
 * Canonical addresses, from the level table alone: the root's shift plus its
 * index bits is the VA width the MMU translates (32 on the 32-bit MMUs, 48
 * with four levels of 512 entries, 57 with five).  Where that is narrower
 * than vaddr_t, the bits above are copies of the top one (sign-extended):
 * pmap_va_canonical() rebuilds a VA from table indices that way.  The kernel
 * pmap's part of the space starts at the first canonical VA at or above
 * VM_MAXUSER_ADDRESS, pmap_kernel_min(): above the non-canonical hole when
 * VM_MAXUSER_ADDRESS is the lower half's end (docs/PORTING.md), and
 * VM_MAXUSER_ADDRESS itself on a 32-bit MMU.
 */
static inline unsigned pmap_va_bits(void)
{
	return PMAP_LEVEL_SHIFT(0) + PMAP_MD_ROOT_BITS;
}
static inline vaddr_t pmap_va_canonical(vaddr_t va)
{
	unsigned b = pmap_va_bits();
	if (b >= 8 * sizeof(vaddr_t))
		return va;
	vaddr_t top = (vaddr_t)1 << (b - 1);
	return ((va & ((top << 1) - 1)) ^ top) - top;
}
static inline vaddr_t pmap_kernel_min(void)
{
	vaddr_t c = pmap_va_canonical(VM_MAXUSER_ADDRESS);
	return c > VM_MAXUSER_ADDRESS ? c : VM_MAXUSER_ADDRESS;
}

/* ---- pv entries (pmap_pv.c) ---- */
struct pv_entry {
	vaddr_t		 pv_va;		/* the pmap is in the chunk header */
	struct pv_entry	*pv_next;
};
struct pmap	*pmap_pv_pmap(const struct pv_entry *);
struct pv_entry	*pmap_pv_alloc(struct pmap *);	/* NULL if out of memory */
bool		 pmap_pv_at_soft_limit(void);
/* Each allocated chunk entry of pm until fn returns true (then true); fn changes no chunk. */
bool		 pmap_pv_chunk_foreach(struct pmap *, bool (*fn)(struct pv_entry *, void *), void *);
void		 pmap_pv_free(struct pv_entry *);
void		 pmap_pv_insert(struct pmap_page *, struct pmap *, vaddr_t, struct pv_entry **sparep);

/*
 * Record (pm, va) in pg's own slot if it is free (pmap_pv_insert's first
 * case, pmap_enter's fast path); false if it is taken.  CPU cpu (preemption
 * off), pm's lock and the page lock held.
 */
static inline bool
pmap_pv_embed(struct pmap_page *pg, struct pmap *pm, vaddr_t va, unsigned cpu)
{
	if (pg->pp_pmap != NULL)
		return false;
	pg->pp_pmap = pm;
	pg->pp_va = va;
	PMAP_STAT_ADD_ON(cpu, pv_embedded, 1);
	return true;
}
void		 pmap_pv_remove_listed(struct pmap_page *, struct pmap *, vaddr_t);

void		 pmap_pv_remove_listed_brief(struct pmap_page *, struct pmap *, vaddr_t,
		    unsigned cpu);

/*
 * If pg's own slot holds the mapping (pm, va), forget it and return true.
 * No listed mapping moves into the slot: its entry is another pmap's,
 * whose chunks only that pmap's lock covers.  The next mapping made takes
 * the slot.  Page lock held.
 */
static inline bool
pmap_pv_slot_clear(struct pmap_page *pg, struct pmap *pm, vaddr_t va)
{
	if (pg->pp_pmap != pm || pg->pp_va != va)
		return false;
	pg->pp_pmap = NULL;
	pg->pp_va = 0;
	return true;
}

/*
 * Forget the mapping (pm, va) of pg: the page's own slot inline, a listed
 * entry in pmap_pv.c.  True if it was the slot (the caller subtracts it
 * from pv_embedded, once for a run).  Page lock held: on the held stack
 * (brief false), or (brief) as a brief page lock of CPU cpu, which the
 * listed entry's removal (a call that may panic) names in the CPU's record
 * meanwhile, so that pmap_panic_unwind can let it go.
 */
static inline bool
pmap_pv_unlink(struct pmap_page *pg, struct pmap *pm, vaddr_t va, bool brief, unsigned cpu)
{
	if (pmap_pv_slot_clear(pg, pm, va))
		return true;
	if (brief)
		pmap_pv_remove_listed_brief(pg, pm, va, cpu);
	else
		pmap_pv_remove_listed(pg, pm, va);
	return false;
}

static inline void
pmap_pv_remove(struct pmap_page *pg, struct pmap *pm, vaddr_t va)
{
	if (pmap_pv_unlink(pg, pm, va, false, 0))
		PMAP_STAT_DEC(pv_embedded);
}
bool		 pmap_pv_has(struct pmap_page *, struct pmap *, vaddr_t);
unsigned	 pmap_pv_chunk_entries_inuse(struct pmap *);
unsigned	 pmap_pv_chunk_capacity(void);
/* Call fn for every mapping of pg until it returns true; fn may remove the one it is given. */
bool		 pmap_pv_foreach(struct pmap_page *, bool (*fn)(struct pmap *, vaddr_t, void *), void *);
void		 pmap_pv_chunks_check(struct pmap *, int *errs,
		    void (*print)(const char *, ...) __attribute__((format(printf, 1, 2))));

/* ---- TLB batching (pmap_tlb.c) ---- */
void	pmap_tlb_inval(struct pmap *, vaddr_t va, pt_entry_t old, enum pmap_inval_reason);

/*
 * A run of changed entries of one pmap under one hold of its lock (a range
 * operation's leaf table): the CPUs to shoot down are found once, at the
 * first entry a TLB may cache (pm_cpus holds still while pm is locked:
 * pmap_activate and pmap_leave take the lock), each entry then costs a
 * queue slot, and the statistics are added once (pmap_tlb_run_end).
 */
struct pmap_tlb_run {
	uint32_t	 targets;
	bool		 known;		/* targets found */
	bool		 drop;		/* the test hook is armed (pmap_tlb_debug_drop) */
	unsigned	 skipped;
};
extern PMAP_INTERNAL unsigned pmap_tlb_debug_drop;	/* test hooks: the suite links the library */
/* Test hook (CONFIG_PMAP_DEBUG, PMAP_DIRECT_TABLES): mi/pmap.c's unlocked pmap_extract. */
extern PMAP_INTERNAL void (*pmap_debug_extract_race)(struct pmap *, vaddr_t);
/* Test hook (CONFIG_PMAP_DEBUG): mi/pmap.c's pmap_enter fast path. */
extern PMAP_INTERNAL void (*pmap_debug_enter_fast)(struct pmap *, vaddr_t);
/* Call hook(pm, va) once if a test armed it, disarming it first (CONFIG_PMAP_DEBUG). */
#ifdef CONFIG_PMAP_DEBUG
#define PMAP_DEBUG_HOOK(hook, pm, va)	do {					\
	void (*pmap_hook_fn)(struct pmap *, vaddr_t) =				\
	    __atomic_load_n(&(hook), __ATOMIC_RELAXED);				\
	if (pmap_hook_fn != NULL) {						\
		__atomic_store_n(&(hook), NULL, __ATOMIC_RELAXED);		\
		pmap_hook_fn((pm), (va));					\
	}									\
} while (0)
#else
#define PMAP_DEBUG_HOOK(hook, pm, va)	((void)0)
#endif
bool	pmap_tlb_drop_one(void);
#define PMAP_TLB_RUN() { .drop = __atomic_load_n(&pmap_tlb_debug_drop, __ATOMIC_RELAXED) != 0 }
uint32_t pmap_tlb_targets(struct pmap *);	/* the CPUs that may cache pm's translations */
/* The run's statistics: `requested` entries were handed to pmap_tlb_run_inval. */
void	pmap_tlb_run_end(struct pmap_tlb_run *, enum pmap_inval_reason, unsigned requested);

/* Add va (all: a full flush) to pm's batch, for the CPUs targets (not none). */
static inline void
pmap_tlb_batch_add(struct pmap *pm, uint32_t targets, vaddr_t va, bool global, bool all)
{
	struct pmap_tlb_batch *b = &pm->pm_batch;

	b->targets |= targets;
	if (global)
		b->global = true;
	if (b->full)
		return;
	if (all || b->n == CONFIG_PMAP_TLB_CEILING)
		b->full = true;
	else
		b->va[b->n++] = va;
}

static inline void
pmap_tlb_run_inval(struct pmap *pm, struct pmap_tlb_run *r, vaddr_t va, pt_entry_t old)
{
	if (!pte_tlb_cached_p(old)) {
		r->skipped++;
		return;
	}
	if (__builtin_expect(r->drop, 0) && pmap_tlb_drop_one())	/* a needed one */
		return;
	if (!r->known) {
		r->targets = pmap_tlb_targets(pm);
		r->known = true;
	}
	if (r->targets == 0) {
		r->skipped++;
		return;
	}
	pmap_tlb_batch_add(pm, r->targets, va, pte_global_p(old), false);
}
/* pmap_tlb_run_end on CPU cpu, known already. */
static inline void
pmap_tlb_run_end_on(const struct pmap_tlb_run *r, enum pmap_inval_reason why,
    unsigned requested, unsigned cpu)
{
	if (requested != 0)
		PMAP_STAT_ADD_ON(cpu, inval_requested[why], requested);
	if (r->skipped != 0)
		PMAP_STAT_ADD_ON(cpu, inval_skipped, r->skipped);
}

/* pmap_tlb_inval on CPU cpu, inline (a one-page call's path): a run of one entry. */
static inline void
pmap_tlb_inval_on(struct pmap *pm, unsigned cpu, vaddr_t va, pt_entry_t old,
    enum pmap_inval_reason why)
{
	struct pmap_tlb_run r = PMAP_TLB_RUN();

	pmap_tlb_run_inval(pm, &r, va, old);
	pmap_tlb_run_end_on(&r, why, 1, cpu);
}
void	pmap_tlb_free_ptp(struct pmap *, paddr_t pa);
void	pmap_tlb_free_chunk(struct pmap *, void *chunk);
void	pmap_tlb_complete(struct pmap *);	/* before pm's lock is released */
void	pmap_tlb_leave(struct pmap *old);	/* this CPU stops running old (old locked) */
void	pmap_asid_init(void);			/* pmap_bootstrap: the tag width */
bool	pmap_tlb_spurious(vaddr_t va);	/* pmap_fault: retry once a fault A/D cannot explain */
void	pmap_tlb_fault_done(void);

/* ---- walking (pmap.c) ---- */
/* Entries met on the way to va: path[l] points at the entry in the level-l table. */
struct pmap_path {
	pt_entry_t	*pte[PMAP_MD_NLEVELS];
	int		 level;		/* level of the leaf or of the first invalid entry */
};
bool	pmap_path_lookup(struct pmap *, vaddr_t, struct pmap_path *);
typedef void (*pmap_leaf_fn)(struct pmap *, vaddr_t va, pt_entry_t *ptep, unsigned n,
	    int level, struct pmap_page *table, void *arg);
void	pmap_walk_range(struct pmap *, vaddr_t sva, vaddr_t eva, pmap_leaf_fn, void *arg,
	    bool free_tables);
struct pmap_page *pmap_table_page(pt_entry_t parent, int level);

#endif /* MI_PMAP_INT_H */
