/*
 * The machine-independent pmap: pmap(9) over the MD contract in
 * <pmap/pmap_md_ops.h>.
 *
 * Tables are reached only through pmap_md_ops.table(); entries only through
 * the backend's <pte.h>.  One walker (pmap_walk_range) serves every range
 * operation with a per-table callback, for any number of levels.
 *
 * Accounting: pm_resident and pm_wired count base pages mapped by valid
 * leaves (a large leaf counts as the base pages it covers; kenter'd
 * mappings count as wired).  A page-table page's record counts its valid
 * entries in pp_ptpcount; user page-table pages are freed when that reaches
 * zero, kernel ones never (they are shared by every address space).
 */
#include "pmap_int.h"

static struct pmap kernel_pmap_store;
static struct pmap *pmap_users;		/* every user pmap */
static struct pmap *pmap_pool;		/* free struct pmaps */
static bool pmap_initialized;
static vaddr_t virtual_avail, virtual_end;
static vaddr_t kva_grown;		/* kernel tables exist below this */
/* Physical-address bits mappable on this CPU (pmap_pa_bits, fixed at bootstrap). */
static unsigned pmap_pa_width = PMAP_PA_BITS;
static uint64_t pmap_pa_end = (uint64_t)1 << PMAP_PA_BITS;	/* 1 << pmap_pa_width */
#define PMAP_PA_TOP	(pmap_pa_end - 1)
_Static_assert(PMAP_PA_BITS < 64, "pmap_pa_end: a physical address of fewer than 64 bits");

struct pmap *
pmap_kernel(void)
{
	return &kernel_pmap_store;
}

/* ---------------------------------------------------------------- checks */

/* v (a va or a pa, tested at its own width) page aligned. */
#define pmap_check_page_aligned(fn, what, v)						\
	KASSERTMSG(((v) & PAGE_MASK) == 0, "%s: %s %#llx not page aligned", (fn), (what),	\
	    (unsigned long long)(v))

static void
pmap_check_pa(const char *fn, paddr_t pa)
{
	pmap_check_page_aligned(fn, "pa", pa);
	KASSERTMSG((uint64_t)pa < pmap_pa_end,	/* pa + PAGE_MASK <= PMAP_PA_TOP: pa is aligned */
	    "%s: pa %#llx beyond the %u-bit physical address space", fn,
	    (unsigned long long)pa, pmap_pa_width);
}

/*
 * [sva, eva) must be page aligned, ordered, and inside pm's part of the
 * space (inline: pmap_remove's one-page path runs it every call).
 */
static inline __attribute__((always_inline)) void
pmap_check_range(const char *fn, struct pmap *pm, vaddr_t sva, vaddr_t eva)
{
	pmap_check_page_aligned(fn, "sva", sva);
	pmap_check_page_aligned(fn, "eva", eva);
	KASSERTMSG(sva <= eva, "%s: sva %#" PMAP_PRIxVADDR " > eva %#" PMAP_PRIxVADDR
	    " (reversed, or wraps the address space)", fn, sva, eva);
	if (sva == eva)
		return;
	if (pm->pm_is_kernel) {
		KASSERTMSG(sva >= VM_MAXUSER_ADDRESS,
		    "%s: user va %#" PMAP_PRIxVADDR " in the kernel pmap", fn, sva);
		KASSERTMSG(sva >= pmap_kernel_min(), "%s: va %#" PMAP_PRIxVADDR " is not "
		    "canonical (the MMU translates %u bits)", fn, sva, pmap_va_bits());
		KASSERTMSG(!pmap_md_ops.reserved_range(sva, eva),
		    "%s: range %#" PMAP_PRIxVADDR "-%#" PMAP_PRIxVADDR " touches a reserved area",
		    fn, sva, eva);
	} else {
		KASSERTMSG(sva >= VM_MIN_ADDRESS && eva <= VM_MAXUSER_ADDRESS,
		    "%s: range %#" PMAP_PRIxVADDR "-%#" PMAP_PRIxVADDR " outside the user space "
		    "of pmap %p", fn, sva, eva, (void *)pm);
	}
}

/* A single page at va in pm's part of the space (inline: every single-page call's path). */
static inline __attribute__((always_inline)) void
pmap_check_va(const char *fn, struct pmap *pm, vaddr_t va)
{
	pmap_check_page_aligned(fn, "va", va);
	if (pm->pm_is_kernel) {
		KASSERTMSG(va >= VM_MAXUSER_ADDRESS,
		    "%s: user va %#" PMAP_PRIxVADDR " in the kernel pmap", fn, va);
		KASSERTMSG(va >= pmap_kernel_min(), "%s: va %#" PMAP_PRIxVADDR " is not "
		    "canonical (the MMU translates %u bits)", fn, va, pmap_va_bits());
		KASSERTMSG(!pmap_md_ops.reserved_range(va, va + PAGE_SIZE),
		    "%s: va %#" PMAP_PRIxVADDR " is in a reserved area", fn, va);
	} else {
		KASSERTMSG(va >= VM_MIN_ADDRESS && va < VM_MAXUSER_ADDRESS,
		    "%s: va %#" PMAP_PRIxVADDR " outside the user space of pmap %p", fn, va,
		    (void *)pm);
	}
}

/*
 * The prots a mapping may have (a bit each): not NONE, and no write without
 * read (pmap_check_prot's rule; pmap_enter's single test, bootstrap's check
 * of pte_make).
 */
#define PMAP_ENTER_PROTS	(1u << VM_PROT_READ | 1u << (VM_PROT_READ | VM_PROT_WRITE) | \
	1u << VM_PROT_EXECUTE | 1u << (VM_PROT_READ | VM_PROT_EXECUTE) | 1u << VM_PROT_ALL)

static void
pmap_check_prot(const char *fn, vm_prot_t prot)
{
	KASSERTMSG((prot & ~VM_PROT_ALL) == 0, "%s: bad prot %#x", fn, prot);
	KASSERTMSG(!(prot & VM_PROT_WRITE) || (prot & VM_PROT_READ),
	    "%s: prot %#x has write without read", fn, prot);
}

/* --------------------------------------------------------------- walking */

struct pmap_page *
pmap_table_page(pt_entry_t parent, int level)
{
	paddr_t pa = pte_pa(parent, level);
	struct pmap_page *pg = pmap_kern_phys_to_page(pa);

	KASSERTMSG(pg != NULL, "pmap_table_page: table at pa %#llx has no page record",
	    (unsigned long long)pa);
	return pg;
}

/*
 * Walk to va.  True if a leaf slot was reached: path->level is the level of
 * a valid large leaf or of the leaf-level slot (valid or not).  False if a
 * table is missing: path->level is the level of the invalid entry.
 */
bool
pmap_path_lookup(struct pmap *pm, vaddr_t va, struct pmap_path *path)
{
	pt_entry_t parent = 0;

	for (int l = 0;; l++) {
		pt_entry_t *tbl = pmap_md_ops.table(pm, l, va, parent);
		path->pte[l] = &tbl[pmap_level_index(l, va)];
		path->level = l;
		if (l == PMAP_LEAF_LEVEL)
			return true;
		parent = pte_load(path->pte[l]);
		if (!pte_valid_p(parent))
			return false;
		if (pte_leaf_p(parent, l))
			return true;
	}
}

/* Record of the table holding path's entry at level l (NULL for the root). */
static struct pmap_page *
pmap_path_table(const struct pmap_path *path, int l)
{
	return l == 0 ? NULL : pmap_table_page(pte_load(path->pte[l - 1]), l - 1);
}

/* The walk cache (struct pmap_walk_cache, pmap_int.h): one per CPU in pmap_percpu. */

/*
 * Step pm's walk generation: every walk cache entry of pm is stale.  With
 * PMAP_DIRECT_TABLES the store is atomic and fenced for pmap_extract's
 * unlocked readers: a table unhooked before the step is freed (its page
 * reused) only after it, so a reader that saw the reused page's contents
 * sees the new generation.  pm's extract hint is cleared first, behind a
 * release fence, so a reader that sees the new generation sees no hint
 * older than it.  Elsewhere only lock holders read it.
 *
 * Where vaddr_t is 32 bits wide the CPU may have no 64-bit atomic access
 * (rv32): the generation is stepped and read by halves.  A step stores the
 * high half first when the low one carries, then the low half; a reader
 * loads high, low, high (pmap_walk_gen_begin) and takes a pair whose two
 * high loads differ for no generation.  The one pair it can take that was
 * never the generation, the new high half with the old low half at a
 * carry, lies above every value held so far, so no cache entry holds it.
 */
#define PMAP_GEN_SPLIT	(sizeof(vaddr_t) < sizeof(uint64_t))
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
enum { PMAP_GEN_LO = 0, PMAP_GEN_HI = 1 };
#else
enum { PMAP_GEN_LO = 1, PMAP_GEN_HI = 0 };
#endif
#define PMAP_GEN_NONE	UINT64_MAX	/* no generation (never reached) */
/* Leaf-table tags + 1 fit in a table address's page-offset bits: pmap_extract's hint. */
#define PMAP_EXTRACT_HINT \
	(pmap_va_bits() - PMAP_LEVEL_SHIFT(PMAP_LEAF_LEVEL - 1) < PAGE_SHIFT)

static inline void
pmap_walk_gen_step(struct pmap *pm)
{
#ifdef PMAP_DIRECT_TABLES
	__atomic_store_n(&pm->pm_extract_hint, 0, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (PMAP_GEN_SPLIT) {
		uint32_t lo = pm->pm_walk_gen32[PMAP_GEN_LO] + 1;
		if (lo == 0)
			__atomic_store_n(&pm->pm_walk_gen32[PMAP_GEN_HI],
			    pm->pm_walk_gen32[PMAP_GEN_HI] + 1, __ATOMIC_RELAXED);
		__atomic_store_n(&pm->pm_walk_gen32[PMAP_GEN_LO], lo, __ATOMIC_RELEASE);
	} else {
		__atomic_store_n(&pm->pm_walk_gen, pm->pm_walk_gen + 1, __ATOMIC_RELAXED);
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);
#else
	pm->pm_walk_gen++;
#endif
}

#ifdef PMAP_DIRECT_TABLES
/* pm's generation without its lock (an acquire) in *genp; false for a torn pair. */
static inline bool
pmap_walk_gen_begin(const struct pmap *pm, uint64_t *genp)
{
	if (!PMAP_GEN_SPLIT) {
		*genp = __atomic_load_n(&pm->pm_walk_gen, __ATOMIC_ACQUIRE);
		return true;
	}
	uint32_t hi = __atomic_load_n(&pm->pm_walk_gen32[PMAP_GEN_HI], __ATOMIC_ACQUIRE);
	uint32_t lo = __atomic_load_n(&pm->pm_walk_gen32[PMAP_GEN_LO], __ATOMIC_ACQUIRE);
	*genp = (uint64_t)hi << 32 | lo;
	return __atomic_load_n(&pm->pm_walk_gen32[PMAP_GEN_HI], __ATOMIC_RELAXED) == hi;
}

/* pm's generation without its lock (an acquire); PMAP_GEN_NONE for a torn pair. */
static inline uint64_t
pmap_walk_gen_load(const struct pmap *pm)
{
	uint64_t gen;

	return pmap_walk_gen_begin(pm, &gen) ? gen : PMAP_GEN_NONE;
}

/*
 * Whether pm's generation is still gen, read by pmap_walk_gen_begin before
 * (a sequence lock's second read).  By halves: the low half (an acquire, so
 * that a carry stored before it is seen), then the high one; the same low
 * half after a change means 2^32 steps or more, so a carry, so a new high half.
 */
static inline bool
pmap_walk_gen_same(const struct pmap *pm, uint64_t gen)
{
	if (!PMAP_GEN_SPLIT)
		return __atomic_load_n(&pm->pm_walk_gen, __ATOMIC_ACQUIRE) == gen;
	return __atomic_load_n(&pm->pm_walk_gen32[PMAP_GEN_LO], __ATOMIC_ACQUIRE) == (uint32_t)gen &&
	    __atomic_load_n(&pm->pm_walk_gen32[PMAP_GEN_HI], __ATOMIC_RELAXED) == gen >> 32;
}
#endif

/*
 * The leaf-level slot for va in pm, where tables reach down to it (NULL: a
 * table is missing, or a large leaf covers va), and in *tppp the record of
 * the leaf table holding it.  A lookup in the span of the leaf table the
 * CPU's cache names asks the backend for that table alone; another walks
 * from the root and fills the cache.  pm locked on CPU cpu.
 */
static pt_entry_t *pmap_leaf_slot_walk(struct pmap *, struct pmap_walk_cache *, vaddr_t,
    struct pmap_page **);

/* Whether wc names the leaf table for va in pm at generation gen. */
static inline bool
pmap_walk_cache_hit(const struct pmap_walk_cache *wc, const struct pmap *pm, uint64_t gen,
    vaddr_t va)
{
	return wc->pm == pm && wc->gen == gen &&
	    wc->tag == va >> PMAP_LEVEL_SHIFT(PMAP_LEAF_LEVEL - 1);
}

/*
 * The leaf slot for va in the table a hit of wc names: never NULL (said to
 * the compiler, so that a caller's test of pmap_leaf_slot's answer is made
 * on the walk's path alone).
 */
static inline pt_entry_t *
pmap_walk_cache_slot(const struct pmap_walk_cache *wc, struct pmap *pm, vaddr_t va)
{
#ifdef PMAP_DIRECT_TABLES
	(void)pm;
	pt_entry_t *tbl = wc->tbl;
#else
	pt_entry_t *tbl = pmap_md_ops.table(pm, PMAP_LEAF_LEVEL, va, wc->pde);
#endif
	if (tbl == NULL)
		__builtin_unreachable();
	return &tbl[pmap_level_index(PMAP_LEAF_LEVEL, va)];
}

static inline pt_entry_t *
pmap_leaf_slot(struct pmap *pm, unsigned cpu, vaddr_t va, struct pmap_page **tppp)
{
	struct pmap_walk_cache *wc = &pmap_percpu[cpu].wc;

	if (__builtin_expect(!pmap_walk_cache_hit(wc, pm, pm->pm_walk_gen, va), 0))
		return pmap_leaf_slot_walk(pm, wc, va, tppp);
	*tppp = wc->tpp;
	return pmap_walk_cache_slot(wc, pm, va);
}

/* pmap_leaf_slot from the root, filling the cache wc. */
static pt_entry_t *
pmap_leaf_slot_walk(struct pmap *pm, struct pmap_walk_cache *wc, vaddr_t va,
    struct pmap_page **tppp)
{
	vaddr_t tag = va >> PMAP_LEVEL_SHIFT(PMAP_LEAF_LEVEL - 1);
	struct pmap_path path;
	if (!pmap_path_lookup(pm, va, &path) || path.level != PMAP_LEAF_LEVEL)
		return NULL;
	pt_entry_t pde = pte_load(path.pte[PMAP_LEAF_LEVEL - 1]);
	*tppp = pmap_table_page(pde, PMAP_LEAF_LEVEL - 1);
	/*
	 * Only a pmap's own space is cached: a user root's kernel entries are
	 * copies that change with the kernel pmap's generation, not this one's.
	 */
	if (pm->pm_is_kernel || va < VM_MAXUSER_ADDRESS) {
		if (wc->pm != pm)
			wc->pte_key = 0;	/* the kept leaf bits were another pmap's */
		wc->pm = pm;
		wc->gen = pm->pm_walk_gen;
		wc->tag = tag;
		wc->pde = pde;
		wc->tpp = *tppp;
#ifdef PMAP_DIRECT_TABLES
		wc->tbl = pmap_md_ops.table_direct != NULL ?
		    pmap_md_ops.table_direct(pte_pa(pde, PMAP_LEAF_LEVEL - 1)) :
		    path.pte[PMAP_LEAF_LEVEL] - pmap_level_index(PMAP_LEAF_LEVEL, va);
		if (PMAP_EXTRACT_HINT && ((uintptr_t)wc->tbl & PAGE_MASK) == 0)
			__atomic_store_n(&pm->pm_extract_hint,
			    (uintptr_t)wc->tbl | (uintptr_t)(tag + 1), __ATOMIC_RELEASE);
#endif
	}
	return path.pte[PMAP_LEAF_LEVEL];
}

/*
 * A root entry of pm (the one for va) became valid or invalid: a user
 * pmap's bitmap of used root slots follows (every user-space root entry is
 * mi/'s: a table or a leaf it installed).  The kernel pmap keeps none: its
 * root entries are the backend's too, and its walks visit every slot.
 */
static inline void
pmap_root_note(struct pmap *pm, int l, vaddr_t va, bool valid)
{
	if (l != 0 || pm->pm_is_kernel)
		return;
	unsigned i = pmap_level_index(0, va);
	uint64_t bit = (uint64_t)1 << (i % 64);

	if (valid)
		pm->pm_root_used[i / 64] |= bit;
	else
		pm->pm_root_used[i / 64] &= ~bit;
}

/* The first used root slot of user pmap pm at or after i (any past last if none up to it). */
static unsigned
pmap_root_next(const struct pmap *pm, unsigned i, unsigned last)
{
	while (i <= last) {
		uint64_t w = pm->pm_root_used[i / 64] >> (i % 64);
		if (w != 0)
			return i + (unsigned)__builtin_ctzll(w);
		i = (i | 63u) + 1;
	}
	return i;
}

/*
 * The backend's table_changed; for the kernel pmap with the user-pmap list
 * locked, as the backend may push a kernel root entry into every user root.
 */
static void
pmap_table_changed(struct pmap *pm, int l, vaddr_t va, bool installed)
{
	pmap_walk_gen_step(pm);	/* every walk cache entry of pm is stale */
	if (!pm->pm_is_kernel) {
		pmap_md_ops.table_changed(pm, l, va, installed);
		return;
	}
	pmap_users_lock();
	pmap_md_ops.table_changed(pm, l, va, installed);
	pmap_users_unlock();
}

/* The table behind entry e (level l, covering va) is empty: unhook it. */
static void
pmap_free_table(struct pmap *pm, int l, vaddr_t va, pt_entry_t *e, struct pmap_page *tpp)
{
	pt_entry_t old = pte_swap(e, 0);

	pmap_root_note(pm, l, va, false);
	pmap_table_changed(pm, l, va, false);
	if (tpp != NULL)
		tpp->pp_ptpcount--;
	PMAP_COUNT_ADD(pm->pm_ptps, -1);
	if (pm->pm_is_kernel)
		PMAP_STAT_DEC(ptp_kernel);
	pmap_tlb_free_ptp(pm, pte_pa(old, l));
}

/* After a leaf of a user pmap went away, free the tables it leaves empty. */
static void
pmap_unref_tables(struct pmap *pm, vaddr_t va, struct pmap_path *path)
{
	if (pm->pm_is_kernel)
		return;
	for (int l = path->level - 1; l >= 0; l--) {
		struct pmap_page *cpp = pmap_table_page(pte_load(path->pte[l]), l);
		if (cpp->pp_ptpcount != 0)
			return;
		pmap_free_table(pm, l, va, path->pte[l], pmap_path_table(path, l));
	}
}

/*
 * The entries of the table of level l (record tpp, NULL for the root) in
 * [sva, eva): fn for leaves, recursion for tables.  Only the used ones cost:
 * a user pmap's root by its bitmap, a table below by its count (the walk
 * stops once it met as many valid entries as the table holds), so a range
 * over nothing costs what the tables present cost, not the range's size.
 */
static void
walk_level(struct pmap *pm, int l, vaddr_t sva, vaddr_t eva, pt_entry_t parent,
    struct pmap_page *tpp, pmap_leaf_fn fn, void *arg, bool free_tables)
{
	pt_entry_t *tbl = pmap_md_ops.table(pm, l, sva, parent);

	if (l == PMAP_LEAF_LEVEL) {
		fn(pm, sva, &tbl[pmap_level_index(l, sva)],
		    (unsigned)((eva - sva) >> PAGE_SHIFT), l, tpp, arg);
		return;
	}
	vaddr_t size = pmap_level_size(l), base = sva & ~(size - 1);
	unsigned first = pmap_level_index(l, sva), last = pmap_level_index(l, eva - 1);
	bool bitmap = l == 0 && !pm->pm_is_kernel;
	unsigned left = tpp != NULL ? tpp->pp_ptpcount : ~0u;	/* valid entries not yet met */

	for (unsigned i = first; i <= last && left > 0; i++) {
		if (bitmap && (i = pmap_root_next(pm, i, last)) > last)
			break;
		while (i < last && !pte_valid_p(pte_load(&tbl[i])))	/* the empty ones, tightly */
			i++;
		pt_entry_t *e = &tbl[i];
		pt_entry_t pde = pte_load(e);
		if (!pte_valid_p(pde))
			continue;
		left--;
		vaddr_t start = base + (vaddr_t)(i - first) * size, va = i == first ? sva : start;
		vaddr_t next = start + size;
		if (next == 0 || next > eva)
			next = eva;
		if (pte_leaf_p(pde, l)) {
			fn(pm, va, e, 1, l, tpp, arg);
			continue;
		}
		struct pmap_page *cpp = pmap_table_page(pde, l);
		walk_level(pm, l + 1, va, next, pde, cpp, fn, arg, free_tables);
		if (free_tables && cpp->pp_ptpcount == 0)
			pmap_free_table(pm, l, va, e, tpp);
	}
}

/*
 * Call fn once per leaf table (with the run of entries inside [sva, eva))
 * and once per large leaf met; skip missing tables a whole level at a time.
 * With free_tables, tables left empty are unhooked and queued for freeing.
 */
void
pmap_walk_range(struct pmap *pm, vaddr_t sva, vaddr_t eva, pmap_leaf_fn fn, void *arg,
    bool free_tables)
{
	if (sva < eva)
		walk_level(pm, 0, sva, eva, 0, NULL, fn, arg, free_tables);
}

static void pmap_kernel_tables(vaddr_t va, const char *fn);

/* ------------------------------------------------------- leaf primitives */

static void
pmap_harvest(struct pmap_page *pg, pt_entry_t pte)
{
	if (pte_referenced_p(pte))
		pg->pp_attrs |= PP_REFERENCED;
	if (pte_modified_p(pte))
		pg->pp_attrs |= PP_MODIFIED;
}

/*
 * Remove the valid leaf *ptep (level l) mapping va.  tpp is the record of
 * the table holding it; `held` a page whose lock the caller holds (or
 * NULL): the mapped page's lock is taken unless it is that one.  The
 * caller frees tables left empty.
 */
static void
pmap_remove_leaf(struct pmap *pm, vaddr_t va, pt_entry_t *ptep, int l,
    struct pmap_page *tpp, enum pmap_inval_reason why, struct pmap_page *held)
{
	pt_entry_t old = pte_swap(ptep, 0);
	long npages = pmap_level_pages(l);

	PMAP_COUNT_ADD(pm->pm_resident, -npages);
	if (pte_wired_p(old))
		PMAP_COUNT_ADD(pm->pm_wired, -npages);
	if (tpp != NULL)
		tpp->pp_ptpcount--;
	if (pte_managed_p(old)) {
		struct pmap_page *pg = pmap_kern_phys_to_page(pte_pa(old, l));
		bool lock = pg != held;	/* its pv list and attributes */
		if (lock)
			pmap_page_lock(pg);
		pmap_harvest(pg, old);
		pmap_pv_remove(pg, pm, va);
		if (lock)
			pmap_page_unlock(pg);
	}
	if (l != PMAP_LEAF_LEVEL) {
		PMAP_STAT_DEC(large_mappings);
		pmap_root_note(pm, l, va, false);
		pmap_table_changed(pm, l, va, false);
	}
	pmap_tlb_inval(pm, va, old, why);
	if (l != PMAP_LEAF_LEVEL && pm->pm_is_kernel && va < kva_grown)
		pmap_kernel_tables(va, "pmap_remove_leaf (table under a removed large mapping)");
}

/* Store a new leaf where there was none. */
static void
pmap_install_leaf(struct pmap *pm, vaddr_t va, pt_entry_t *ptep, int l,
    struct pmap_page *tpp, pt_entry_t npte)
{
	long npages = pmap_level_pages(l);

	pte_store(ptep, npte);
	PMAP_COUNT_ADD(pm->pm_resident, npages);
	if (pte_wired_p(npte))
		PMAP_COUNT_ADD(pm->pm_wired, npages);
	if (tpp != NULL)
		tpp->pp_ptpcount++;
	if (l != PMAP_LEAF_LEVEL) {
		PMAP_STAT_INC(large_mappings);
		pmap_root_note(pm, l, va, true);
		pmap_table_changed(pm, l, va, true);
	}
}

/*
 * Atomically replace the leaf with f(old), keeping A/D the MMU sets
 * meanwhile; old is what the caller last read there.  Always inline, so
 * that f is a known function at each call (a range's loop pays no indirect
 * call per entry).
 */
static inline __attribute__((always_inline)) pt_entry_t
pmap_pte_update_from(pt_entry_t *ptep, pt_entry_t old,
    pt_entry_t (*f)(pt_entry_t, const void *), const void *arg)
{
	while (!pte_cas(ptep, &old, f(old, arg)))
		continue;
	return old;
}

static inline __attribute__((always_inline)) pt_entry_t
pmap_pte_update(pt_entry_t *ptep, pt_entry_t (*f)(pt_entry_t, const void *),
    const void *arg)
{
	return pmap_pte_update_from(ptep, pte_load(ptep), f, arg);
}

/* ------------------------------------------------------ table allocation */

static int
pmap_ptp_alloc(struct pmap *pm, paddr_t *pap)
{
	int error = pmap_md_ops.ptp_limit ? pmap_kern_page_alloc_below(pmap_md_ops.ptp_limit, pap) :
	    pmap_kern_page_alloc(pap);

	if (error)
		return error;
	/* A table the backend cannot reach (or the MMU cannot walk) is never used. */
	KASSERTMSG(pmap_md_ops.ptp_limit == 0 || *pap < pmap_md_ops.ptp_limit,
	    "pmap_ptp_alloc: page %#llx from pmap_kern_page_alloc_below is not below %#llx",
	    (unsigned long long)*pap, (unsigned long long)pmap_md_ops.ptp_limit);
	struct pmap_page *pg = pmap_kern_phys_to_page(*pap);
	KASSERTMSG(pg != NULL && pg->pp_pmap == NULL && pg->pp_ptpcount == 0,
	    "pmap_ptp_alloc: page %#llx from the kernel is not free",
	    (unsigned long long)*pap);
	pmap_md_ops.zero_page(*pap);
	pmap_md_count_table(pm->pm_is_kernel);
	return 0;
}

void
pmap_md_count_table(bool kernel)
{
	PMAP_STAT_INC(ptp_allocs);
	if (kernel)
		PMAP_STAT_INC(ptp_kernel);
	pmap_stat_ptp_inuse(1);
}

void
pmap_md_uncount_table(void)
{
	pmap_stat_ptp_inuse(-1);
	PMAP_STAT_INC(ptp_frees);
}

paddr_t
pmap_md_boot_table(void)
{
	paddr_t pa;

	if (pmap_kern_page_alloc_below(PMAP_RAM_BASE + PMAP_BOOTMAP_SIZE, &pa) != 0)
		pmap_kern_panic("pmap_bootstrap: no page inside the boot map (below %#llx) for "
		    "a kernel page table", (unsigned long long)(PMAP_RAM_BASE + PMAP_BOOTMAP_SIZE));
	pmap_md_count_table(true);
	return pa;
}

/*
 * The backend made `entries` valid entries in the kernel table at `table`
 * (level `level`) at bootstrap, `leaves` of them leaves: the table's count
 * (a root keeps none), the kernel pmap's resident and wired base pages,
 * large leaves in the statistics.
 */
void
pmap_md_boot_account(paddr_t table, int level, unsigned entries, unsigned leaves)
{
	pmap_walk_gen_step(&kernel_pmap_store);	/* the backend made entries, maybe above the leaves */
	struct pmap *kpm = &kernel_pmap_store;
	struct pmap_page *pp = pmap_kern_phys_to_page(table);

	KASSERTMSG(leaves <= entries && level >= 0 && level < PMAP_MD_NLEVELS,
	    "pmap_md_boot_account: level %d, %u entries, %u leaves", level, entries, leaves);
	if (pp != NULL && level > 0)
		pp->pp_ptpcount = (uint16_t)(pp->pp_ptpcount + entries);
	PMAP_COUNT_ADD(kpm->pm_resident, (long)leaves * pmap_level_pages(level));
	PMAP_COUNT_ADD(kpm->pm_wired, (long)leaves * pmap_level_pages(level));
	if (level != PMAP_LEAF_LEVEL)
		PMAP_STAT_ADD(large_mappings, leaves);
}

/*
 * Fill entries `first` on of the kernel table at `table` (level `level`,
 * reached through table_page) so that they map [pa, end) at its direct-map
 * addresses, up to the table's end: the largest leaves the level table
 * allows that fit whole and hold no byte of the kernel text, else a new
 * table one level down (from pmap_md_boot_table); text pages read/execute,
 * the rest read/write, global and wired, counted as the kernel pmap's.
 * Adds the entries made to the table's count and returns their number.
 */
unsigned
pmap_md_boot_direct(paddr_t table, unsigned first, paddr_t pa, paddr_t end, int level,
    const struct pmap_bootstrap_args *a)
{
	pmap_walk_gen_step(&kernel_pmap_store);	/* entries above the leaf level, maybe */
	vaddr_t step = pmap_level_size(level);
	unsigned n = 0, leaves = 0;

	for (unsigned i = first; i < PMAP_LEVEL_ENTRIES(level) && pa < end;
	    i++, pa += step, n++) {
		bool text = pa < a->text_end && pa + step > a->text_start;
		pt_entry_t e;
		if (level == PMAP_LEAF_LEVEL ||
		    (pmap_md_levels[level].pl_leaf_ok && end - pa >= step && !text)) {
			e = pte_make(pa, text ? VM_PROT_READ | VM_PROT_EXECUTE :
			    VM_PROT_READ | VM_PROT_WRITE, PMAP_MK_GLOBAL | PMAP_MK_WIRED, level);
			leaves++;
		} else {
			paddr_t sub = pmap_md_boot_table();
			memset(pmap_md_ops.table_page(sub), 0, PAGE_SIZE);
			pmap_md_boot_direct(sub, 0, pa, end, level + 1, a);
			e = pte_make_table(sub, false, level);
		}
		pmap_md_ops.table_page(table)[i] = e;	/* again: the recursion used it */
	}
	pmap_md_boot_account(table, level, n, leaves);
	return n;
}

/*
 * Entry `slot` of the kernel table at `table` (level `level`) points at
 * the kernel table `next`, one level down: counted in `table`, but a root's.
 */
void
pmap_md_boot_link(paddr_t table, int level, unsigned slot, paddr_t next)
{
	pt_entry_t *e = &pmap_md_ops.table_page(table)[slot];
	bool was = pte_valid_p(pte_load(e));

	KASSERTMSG(level < PMAP_LEAF_LEVEL && slot < PMAP_LEVEL_ENTRIES(level),
	    "pmap_md_boot_link: level %d slot %u", level, slot);
	pte_store(e, pte_make_table(next, false, level));
	pmap_md_boot_account(table, level, was ? 0 : 1, 0);
	pmap_walk_gen_step(&kernel_pmap_store);
}

static void
pmap_ptp_unalloc(paddr_t pa)
{
	pmap_kern_page_free(pa);
	PMAP_STAT_DEC(ptp_allocs);
	pmap_stat_ptp_inuse(-1);
}

/*
 * Hook the tables ptps[] into the path below its first invalid entry
 * (path->level), top-down, and complete the path to the slot at level `to`
 * (the leaf level, or a large leaf's).
 */
static void
pmap_install_tables_to(struct pmap *pm, vaddr_t va, struct pmap_path *path, const paddr_t *ptps,
    int to)
{
	for (int l = path->level, i = 0; l < to; l++, i++) {
		pt_entry_t pde = pte_make_table(ptps[i], !pm->pm_is_kernel, l);
		pte_store(path->pte[l], pde);
		PMAP_COUNT_ADD(pm->pm_ptps, 1);
		if (l > 0)
			pmap_path_table(path, l)->pp_ptpcount++;
		pmap_root_note(pm, l, va, true);	/* a table hooked in */
		pmap_table_changed(pm, l, va, true);
		pt_entry_t *tbl = pmap_md_ops.table(pm, l + 1, va, pde);
		path->pte[l + 1] = &tbl[pmap_level_index(l + 1, va)];
	}
	path->level = to;
}

static void
pmap_install_tables(struct pmap *pm, vaddr_t va, struct pmap_path *path, const paddr_t *ptps)
{
	pmap_install_tables_to(pm, va, path, ptps, PMAP_LEAF_LEVEL);
}

/* ------------------------------------------------------------- bootstrap */

/*
 * The frame part of a leaf entry for pa.  <pte.h>'s contract (PORTING.md):
 * a leaf's pte_make is this frame ORed with bits that depend on prot and mk
 * alone, the two disjoint, so that pmap_enter can keep the bits of its last
 * (prot, flags) and add each page's frame.  pmap_check_pte_make verifies it.
 */
static inline pt_entry_t
pmap_leaf_frame(paddr_t pa)
{
	return pte_make(pa, VM_PROT_ALL, 0, PMAP_LEAF_LEVEL) ^
	    pte_make(0, VM_PROT_ALL, 0, PMAP_LEAF_LEVEL);
}

/* The contract above, for every prot and property set, at three frames (after md bootstrap). */
static void
pmap_check_pte_make(void)
{
	paddr_t top = (paddr_t)(PMAP_PA_TOP & ~(uint64_t)PAGE_MASK);
	const paddr_t pas[] = { PAGE_SIZE, top, top & (paddr_t)0x5555555555555000ull };

	for (vm_prot_t prot = VM_PROT_READ; prot <= VM_PROT_ALL; prot++) {
		if (!(PMAP_ENTER_PROTS >> prot & 1))
			continue;
		for (unsigned mk = 0; mk <= PMAP_MK_ALL; mk++) {
			pt_entry_t bits = pte_make(0, prot, mk, PMAP_LEAF_LEVEL);
			for (unsigned i = 0; i < sizeof(pas) / sizeof(pas[0]); i++) {
				pt_entry_t f = pmap_leaf_frame(pas[i]);
				KASSERTMSG(pte_make(pas[i], prot, mk, PMAP_LEAF_LEVEL) == (f | bits) &&
				    (f & bits) == 0 && pte_pa(f | bits, PMAP_LEAF_LEVEL) == pas[i],
				    "pmap_bootstrap: the backend's pte_make(pa %#llx, prot %#x, mk %#x) "
				    "is not the frame %#llx ORed with pte_make(0, ...) %#llx",
				    (unsigned long long)pas[i], prot, mk, (unsigned long long)f,
				    (unsigned long long)bits);
			}
		}
	}
}

void
pmap_bootstrap(const struct pmap_bootstrap_args *args)
{
	PMAP_LOCKED(&kernel_pmap_store);
	struct pmap *kpm = &kernel_pmap_store;

	pmap_pa_width = pmap_pa_bits();
	pmap_pa_end = (uint64_t)1 << pmap_pa_width;
	/*
	 * The layout against the level table: with canonical addresses the
	 * user part is the lower half exactly, so that the kernel part,
	 * from pmap_kernel_min(), lies wholly above the hole.
	 */
	unsigned vbits = pmap_va_bits();
	KASSERTMSG(vbits >= 8 * sizeof(vaddr_t) || VM_MAXUSER_ADDRESS == (vaddr_t)1 << (vbits - 1),
	    "pmap_bootstrap: VM_MAXUSER_ADDRESS %#" PMAP_PRIxVADDR " must end the lower half "
	    "of the %u-bit space the level table spans", (vaddr_t)VM_MAXUSER_ADDRESS, vbits);
	KASSERTMSG(VM_MIN_KERNEL_VA >= pmap_kernel_min() && VM_MIN_KERNEL_VA < VM_MAX_KERNEL_VA,
	    "pmap_bootstrap: kernel VA %#" PMAP_PRIxVADDR "-%#" PMAP_PRIxVADDR " is not in the "
	    "kernel part, from %#" PMAP_PRIxVADDR, (vaddr_t)VM_MIN_KERNEL_VA,
	    (vaddr_t)VM_MAX_KERNEL_VA, pmap_kernel_min());
	_Static_assert(PMAP_LEVEL_ENTRIES(0) <= PMAP_ROOT_SLOTS_MAX,
	    "a root of more entries than PMAP_ROOT_SLOTS_MAX");
	_Static_assert(PMAP_LEVEL_SHIFT(PMAP_LEAF_LEVEL) == PAGE_SHIFT,
	    "the leaf level indexes base pages");
	for (int l = 0; l < PMAP_MD_NLEVELS; l++)
		KASSERTMSG(pmap_md_levels[l].pl_shift == PMAP_LEVEL_SHIFT(l) &&
		    pmap_md_levels[l].pl_entries == PMAP_LEVEL_ENTRIES(l),
		    "pmap_bootstrap: pmap_md_levels[%d] is (%u, %u), the backend's index bits "
		    "make (%u, %u): fill it with PMAP_LEVEL", l,
		    (unsigned)pmap_md_levels[l].pl_shift, (unsigned)pmap_md_levels[l].pl_entries,
		    (unsigned)PMAP_LEVEL_SHIFT(l), (unsigned)PMAP_LEVEL_ENTRIES(l));
	kpm->pm_refs = 1;
	kpm->pm_is_kernel = true;
	PMAP_STAT_INC(pmaps);
	pmap_md_ops.bootstrap(kpm, args);
	pmap_check_pte_make();
	pmap_asid_init();
	virtual_avail = kva_grown = VM_MIN_KERNEL_VA;
	virtual_end = VM_MAX_KERNEL_VA;
}

void
pmap_init(void)
{
	__atomic_store_n(&pmap_initialized, true, __ATOMIC_RELEASE);
}

static bool
pmap_is_initialized(void)
{
	return __atomic_load_n(&pmap_initialized, __ATOMIC_ACQUIRE);
}

void
pmap_paging(struct pmap_paging *p)
{
	KASSERTMSG(pmap_is_initialized(), "pmap_paging: called before pmap_init");
	PMAP_LOCKED(&kernel_pmap_store);
	pmap_md_ops.paging(p);
}

/* A CPU other than the boot CPU starts: the kernel pmap, with bootstrap's controls. */
void
pmap_cpu_init(void)
{
	PMAP_PINNED();
	KASSERTMSG(pmap_is_initialized(), "pmap_cpu_init: CPU %u before pmap_init",
	    pmap_cpu_self());
	pmap_md_ops.cpu_init();
	pmap_curpmap = NULL;
}

void
pmap_virtual_space(vaddr_t *vstartp, vaddr_t *vendp)
{
	*vstartp = virtual_avail;
	*vendp = virtual_end;
}

/*
 * Give the kernel pmap every table down to level `to` for va, the path
 * looked up and stopped above it (path->level < to).
 */
static void
pmap_kernel_tables_to(vaddr_t va, struct pmap_path *path, int to, const char *fn)
{
	paddr_t ptps[PMAP_MD_NLEVELS];

	for (int i = 0; i < to - path->level; i++)
		if (pmap_ptp_alloc(&kernel_pmap_store, &ptps[i]) != 0)
			pmap_kern_panic("%s: no page for a kernel page table at va %#"
			    PMAP_PRIxVADDR, fn, va);
	pmap_install_tables_to(&kernel_pmap_store, va, path, ptps, to);
}

/* Give the kernel pmap every table down to the leaf level for va. */
static void
pmap_kernel_tables(vaddr_t va, const char *fn)
{
	struct pmap_path path;

	if (!pmap_path_lookup(&kernel_pmap_store, va, &path))
		pmap_kernel_tables_to(va, &path, PMAP_LEAF_LEVEL, fn);
}

/*
 * Make sure kernel page tables exist for [VM_MIN_KERNEL_VA, maxkvaddr); return
 * the new end of the grown space.  Kernel tables are never freed.
 */
vaddr_t
pmap_growkernel(vaddr_t maxkvaddr)
{
	PMAP_LOCKED(&kernel_pmap_store);
	vaddr_t step = pmap_level_size(PMAP_LEAF_LEVEL - 1);

	KASSERTMSG(maxkvaddr <= VM_MAX_KERNEL_VA,
	    "pmap_growkernel: %#" PMAP_PRIxVADDR " beyond the kernel space end %#" PMAP_PRIxVADDR,
	    maxkvaddr, (vaddr_t)VM_MAX_KERNEL_VA);
	while (kva_grown < maxkvaddr) {
		pmap_kernel_tables(kva_grown, "pmap_growkernel");
		kva_grown += step;
		if (kva_grown == 0 || kva_grown > VM_MAX_KERNEL_VA)
			kva_grown = VM_MAX_KERNEL_VA;
	}
	return kva_grown;
}

vaddr_t
pmap_steal_memory(vsize_t size, vaddr_t *vstartp, vaddr_t *vendp)
{
	PMAP_LOCKED(&kernel_pmap_store);
	vaddr_t va = virtual_avail;

	size = (size + PAGE_MASK) & ~(vsize_t)PAGE_MASK;
	KASSERTMSG(size <= virtual_end - virtual_avail,
	    "pmap_steal_memory: %#" PMAP_PRIxVADDR " bytes requested, %#" PMAP_PRIxVADDR " left",
	    (vaddr_t)size, (vaddr_t)(virtual_end - virtual_avail));
	virtual_avail += size;
	pmap_growkernel(virtual_avail);
	for (vaddr_t off = 0; off < size; off += PAGE_SIZE) {
		paddr_t pa;
		if (pmap_kern_page_alloc(&pa) != 0)
			pmap_kern_panic("pmap_steal_memory: out of pages at %#" PMAP_PRIxVADDR
			    " of %#" PMAP_PRIxVADDR, off, (vaddr_t)size);
		pmap_zero_page(pa);
		pmap_kenter_pa(va + off, pa, VM_PROT_READ | VM_PROT_WRITE, 0);
	}
	if (vstartp != NULL)
		*vstartp = virtual_avail;
	if (vendp != NULL)
		*vendp = virtual_end;
	return va;
}

/* --------------------------------------------------------- address spaces */

static struct pmap *
pmap_pool_get(void)
{
	if (pmap_pool == NULL) {
		struct pmap *chunk = pmap_kern_chunk_alloc();
		if (chunk == NULL) {
			PMAP_STAT_INC(enomem);
			return NULL;
		}
		PMAP_STAT_INC(pmap_pool_pages);
		memset(chunk, 0, PAGE_SIZE);	/* every lock free, from now on kept */
		for (size_t i = 0; i < PAGE_SIZE / sizeof(struct pmap); i++) {
			chunk[i].pm_chunks = (struct pv_chunk *)pmap_pool;
			pmap_pool = &chunk[i];
		}
	}
	struct pmap *pm = pmap_pool;
	pmap_pool = (struct pmap *)pm->pm_chunks;
	return pm;
}

static void
pmap_pool_put(struct pmap *pm)
{
	pm->pm_chunks = (struct pv_chunk *)pmap_pool;
	pmap_pool = pm;
}

struct pmap *
pmap_md_user_next(struct pmap *pm)
{
	KASSERTMSG(pmap_users_locked(), "pmap_md_user_next: CPU %u without the user-pmap list "
	    "lock", pmap_cpu_self());
	return pm == NULL ? pmap_users : pm->pm_list_next;
}

/*
 * A new user pmap, or NULL (nothing allocated) when memory ran out.  The
 * root is made and the pmap listed under the list lock: a kernel root
 * entry that changes meanwhile is either copied or pushed to it.
 */
struct pmap *
pmap_create_canfail(void)
{
	KASSERTMSG(pmap_is_initialized(), "pmap_create: called before pmap_init");
	PMAP_USERS_LOCKED();	/* the pool, the list, the kernel root entries */
	struct pmap *pm = pmap_pool_get();

	if (pm == NULL)
		return NULL;
	/*
	 * Everything but the lock, which a page operation may be reading
	 * (pmap_lock.c), and the walk generation, stepped: no CPU's walk cache
	 * may take this pmap for the one that had this struct before.
	 */
	memset(&pm->pm_md, 0, sizeof(*pm) - offsetof(struct pmap, pm_md));
	pmap_walk_gen_step(pm);
	pm->pm_refs = 1;
	if (pmap_md_ops.root_create(pm) != 0) {
		pmap_pool_put(pm);
		PMAP_STAT_INC(enomem);
		return NULL;
	}
	pm->pm_list_next = pmap_users;
	if (pmap_users != NULL)
		pmap_users->pm_list_prev = pm;
	pmap_users = pm;
	PMAP_STAT_INC(pmaps);
	return pm;
}

struct pmap *
pmap_create(void)
{
	struct pmap *pm = pmap_create_canfail();

	if (pm == NULL)
		pmap_kern_panic("pmap_create: out of memory for a pmap or its root table");
	return pm;
}

void
pmap_reference(struct pmap *pm)
{
	int refs = __atomic_fetch_add(&pm->pm_refs, 1, __ATOMIC_RELAXED);

	KASSERTMSG(refs > 0, "pmap_reference: pmap %p has %d references", (void *)pm, refs);
}

/*
 * Drop a reference; the last one frees the pmap.  By then it must be live
 * on no CPU and map nothing (remove its mappings first).
 */
void
pmap_destroy(struct pmap *pm)
{
	KASSERTMSG(!pm->pm_is_kernel, "pmap_destroy: the kernel pmap");
	int refs = __atomic_load_n(&pm->pm_refs, __ATOMIC_RELAXED);
	do {
		KASSERTMSG(refs > 0, "pmap_destroy: pmap %p has %d references", (void *)pm, refs);
		if (refs == 1)
			break;		/* the last one: checked and dropped under the lock */
	} while (!__atomic_compare_exchange_n(&pm->pm_refs, &refs, refs - 1, true,
	    __ATOMIC_RELEASE, __ATOMIC_RELAXED));
	if (refs > 1)
		return;
	pmap_lock(pm);
	refs = __atomic_load_n(&pm->pm_refs, __ATOMIC_ACQUIRE);
	KASSERTMSG(refs == 1, "pmap_destroy: pmap %p has %d references", (void *)pm, refs);
	KASSERTMSG(pm->pm_cpus == 0, "pmap_destroy: pmap %p still active on CPUs %#x",
	    (void *)pm, (unsigned)pm->pm_cpus);
	KASSERTMSG(pm->pm_resident == 0,
	    "pmap_destroy: pmap %p still maps %ld pages", (void *)pm, pm->pm_resident);
	__atomic_store_n(&pm->pm_refs, 0, __ATOMIC_RELAXED);
	if (pm->pm_ptps != 0)			/* empty tables left by a self-reclaim */
		pmap_remove(pm, VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS);
	pmap_update(pm);
	KASSERTMSG(pm->pm_chunks == NULL, "pmap_destroy: pmap %p still holds pv chunks",
	    (void *)pm);
	KASSERTMSG(pm->pm_ptps == 0, "pmap_destroy: pmap %p leaks %ld page-table pages",
	    (void *)pm, pm->pm_ptps);
	pmap_unlock(pm);
	pmap_users_lock();
	if (pm->pm_list_prev != NULL)
		pm->pm_list_prev->pm_list_next = pm->pm_list_next;
	else
		pmap_users = pm->pm_list_next;
	if (pm->pm_list_next != NULL)
		pm->pm_list_next->pm_list_prev = pm->pm_list_prev;
	pmap_md_ops.root_release(pm);
	PMAP_STAT_DEC(pmaps);
	pmap_pool_put(pm);
	pmap_users_unlock();
}

long
pmap_resident_count(const struct pmap *pm)
{
	return __atomic_load_n(&pm->pm_resident, __ATOMIC_RELAXED);
}

long
pmap_wired_count(const struct pmap *pm)
{
	return __atomic_load_n(&pm->pm_wired, __ATOMIC_RELAXED);
}

/*
 * This CPU stops running `old` (NULL: none), under old's lock: a shootdown
 * of old either reached this CPU before (old was live here) or will not
 * count on it (its bit is clear), and work queued for it here meanwhile
 * makes this CPU forget old's tag (pmap_tlb_leave).
 */
static void
pmap_leave(struct pmap *old, uint32_t bit)
{
	if (old == NULL)
		return;
	PMAP_LOCKED(old);
	pmap_tlb_leave(old);
	__atomic_fetch_and(&old->pm_cpus, ~bit, __ATOMIC_SEQ_CST);
}

/*
 * Make pm the user address space of this CPU (the kernel pmap: none).  The
 * old pmap is left first (its lock), then pm's CPU bit is set before its
 * root is loaded (pm's lock), so a shootdown of either never misses a CPU
 * that may cache a translation: one pmap lock at a time.  Until the new
 * root is loaded this CPU runs only this function, not the old space.
 */
void
pmap_activate(struct pmap *pm)
{
	PMAP_PINNED();	/* leave old and load pm on one CPU */
	struct pmap *old = pmap_curpmap;
	uint32_t bit = 1u << pmap_cpu_self();

	if (pm == old || (pm->pm_is_kernel && old == NULL))
		return;
	pmap_leave(old, bit);
	pmap_curpmap = NULL;
	PMAP_LOCKED(pm);
	if (!pm->pm_is_kernel)
		__atomic_fetch_or(&pm->pm_cpus, bit, __ATOMIC_SEQ_CST);
	pmap_md_ops.activate(pm);
	pmap_curpmap = pm->pm_is_kernel ? NULL : pm;
}

struct pmap *
pmap_current(void)
{
	PMAP_PINNED();	/* the running CPU's */
	return pmap_curpmap;
}

void
pmap_deactivate(struct pmap *pm)
{
	PMAP_PINNED();

	if (pm->pm_is_kernel || pm != pmap_curpmap)
		return;
	pmap_leave(pm, 1u << pmap_cpu_self());
	PMAP_LOCKED(pm);
	pmap_md_ops.deactivate(pm);
	pmap_curpmap = NULL;
}

/* ------------------------------------------------------------ pmap_enter */

static unsigned
pmap_mk_flags(const struct pmap *pm, bool managed, unsigned flags)
{
	vm_prot_t access = flags & VM_PROT_ALL;
	unsigned mk = pm->pm_is_kernel ? PMAP_MK_GLOBAL : PMAP_MK_USER;

	if (managed)
		mk |= PMAP_MK_MANAGED;
	if (flags & PMAP_WIRED)
		mk |= PMAP_MK_WIRED;
	if (flags & PMAP_NOCACHE)
		mk |= PMAP_MK_NOCACHE;
	if (access)
		mk |= PMAP_MK_REF;
	if (access & VM_PROT_WRITE)
		mk |= PMAP_MK_MOD;
	return mk;
}

static pt_entry_t
pte_keep_hw(pt_entry_t old, const void *arg)
{
	pt_entry_t npte = *(const pt_entry_t *)arg;

	return npte | pte_hw_bits(old);
}

/* Re-enter va with the page it already maps: new prot and wiring, A/D kept. */
static void
pmap_enter_same(struct pmap *pm, vaddr_t va, pt_entry_t *ptep, pt_entry_t npte)
{
	pt_entry_t old = pmap_pte_update(ptep, pte_keep_hw, &npte);

	if (pte_wired_p(old) != pte_wired_p(npte))
		PMAP_COUNT_ADD(pm->pm_wired, pte_wired_p(npte) ? 1 : -1);
	if ((old | pte_hw_bits(npte)) != (npte | pte_hw_bits(old)))
		pmap_tlb_inval(pm, va, old, PMAP_INV_ENTER_REPLACE);
}

/*
 * pv reclaim at the soft limit.  A victim is an unwired managed mapping that
 * holds a chunk pv entry (removing it frees one entry); other user pmaps are
 * robbed before `self`, the kernel pmap never.  Finding and removing are
 * separate so that pmap_enter removes only once nothing else can fail.
 */
struct pmap_victim {
	struct pmap	*pm;
	vaddr_t		 va;
};

/* A chunk entry (a listed mapping) of v->pm that is not wired: its va in v->va. */
static bool
pmap_pv_unwired(struct pv_entry *pv, void *arg)
{
	struct pmap_victim *v = arg;
	struct pmap_path path;

	if (!pmap_path_lookup(v->pm, pv->pv_va, &path) ||
	    pte_wired_p(pte_load(path.pte[path.level])))
		return false;
	v->va = pv->pv_va;
	return true;
}

static bool
pmap_pv_victim(struct pmap *pm, vaddr_t *vap)
{
	struct pmap_victim v = { pm, 0 };
	bool found = pmap_pv_chunk_foreach(pm, pmap_pv_unwired, &v);

	*vap = v.va;
	return found;
}

/*
 * Another user pmap's victim first: each is only tried (self's lock is
 * held, and two pmap locks are never waited for together), one that is
 * busy is passed over.  A victim of another pmap is returned with its lock
 * held (pmap_pv_reclaim or pmap_pv_victim_drop releases it).
 */
static bool
pmap_pv_find_victim(struct pmap *self, struct pmap_victim *v)
{
	pmap_users_lock();
	for (struct pmap *pm = pmap_users; pm != NULL; pm = pm->pm_list_next) {
		if (pm == self || !pmap_trylock(pm))
			continue;
		if (pmap_pv_victim(pm, &v->va)) {
			v->pm = pm;
			pmap_users_unlock();
			return true;
		}
		pmap_unlock(pm);
	}
	pmap_users_unlock();
	v->pm = self;
	return !self->pm_is_kernel && pmap_pv_victim(self, &v->va);
}

static void
pmap_pv_victim_drop(struct pmap *self, struct pmap_victim *v)
{
	if (v->pm != NULL && v->pm != self)
		pmap_unlock(v->pm);
	v->pm = NULL;
}

/*
 * Remove the victim, its mod/ref kept in the page record; its VA faults
 * once the removal completes: before this call returns for another pmap
 * (whose owner does not know to call pmap_update), at the caller's next
 * update for its own.  The caller's own tables are left in place (even
 * empty: pmap_remove or pmap_destroy frees them), so its walk stays valid.
 */
static void
pmap_pv_reclaim(struct pmap *self, struct pmap_victim *v)
{
	struct pmap_path path;

	pmap_path_lookup(v->pm, v->va, &path);
	pmap_remove_leaf(v->pm, v->va, path.pte[path.level], path.level,
	    pmap_path_table(&path, path.level), PMAP_INV_RECLAIM, NULL);
	if (v->pm != self) {
		pmap_unref_tables(v->pm, v->va, &path);
		pmap_tlb_complete(v->pm);
	}
	PMAP_STAT_INC(pv_reclaims);
	pmap_pv_victim_drop(self, v);
}

static int
pmap_enter_fail(const char *what, vaddr_t va, unsigned flags, const paddr_t *ptps, int nptp)
{
	for (int i = 0; i < nptp; i++)
		pmap_ptp_unalloc(ptps[i]);
	if (!(flags & PMAP_CANFAIL))
		pmap_kern_panic("pmap_enter: out of memory for %s at va %#" PMAP_PRIxVADDR,
		    what, va);
	PMAP_STAT_INC(enomem);
	return ENOMEM;
}

/*
 * The leaf entry's bits other than the frame depend on prot, the flags
 * pmap_mk_flags reads, whether the page is managed and whose pmap it is:
 * pmap_enter_key packs them, and each CPU keeps the bits its last key made
 * (a VM system maps run after run alike).  That the bits and the frame
 * combine by OR is part of <pte.h>'s contract (pmap_leaf_frame; PORTING.md;
 * checked at bootstrap by pmap_check_pte_make).  The key holds every flag,
 * PMAP_CANFAIL too, which the bits do not depend on: a VM system passes it
 * on a run's enters alike, and masking it out cost enter 5-6 instructions
 * (riscv-sv39, i386-pae: the loop's registers, not the mask alone).
 */
/*
 * pmap_enter's prot and flags in one word once they are checked (one
 * register fewer on the fast path and into pmap_enter_slow): the flags in
 * bits 0-7, prot in bits 8-10.
 */
#define PMAP_ENTER_PF(prot, flags)	((flags) | (prot) << 8)
#define PMAP_PF_PROT(pf)		((vm_prot_t)((pf) >> 8))
#define PMAP_PF_FLAGS(pf)		((pf) & 0xffu)
_Static_assert((PMAP_FLAGS_ALL & ~0xffu) == 0, "PMAP_ENTER_PF: flags above bit 7");

/*
 * Whose pmap it is (the kernel's: global, not user) is not in the key: the
 * key belongs to the walk cache entry, whose pmap it is, and a fill for
 * another pmap forgets it (pmap_leaf_slot_walk).  Never 0, which means no
 * key yet: prot, which pmap_enter never takes as VM_PROT_NONE, is in it.
 */
static inline unsigned
pmap_enter_key(unsigned pf, bool managed)
{
	unsigned key = pf;	/* bits 0-10: every flag (PMAP_CANFAIL too) and prot */

	return key + ((unsigned)managed << 11);
}

static pt_entry_t __attribute__((noinline))
pmap_enter_bits(unsigned cpu, const struct pmap *pm, unsigned pf, bool managed)
{
	/* Found from cpu: pmap_enter's fast path keeps no pointer to it for this call. */
	struct pmap_walk_cache *wc = &pmap_percpu[cpu].wc;

	wc->pte_key = pmap_enter_key(pf, managed);
	wc->pte_bits = pte_make(0, PMAP_PF_PROT(pf), pmap_mk_flags(pm, managed, PMAP_PF_FLAGS(pf)),
	    PMAP_LEAF_LEVEL);
	return wc->pte_bits;
}

/*
 * The leaf for pa: the kept bits if the key matches.  Called on each side
 * of the managed test, so that managed is a constant in the key.
 */
static inline pt_entry_t
pmap_enter_npte(unsigned cpu, const struct pmap *pm, paddr_t pa, unsigned pf, bool managed)
{
	const struct pmap_walk_cache *wc = &pmap_percpu[cpu].wc;
	pt_entry_t bits = __builtin_expect(wc->pte_key == pmap_enter_key(pf, managed), 1) ?
	    wc->pte_bits : pmap_enter_bits(cpu, pm, pf, managed);

	return bits | pmap_leaf_frame(pa);
}

#ifdef CONFIG_PMAP_DEBUG
/*
 * Test hook (CONFIG_PMAP_DEBUG): called once, then disarmed, by pmap_enter's
 * fast path under its brief hold of pm's lock (t_enter_fast_panic panics in
 * it).
 */
void (*pmap_debug_enter_fast)(struct pmap *, vaddr_t);
#endif

/*
 * pmap_enter's common case, with pm locked on CPU cpu: va's leaf table in
 * this CPU's walk cache, no mapping at va, and pa unmanaged or its page's
 * own pv slot free.  Makes the mapping and returns true; false (nothing
 * changed) for everything else, which pmap_enter_slow does.
 */
static inline bool
pmap_enter_fast(struct pmap *pm, unsigned cpu, vaddr_t va, paddr_t pa, unsigned pf,
    struct pmap_page *pg)
{
	struct pmap_walk_cache *wc = &pmap_percpu[cpu].wc;

	PMAP_DEBUG_HOOK(pmap_debug_enter_fast, pm, va);
	if (__builtin_expect(!pmap_walk_cache_hit(wc, pm, pm->pm_walk_gen, va), 0))
		return false;
	pt_entry_t *ptep = pmap_walk_cache_slot(wc, pm, va);
	if (pte_valid_p(pte_load(ptep)))
		return false;
	if (pg == NULL) {
		pmap_install_leaf(pm, va, ptep, PMAP_LEAF_LEVEL, wc->tpp,
		    pmap_enter_npte(cpu, pm, pa, pf, false));
		return true;
	}
	pt_entry_t npte = pmap_enter_npte(cpu, pm, pa, pf, true);
	struct pmap_spin *spin = pmap_page_spin(pg);	/* the page's pv slot */
	if (__builtin_expect(!pmap_page_spin_try_brief(spin, cpu), 0))
		return false;	/* busy: the slow path waits for it */
	/* Nothing under the brief lock panics or locks. */
	bool embedded = pmap_pv_embed(pg, pm, va, cpu);
	if (embedded)
		pmap_install_leaf(pm, va, ptep, PMAP_LEAF_LEVEL, wc->tpp, npte);
	pmap_page_spin_release_brief(spin, cpu);
	return embedded;
}

static int pmap_enter_slow(struct pmap *, unsigned cpu, vaddr_t, paddr_t, unsigned pf,
    struct pmap_page *);

/*
 * The flags pmap_enter allows with each prot: the known ones with an access
 * type within prot where prot is one of PMAP_ENTER_PROTS, none (0) where it
 * is not.  PMAP_WIRED is allowed with every allowed prot, so 0 means a prot
 * refused: one load, an OR and a test check all four rules (a prot beyond
 * VM_PROT_ALL is tested first), 2-6 instructions fewer than four tests.
 */
#define PMAP_ENTER_FLAGS_OK(prot)						\
	((PMAP_ENTER_PROTS >> (prot) & 1) ?					\
	    PMAP_FLAGS_ALL & ~(VM_PROT_ALL & ~(unsigned)(prot)) : 0u)
static const uint8_t pmap_enter_flags_ok[VM_PROT_ALL + 1] = {
	PMAP_ENTER_FLAGS_OK(0), PMAP_ENTER_FLAGS_OK(1), PMAP_ENTER_FLAGS_OK(2),
	PMAP_ENTER_FLAGS_OK(3), PMAP_ENTER_FLAGS_OK(4), PMAP_ENTER_FLAGS_OK(5),
	PMAP_ENTER_FLAGS_OK(6), PMAP_ENTER_FLAGS_OK(7),
};
_Static_assert(VM_PROT_ALL == 7, "pmap_enter_flags_ok: one entry a prot");
_Static_assert((PMAP_FLAGS_ALL & PMAP_WIRED) != 0 && (VM_PROT_ALL & PMAP_WIRED) == 0,
    "pmap_enter_flags_ok: PMAP_WIRED marks an allowed prot");

/* pmap_enter's prot and flags checks, each with its own message (the fast test failed). */
static void __attribute__((noinline, cold))
pmap_enter_bad(vaddr_t va, vm_prot_t prot, unsigned flags)
{
	pmap_check_prot("pmap_enter", prot);
	KASSERTMSG(prot != VM_PROT_NONE, "pmap_enter: va %#" PMAP_PRIxVADDR " with VM_PROT_NONE",
	    va);
	KASSERTMSG((flags & ~PMAP_FLAGS_ALL) == 0, "pmap_enter: unknown flags %#x", flags);
	KASSERTMSG((flags & VM_PROT_ALL & ~prot) == 0,
	    "pmap_enter: access type %#x exceeds prot %#x at va %#" PMAP_PRIxVADDR,
	    flags & VM_PROT_ALL, prot, va);
	pmap_kern_panic("pmap_enter_bad: prot %#x and flags %#x pass every check", prot, flags);
}

/*
 * Map va to pa with prot in pm.  Either the mapping is made, or (with
 * PMAP_CANFAIL) ENOMEM is returned and pm is exactly as before.
 */
int
pmap_enter(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot, unsigned flags)
{
	pmap_check_va("pmap_enter", pm, va);
	pmap_check_pa("pmap_enter", pa);
	/*
	 * pmap_check_prot, not NONE, known flags, access within prot: one
	 * test.  PMAP_WIRED is among the flags of every prot allowed, so with
	 * it added only a refused prot (0) leaves a bit of the flags outside.
	 */
	if (__builtin_expect(prot > VM_PROT_ALL ||
	    ((flags | PMAP_WIRED) & ~(unsigned)pmap_enter_flags_ok[prot]) != 0, 0))
		pmap_enter_bad(va, prot, flags);

	unsigned pf = PMAP_ENTER_PF(prot, flags);
	struct pmap_page *pg = pmap_kern_phys_to_page(pa);
	pmap_kern_preempt_disable();
	unsigned cpu = pmap_cpu_self();
	/* pm's tables, counts, pv chunks and batch: a brief hold (pmap_brief_release). */
	if (__builtin_expect(!pmap_spin_try_brief(&pm->pm_lock, PMAP_LC_PMAP, cpu), 0)) {
		/* Busy, or held by this CPU already: an ordinary hold, for the slow path. */
		(void)pmap_spin_acquire_slow(&pm->pm_lock, PMAP_LC_PMAP, false, cpu);
	} else {
		pmap_percpu[cpu].lock.pmap = pm;	/* named: a panic under it lets it go */
		bool done = pmap_enter_fast(pm, cpu, va, pa, pf, pg);
		pmap_percpu[cpu].lock.pmap = NULL;
		if (__builtin_expect(done, 1)) {
			pmap_brief_release(pm, cpu);
			return 0;
		}
		pmap_spin_record(&pm->pm_lock, cpu);	/* an ordinary hold from here */
	}
	/*
	 * The slow path under the same hold: after the fast path only pm and
	 * cpu stay live (its arguments, kept across the release before it,
	 * cost enter about 6 instructions of spills and reloads).
	 */
	int error = pmap_enter_slow(pm, cpu, va, pa, pf, pg);
	pmap_unlock_cpu(pm, cpu);
	return error;
}

/*
 * Every other case of pmap_enter, pm locked on CPU cpu (by pmap_enter,
 * whose fast path changed nothing): tables to make, a mapping to replace
 * or re-enter, a pv entry to take.
 */
static int __attribute__((noinline))
pmap_enter_slow(struct pmap *pm, unsigned cpu, vaddr_t va, paddr_t pa, unsigned pf,
    struct pmap_page *pg)
{
	vm_prot_t prot = PMAP_PF_PROT(pf);
	unsigned flags = PMAP_PF_FLAGS(pf);
	struct pmap_path path;
	paddr_t ptps[PMAP_MD_NLEVELS];
	struct pv_entry *spare = NULL;
	int nptp = 0;
	struct pmap_page *tpp = NULL;
	pt_entry_t *ptep = pmap_leaf_slot(pm, cpu, va, &tpp);
	bool found = ptep != NULL;
	if (!found) {		/* tables to make, or a large leaf in the way */
		found = pmap_path_lookup(pm, va, &path);
		KASSERTMSG(!found, "pmap_enter: va %#" PMAP_PRIxVADDR " lies inside a large mapping",
		    va);
		KASSERTMSG(!pm->pm_is_kernel,
		    "pmap_enter: kernel va %#" PMAP_PRIxVADDR " beyond pmap_growkernel (%#"
		    PMAP_PRIxVADDR ")", va, kva_grown);
	}
	pt_entry_t old = found ? pte_load(ptep) : 0;
	KASSERTMSG(!pte_valid_p(old) || pte_managed_p(old) || pg == NULL,
	    "pmap_enter: va %#" PMAP_PRIxVADDR " holds a kenter mapping of pa %#llx", va,
	    (unsigned long long)pte_pa(old, PMAP_LEAF_LEVEL));

	/*
	 * Take every resource before changing anything: page tables, then the
	 * pv entry (at the soft limit, with its reclaim victim chosen but not yet
	 * removed).  Only then may the victim go: from here nothing fails.
	 */
	for (nptp = 0; !found && nptp < PMAP_LEAF_LEVEL - path.level; nptp++)
		if (pmap_ptp_alloc(pm, &ptps[nptp]) != 0)
			return pmap_enter_fail("a page table", va, flags, ptps, nptp);
	/*
	 * The pv entry: needed when the page's slot is taken.  That is decided
	 * with the page locked (the new page's, and the old mapping's page if
	 * it is another managed one), and they stay locked from there on; when
	 * an entry is needed they are let go while it is taken (a reclaim takes
	 * other locks), and the decision is made again.
	 */
	struct pmap_victim victim = { NULL, 0 };
	struct pmap_page_locks plocks;
	struct pmap_page *opg;
	bool same;
	for (;;) {
		same = pte_valid_p(old) && pte_pa(old, PMAP_LEAF_LEVEL) == pa;
		opg = !same && pte_valid_p(old) && pte_managed_p(old) ?
		    pmap_kern_phys_to_page(pte_pa(old, PMAP_LEAF_LEVEL)) : NULL;
		plocks = pmap_page_lock2(pg, opg);
		if (pg == NULL || same || spare != NULL || pg->pp_pmap == NULL)
			break;
		pmap_page_unlock2(plocks, cpu);
		if ((pmap_pv_at_soft_limit() && !pmap_pv_find_victim(pm, &victim)) ||
		    (spare = pmap_pv_alloc(pm)) == NULL) {
			pmap_pv_victim_drop(pm, &victim);
			return pmap_enter_fail("a pv entry", va, flags, ptps, nptp);
		}
		if (victim.pm != NULL) {
			/*
			 * Its walk may remap the windows our pointers lead into: walk
			 * again (a reclaim in pm frees no table of pm).
			 */
			pmap_pv_reclaim(pm, &victim);
			if (found)
				ptep = pmap_leaf_slot(pm, cpu, va, &tpp);
			else
				pmap_path_lookup(pm, va, &path);
			old = found ? pte_load(ptep) : 0;
		}
	}

	if (!found) {
		pmap_install_tables(pm, va, &path, ptps);
		ptep = path.pte[PMAP_LEAF_LEVEL];
		tpp = pmap_path_table(&path, PMAP_LEAF_LEVEL);
	}
	pt_entry_t npte = pte_make(pa, prot, pmap_mk_flags(pm, pg != NULL, flags),
	    PMAP_LEAF_LEVEL);
	if (same) {
		pmap_enter_same(pm, va, ptep, npte);
	} else {
		if (pte_valid_p(old))
			pmap_remove_leaf(pm, va, ptep, PMAP_LEAF_LEVEL, tpp,
			    PMAP_INV_ENTER_REPLACE, opg);
		if (pg != NULL)
			pmap_pv_insert(pg, pm, va, &spare);
		pmap_install_leaf(pm, va, ptep, PMAP_LEAF_LEVEL, tpp, npte);
	}
	pmap_page_unlock2(plocks, cpu);
	if (spare != NULL)
		pmap_pv_free(spare);
	return 0;
}

/* ------------------------------------------------- remove, protect, unwire */

struct range_arg {
	const char	*fn;
	vaddr_t		 sva, eva;
	vm_prot_t	 prot;
	enum pmap_inval_reason why;
	bool		 kernel_only;	/* pmap_kremove: managed mappings forbidden */
	bool		 free_tables;	/* unhook tables a removal leaves empty */
	unsigned	 cpu;		/* this CPU (the pmap lock's holder) */
};

static pt_entry_t
pte_add_hw_fn(pt_entry_t pte, const void *arg)
{
	return pte | pte_hw_bits(*(const pt_entry_t *)arg);
}

/*
 * Demote the large leaf *e (level l) that covers [start, start + its size):
 * a table of leaves one level down, each with the large leaf's attributes
 * and A/D, replaces it, so that a part of it can change (pmap(9) allows any
 * page-aligned range).  Every address keeps its frame and rights, which SDM
 * vol. 3A 4.10.2.3 allows without clearing the entry first; the large
 * translation is invalidated like any changed entry.  The table is taken
 * before anything changes.  pmap_remove, pmap_protect and pmap_kremove
 * cannot fail and a live kernel mapping cannot be dropped, so without a
 * page for it: panic, naming the cause.  Returns the new table entry.
 */
static pt_entry_t
pmap_demote(struct pmap *pm, pt_entry_t *e, int l, vaddr_t start, const struct range_arg *ra)
{
	vaddr_t step = pmap_level_size(l + 1);
	unsigned n = (unsigned)(pmap_level_size(l) / step);
	paddr_t ptp;

	if (pmap_ptp_alloc(pm, &ptp) != 0)
		pmap_kern_panic("%s: no page for the page table to split the large mapping at "
		    "va %#" PMAP_PRIxVADDR " (range %#" PMAP_PRIxVADDR "-%#" PMAP_PRIxVADDR ")",
		    ra->fn, start, ra->sva, ra->eva);
	pt_entry_t large = pte_load(e), *tbl = pmap_md_ops.table_page(ptp);
	for (unsigned i = 0; i < n; i++)
		pte_store(&tbl[i], pte_demote(large, l, i * step));
	pt_entry_t pde = pte_make_table(ptp, !pm->pm_is_kernel, l);
	pt_entry_t old = pte_swap(e, pde);
	pmap_table_changed(pm, l, start, false);	/* the large leaf went */
	pmap_table_changed(pm, l, start, true);	/* a table came */
	if (pte_hw_bits(old) != pte_hw_bits(large)) {	/* set by the MMU meanwhile */
		tbl = pmap_md_ops.table(pm, l + 1, start, pde);
		for (unsigned i = 0; i < n; i++)
			pmap_pte_update(&tbl[i], pte_add_hw_fn, &old);
	}
	pmap_table_page(pde, l)->pp_ptpcount = (uint16_t)n;
	PMAP_COUNT_ADD(pm->pm_ptps, 1);
	PMAP_STAT_ADD(large_mappings, l + 1 == PMAP_LEAF_LEVEL ? -1l : (long)n - 1);
	PMAP_STAT_INC(demotions);
	pmap_tlb_inval(pm, start, old, ra->why);
	return pde;
}

/*
 * A large leaf at e (level l) that the range covers only in part: demote it
 * and apply fn to the part, one level down.  False when the range covers it
 * whole: the caller applies fn to the large leaf itself.
 */
static bool
range_split_large(struct pmap *pm, vaddr_t va, pt_entry_t *e, int l, struct pmap_page *tpp,
    const struct range_arg *ra, pmap_leaf_fn fn, bool free_tables)
{
	vaddr_t size = pmap_level_size(l), start = va & ~(size - 1), end = start + size;

	if (start >= ra->sva && end - 1 <= ra->eva - 1)
		return false;
	pt_entry_t pde = pmap_demote(pm, e, l, start, ra);
	struct pmap_page *cpp = pmap_table_page(pde, l);
	walk_level(pm, l + 1, va, end - 1 < ra->eva - 1 ? end : ra->eva, pde, cpp, fn,
	    (void *)ra, free_tables);
	if (free_tables && cpp->pp_ptpcount == 0)
		pmap_free_table(pm, l, start, e, tpp);
	return true;
}

/*
 * pmap_remove_pv's other cases: the page's brief lock was busy (locked
 * false: wait for it), or the mapping is not in the page's own slot
 * (locked: the lock is held).  True if it was the slot.
 */
static bool __attribute__((noinline))
pmap_remove_pv_slow(struct pmap_page *pg, struct pmap *pm, vaddr_t va, pt_entry_t old,
    unsigned cpu, bool locked)
{
	struct pmap_spin *spin = pmap_page_spin(pg);	/* to wait for, or held */

	if (!locked)
		pmap_page_spin_wait_brief(spin, cpu);
	pmap_harvest(pg, old);
	bool slot = pmap_pv_unlink(pg, pm, va, true, cpu);
	pmap_page_spin_release_brief(spin, cpu);
	return slot;
}

/*
 * The page side of removing the managed leaf old, which mapped va in pm
 * (pm locked on CPU cpu): the page's attributes take its A/D, its pv entry
 * goes.  True if that was the page's own slot.  The common case inline,
 * under a brief page lock: the lock free, the mapping in the slot.  The
 * rest in a call after which pg is dead, so that the callers keep no
 * register for it across a call (range removal 5-8 instructions a page, with
 * the pv slots counted in the run's word).
 */
static inline bool
pmap_remove_pv(struct pmap *pm, vaddr_t va, pt_entry_t old, unsigned cpu)
{
	struct pmap_page *pg = pmap_kern_phys_to_page(pte_pa(old, PMAP_LEAF_LEVEL));
	struct pmap_spin *spin = pmap_page_spin(pg);	/* its pv list and attributes */

	if (__builtin_expect(!pmap_page_spin_try_brief(spin, cpu), 0))
		return pmap_remove_pv_slow(pg, pm, va, old, cpu, false);
	if (__builtin_expect(!pmap_pv_slot_clear(pg, pm, va), 0))
		return pmap_remove_pv_slow(pg, pm, va, old, cpu, true);
	pmap_harvest(pg, old);
	pmap_page_spin_release_brief(spin, cpu);
	return true;
}

/*
 * remove_fn's run of n entries of a leaf table, in one pass: the counts and
 * statistics added once, the shootdown targets found once, each page's lock
 * a brief one (the pmap lock has preemption off already).  kernel_only is a
 * constant at each of remove_fn's two calls: pmap_kremove's check of each
 * page costs nothing elsewhere.
 */
static inline __attribute__((always_inline)) void
remove_leaves(struct pmap *pm, vaddr_t va, pt_entry_t *ptep, unsigned n, struct pmap_page *tpp,
    const struct range_arg *ra, bool kernel_only)
{
	struct pmap_tlb_run run = PMAP_TLB_RUN();
	/*
	 * Entries removed (bits 0-15), pv slots freed (16-31) and, where a
	 * long has 64 bits, wired entries (32-47): one register.  A 32-bit
	 * CPU subtracts a wired entry (rare but in pmap_kremove's runs, where
	 * it costs a load and a store more a page) from pm_wired at once
	 * instead of holding the run's counts in a register pair.  (On amd64
	 * the wired count apart measured 3 instructions a page more: the
	 * register allocation of the loop, not the rare branch itself.)
	 */
	_Static_assert(PMAP_LEVEL_ENTRIES(PMAP_LEAF_LEVEL) <= 0xffffu, "a run's counts overflow");
	unsigned long counts = 0;
	unsigned cpu = ra->cpu;
	pt_entry_t bad = 0;

	for (pt_entry_t *end = ptep + n; ptep < end; ptep++, va += PAGE_SIZE) {
		pt_entry_t old = pte_load(ptep);
		if (!pte_valid_p(old))
			continue;
		bool managed = pte_managed_p(old);	/* a software bit: the MMU leaves it */
		/* pmap_kremove meets a managed mapping: stop before it (the panic below). */
		if (__builtin_expect(kernel_only && managed, 0)) {
			bad = old;
			break;
		}
		old = pte_swap(ptep, 0);
		counts++;
		if (__builtin_expect(pte_wired_p(old), 0)) {	/* no shifted bit a page */
#if __SIZEOF_LONG__ > 4
			counts += 1ul << 32;
#else
			PMAP_COUNT_ADD(pm->pm_wired, -1);
#endif
		}
		if (managed) {
			if (pmap_remove_pv(pm, va, old, cpu))
				counts += 1u << 16;
		}
		pmap_tlb_run_inval(pm, &run, va, old);	/* the removed entry */
	}
	unsigned removed = counts & 0xffffu, embedded = (counts >> 16) & 0xffffu;
	PMAP_COUNT_ADD(pm->pm_resident, -(long)removed);
#if __SIZEOF_LONG__ > 4
	PMAP_COUNT_ADD(pm->pm_wired, -(long)(counts >> 32));
#endif
	if (tpp != NULL)
		tpp->pp_ptpcount -= (uint16_t)removed;
	if (embedded != 0)
		PMAP_STAT_ADD(pv_embedded, -(long)embedded);
	pmap_tlb_run_end(&run, ra->why, removed);	/* each removed entry was handed to it */
	KASSERTMSG(bad == 0,
	    "pmap_kremove: va %#" PMAP_PRIxVADDR " is a managed mapping of pa %#llx",
	    va, (unsigned long long)pte_pa(bad, PMAP_LEAF_LEVEL));
}

/*
 * Remove the valid leaves among the n entries at ptep (level l): large
 * leaves one at a time (pmap_remove_leaf, or a split), a leaf table's run
 * in one pass (remove_leaves).
 */
static void
remove_fn(struct pmap *pm, vaddr_t va, pt_entry_t *ptep, unsigned n, int l,
    struct pmap_page *tpp, void *arg)
{
	const struct range_arg *ra = arg;

	if (l != PMAP_LEAF_LEVEL) {
		for (unsigned i = 0; i < n; i++, va += PAGE_SIZE) {
			pt_entry_t pte = pte_load(&ptep[i]);
			if (!pte_valid_p(pte) || range_split_large(pm, va, &ptep[i], l, tpp, ra,
			    remove_fn, ra->free_tables))
				continue;
			KASSERTMSG(!ra->kernel_only || !pte_managed_p(pte),
			    "pmap_kremove: va %#" PMAP_PRIxVADDR " is a managed mapping of pa %#llx",
			    va, (unsigned long long)pte_pa(pte, l));
			pmap_remove_leaf(pm, va, &ptep[i], l, tpp, ra->why, NULL);
		}
		return;
	}
	if (ra->kernel_only)	/* the check below made once a run, not once a page */
		remove_leaves(pm, va, ptep, n, tpp, ra, true);
	else
		remove_leaves(pm, va, ptep, n, tpp, ra, false);
}

/*
 * pmap_remove of the one page at va, whose leaf slot ptep (in the table
 * whose record is tpp) the walk cache gave: remove_leaves for one entry,
 * without a run's loop and counts.  pm locked on CPU cpu.
 */
static inline void
pmap_remove_page(struct pmap *pm, unsigned cpu, vaddr_t va, pt_entry_t *ptep,
    struct pmap_page *tpp)
{
	pt_entry_t old = pte_load(ptep);

	if (!pte_valid_p(old))
		return;
	bool managed = pte_managed_p(old);	/* a software bit: the MMU leaves it */
	old = pte_swap(ptep, 0);
	PMAP_COUNT_ADD(pm->pm_resident, -1);
	if (pte_wired_p(old))
		PMAP_COUNT_ADD(pm->pm_wired, -1);
	if (tpp != NULL)
		tpp->pp_ptpcount--;
	if (managed) {
		if (pmap_remove_pv(pm, va, old, cpu))
			PMAP_STAT_ADD_ON(cpu, pv_embedded, -1);
	}
	pmap_tlb_inval_on(pm, cpu, va, old, PMAP_INV_REMOVE);	/* the removed entry */
}

/* pmap_remove's walk of [sva, eva) (out of line: the one-page path saves no registers for it). */
static void __attribute__((noinline))
pmap_remove_range(struct pmap *pm, unsigned cpu, vaddr_t sva, vaddr_t eva)
{
	bool free_tables = !pm->pm_is_kernel;
	struct range_arg ra = { "pmap_remove", sva, eva, 0, PMAP_INV_REMOVE, false, free_tables,
	    cpu };

	pmap_walk_range(pm, sva, eva, remove_fn, &ra, free_tables);
}

/* Unhook the tables above user va that the removal of its page left empty. */
static void __attribute__((noinline))
pmap_remove_tables(struct pmap *pm, vaddr_t va)
{
	struct pmap_path path;

	pmap_path_lookup(pm, va, &path);
	pmap_unref_tables(pm, va, &path);
}

void
pmap_remove(struct pmap *pm, vaddr_t sva, vaddr_t eva)
{
	PMAP_LOCKED(pm);

	pmap_check_range("pmap_remove", pm, sva, eva);
	if (eva - sva == PAGE_SIZE) {	/* one page: through the walk cache */
		struct pmap_page *tpp;
		pt_entry_t *ptep = pmap_leaf_slot(pm, pmap_locked_scope.cpu, sva, &tpp);
		if (ptep == NULL) {	/* no table, or a large leaf (eva is no longer live) */
			pmap_remove_range(pm, pmap_locked_scope.cpu, sva, sva + PAGE_SIZE);
			return;
		}
		pmap_remove_page(pm, pmap_locked_scope.cpu, sva, ptep, tpp);
		if (!pm->pm_is_kernel && tpp->pp_ptpcount == 0)
			pmap_remove_tables(pm, sva);
		return;
	}
	pmap_remove_range(pm, pmap_locked_scope.cpu, sva, eva);
}

bool
pmap_remove_all(struct pmap *pm)
{
	PMAP_LOCKED(pm);
	KASSERTMSG(!pm->pm_is_kernel, "pmap_remove_all: the kernel pmap");
	pmap_remove(pm, VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS);
	return true;
}

static pt_entry_t
pte_restrict_fn(pt_entry_t old, const void *arg)
{
	return pte_restrict(old, *(const vm_prot_t *)arg);
}

static void
protect_fn(struct pmap *pm, vaddr_t va, pt_entry_t *ptep, unsigned n, int l,
    struct pmap_page *tpp, void *arg)
{
	const struct range_arg *ra = arg;
	struct pmap_tlb_run run = PMAP_TLB_RUN();
	unsigned changed = 0;

	for (unsigned i = 0; i < n; i++, va += PAGE_SIZE) {
		pt_entry_t old = pte_load(&ptep[i]);
		if (!pte_valid_p(old))
			continue;
		if (l != PMAP_LEAF_LEVEL &&
		    range_split_large(pm, va, &ptep[i], l, tpp, ra, protect_fn, false))
			continue;
		old = pmap_pte_update_from(&ptep[i], old, pte_restrict_fn, &ra->prot);
		if (pte_restrict(old, ra->prot) == old)
			continue;
		if (l != PMAP_LEAF_LEVEL)	/* copies of kernel entries follow */
			pmap_table_changed(pm, l, va, true);
		changed++;
		pmap_tlb_run_inval(pm, &run, va, old);	/* the restricted entry */
	}
	pmap_tlb_run_end(&run, PMAP_INV_PROTECT, changed);
}

/* Lower the protection of [sva, eva) to prot; VM_PROT_NONE removes. */
void
pmap_protect(struct pmap *pm, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	PMAP_LOCKED(pm);
	struct range_arg ra = { "pmap_protect", sva, eva, prot, PMAP_INV_PROTECT, false,
	    !pm->pm_is_kernel, pmap_locked_scope.cpu };

	pmap_check_prot("pmap_protect", prot);
	if (!(prot & VM_PROT_READ)) {
		pmap_check_range("pmap_protect", pm, sva, eva);
		ra.why = PMAP_INV_REMOVE;
		pmap_walk_range(pm, sva, eva, remove_fn, &ra, ra.free_tables);
		return;
	}
	pmap_check_range("pmap_protect", pm, sva, eva);
	pmap_walk_range(pm, sva, eva, protect_fn, &ra, false);
}

/* Clear the wired attribute of the mapping at va, which must exist. */
void
pmap_unwire(struct pmap *pm, vaddr_t va)
{
	PMAP_LOCKED(pm);
	struct pmap_path path;

	pmap_check_va("pmap_unwire", pm, va);
	pt_entry_t pte = pmap_path_lookup(pm, va, &path) ? pte_load(path.pte[path.level]) : 0;
	KASSERTMSG(pte_valid_p(pte), "pmap_unwire: va %#" PMAP_PRIxVADDR " not mapped in pmap %p",
	    va, (void *)pm);
	KASSERTMSG(!pm->pm_is_kernel || pte_managed_p(pte),
	    "pmap_unwire: va %#" PMAP_PRIxVADDR " is an unmanaged kernel mapping (kenter, or a "
	    "page without a record)", va);
	if (!pte_wired_p(pte))
		return;
	pt_entry_t *ptep = path.pte[path.level];
	while (!pte_cas(ptep, &pte, pte_set_wired(pte, false)))
		continue;
	PMAP_COUNT_ADD(pm->pm_wired, -pmap_level_pages(path.level));
}

/* The valid leaf that maps va in pm, and its level; false if there is none. */
static bool
pmap_leaf_at(struct pmap *pm, vaddr_t va, pt_entry_t *ptep, int *levelp)
{
	struct pmap_path path;

	if (!pmap_path_lookup(pm, va, &path))
		return false;
	*ptep = pte_load(path.pte[path.level]);
	*levelp = path.level;
	return pte_valid_p(*ptep);
}

#ifdef PMAP_DIRECT_TABLES
#ifdef CONFIG_PMAP_DEBUG
/*
 * Test hook (CONFIG_PMAP_DEBUG): called once, then disarmed, by pmap_extract's
 * unlocked paths between finding va's leaf table and reading the entry, as a
 * CPU that changed the tree meanwhile would.
 */
void (*pmap_debug_extract_race)(struct pmap *, vaddr_t);
#endif
#define PMAP_EXTRACT_RACE(pm, va)	PMAP_DEBUG_HOOK(pmap_debug_extract_race, pm, va)

/*
 * pmap_extract without the lock: the leaf entry for va through this CPU's
 * walk cache, when it names va's leaf table at pm's current generation,
 * read between two reads of the generation (a sequence lock's reader).
 * The direct map reaches every page at any time, so the read is safe even
 * when the table was unhooked, freed and reused meanwhile: the second read
 * then sees the generation stepped (pmap_walk_gen_step) and the entry is
 * dropped.  An entry read with the generation unchanged was in va's table
 * at some instant of the call, which is all pmap_extract promises against
 * a concurrent change.  false: no answer this way; take the lock.
 */
static inline bool
pmap_extract_unlocked(struct pmap *pm, vaddr_t va, pt_entry_t *ptep)
{
	pmap_kern_preempt_disable();	/* this CPU's cache */
	const struct pmap_walk_cache *wc = &pmap_percpu[pmap_cpu_self()].wc;
	uint64_t gen = pmap_walk_gen_load(pm);
	bool hit = pmap_walk_cache_hit(wc, pm, gen, va);

	if (hit) {
		const pt_entry_t *slot = pmap_walk_cache_slot(wc, pm, va);
		PMAP_EXTRACT_RACE(pm, va);
		PMAP_SPECULATIVE_READS_BEGIN();	/* of a page maybe reused */
		*ptep = pte_load(slot);
		PMAP_SPECULATIVE_READS_END();
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		hit = pmap_walk_gen_same(pm, gen);
	}
	pmap_kern_preempt_enable();
	return hit;
}
#endif

#ifdef PMAP_DIRECT_TABLES
/*
 * pmap_extract through pm's hint (PMAP_EXTRACT_HINT), without the lock and
 * without preemption off: the hint names a leaf table of pm at the
 * generation read before it (a hint is written under the lock after the
 * step it belongs to, and cleared before every step), and the entry read
 * from it counts only if the generation is the same after: a sequence
 * lock's reader, as pmap_extract_unlocked above.  false: no answer.
 */
static inline bool
pmap_extract_hinted(struct pmap *pm, vaddr_t va, pt_entry_t *ptep)
{
	uint64_t gen;

	if (!pmap_walk_gen_begin(pm, &gen))
		return false;
	/* Less va's tag + 1: a table's address, page aligned, only for va's tag. */
	uintptr_t tbl = __atomic_load_n(&pm->pm_extract_hint, __ATOMIC_ACQUIRE) -
	    ((uintptr_t)(va >> PMAP_LEVEL_SHIFT(PMAP_LEAF_LEVEL - 1)) + 1);
	if ((tbl & PAGE_MASK) != 0)
		return false;
	PMAP_EXTRACT_RACE(pm, va);
	PMAP_SPECULATIVE_READS_BEGIN();	/* of a page maybe reused */
	*ptep = pte_load(&((pt_entry_t *)tbl)[pmap_level_index(PMAP_LEAF_LEVEL, va)]);
	PMAP_SPECULATIVE_READS_END();
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return pmap_walk_gen_same(pm, gen);
}
#endif

/*
 * pmap_extract under pm's lock: out of line where the unlocked path comes
 * first (that path then saves no registers for it), inline elsewhere.
 */
#ifdef PMAP_DIRECT_TABLES
static __attribute__((noinline)) bool
#else
static inline __attribute__((always_inline)) bool
#endif
pmap_extract_locked(struct pmap *, vaddr_t, paddr_t *);

#ifdef PMAP_DIRECT_TABLES
/* What pmap_extract answers for the leaf-level entry leaf read for va. */
static inline __attribute__((always_inline)) bool
pmap_extract_answer(pt_entry_t leaf, vaddr_t va, paddr_t *pap)
{
	if (!pte_valid_p(leaf))
		return false;
	if (pap != NULL)
		*pap = pte_pa(leaf, PMAP_LEAF_LEVEL) + (va & PAGE_MASK);
	return true;
}

/*
 * pmap_extract through this CPU's walk cache, then under the lock (the
 * answer written out: through pmap_extract_answer, clang lays out the
 * 64-bit backends' hit two instructions longer).
 */
static inline __attribute__((always_inline)) bool
pmap_extract_cpu(struct pmap *pm, vaddr_t va, paddr_t *pap)
{
	pt_entry_t leaf;

	if (pmap_extract_unlocked(pm, va, &leaf)) {
		if (!pte_valid_p(leaf))
			return false;
		if (pap != NULL)
			*pap = pte_pa(leaf, PMAP_LEAF_LEVEL) + (va & PAGE_MASK);
		return true;
	}
	return pmap_extract_locked(pm, va, pap);
}

/* pmap_extract_cpu past a hint that did not answer (out of line: the hint's path saves nothing). */
static __attribute__((noinline)) bool
pmap_extract_slow(struct pmap *pm, vaddr_t va, paddr_t *pap)
{
	return pmap_extract_cpu(pm, va, pap);
}
#endif

bool
pmap_extract(struct pmap *pm, vaddr_t va, paddr_t *pap)
{
#ifdef PMAP_DIRECT_TABLES
	if (PMAP_EXTRACT_HINT) {	/* no call to the kernel on a hit */
		pt_entry_t leaf;
		if (pmap_extract_hinted(pm, va, &leaf))
			return pmap_extract_answer(leaf, va, pap);
		return pmap_extract_slow(pm, va, pap);
	}
	return pmap_extract_cpu(pm, va, pap);
#else
	return pmap_extract_locked(pm, va, pap);
#endif
}

static bool
pmap_extract_locked(struct pmap *pm, vaddr_t va, paddr_t *pap)
{
	PMAP_LOCKED(pm);
	PMAP_STAT_ADD_ON(pmap_locked_scope.cpu, extract_locked, 1);
	struct pmap_page *tpp;
	pt_entry_t *ptep = pmap_leaf_slot(pm, pmap_locked_scope.cpu, va, &tpp);
	pt_entry_t pte;
	int l = PMAP_LEAF_LEVEL;

	if (ptep != NULL) {
		pte = pte_load(ptep);
		if (!pte_valid_p(pte))
			return false;
	} else if (!pmap_leaf_at(pm, va, &pte, &l)) {	/* no table, or a large leaf */
		return false;
	}
	if (pap != NULL)
		*pap = pte_pa(pte, l) + (va & (pmap_level_size(l) - 1));
	return true;
}

/* What the valid leaf pte at level l says, for the leaf covering va. */
static void
pmap_mapping_of(pt_entry_t pte, int l, vaddr_t va, struct pmap_mapping *m)
{
	vsize_t size = pmap_level_size(l);

	*m = (struct pmap_mapping){ .va = va & ~(size - 1), .pa = pte_pa(pte, l), .size = size,
	    .prot = pte_prot(pte), .wired = pte_wired_p(pte), .managed = pte_managed_p(pte),
	    .user = pte_user_p(pte), .global = pte_global_p(pte), .nocache = pte_nocache_p(pte),
	    .referenced = pte_referenced_p(pte), .modified = pte_modified_p(pte) };
}

bool
pmap_lookup(struct pmap *pm, vaddr_t va, struct pmap_mapping *m)
{
	PMAP_LOCKED(pm);
	pt_entry_t pte;
	int l;

	if (!pmap_leaf_at(pm, va, &pte, &l))
		return false;
	pmap_mapping_of(pte, l, va, m);
	return true;
}

struct mappings_arg {
	int	(*fn)(const struct pmap_mapping *, void *);
	void	*arg;
	int	 stop;			/* fn's first non-zero value */
};

static void
mappings_fn(struct pmap *pm, vaddr_t va, pt_entry_t *ptep, unsigned n, int l,
    struct pmap_page *tpp, void *arg)
{
	struct mappings_arg *ma = arg;
	struct pmap_mapping m;

	(void)pm;
	(void)tpp;
	for (unsigned i = 0; i < n && ma->stop == 0; i++, va += PAGE_SIZE) {
		pt_entry_t pte = pte_load(&ptep[i]);
		if (!pte_valid_p(pte))
			continue;
		pmap_mapping_of(pte, l, va, &m);
		ma->stop = ma->fn(&m, ma->arg);
	}
}

int
pmap_mappings(struct pmap *pm, vaddr_t sva, vaddr_t eva,
    int (*fn)(const struct pmap_mapping *, void *), void *arg)
{
	PMAP_LOCKED(pm);
	struct mappings_arg ma = { fn, arg, 0 };
	vaddr_t lo = pm->pm_is_kernel ? pmap_kernel_min() : VM_MIN_ADDRESS;
	vaddr_t hi = pm->pm_is_kernel ? VM_MAX_KERNEL_VA : VM_MAXUSER_ADDRESS;

	/* pm's part of the space only: not the pmap's own self-map and windows. */
	sva = sva > lo ? sva : lo;
	eva = eva == 0 || eva > hi ? hi : eva;
	pmap_walk_range(pm, sva & ~(vaddr_t)PAGE_MASK, eva, mappings_fn, &ma, false);
	return ma.stop;
}

/*
 * src's leaf for va into *ptep and its level (src locked only meanwhile:
 * pmap_copy holds one pmap lock at a time); false and the level of the
 * missing table if there is none.
 */
static bool
pmap_copy_lookup(struct pmap *src, vaddr_t va, pt_entry_t *ptep, int *levelp)
{
	PMAP_LOCKED(src);
	struct pmap_path path;
	bool found = pmap_path_lookup(src, va, &path);

	*levelp = path.level;
	*ptep = found ? pte_load(path.pte[path.level]) : 0;
	return found;
}

/*
 * Advisory: give dst the mappings src has in [src_addr, src_addr + len), at
 * dst_addr, unwired.  Stops quietly when memory runs out.  Complete when it
 * returns (pmap(9) does not let it defer).
 */
void
pmap_copy(struct pmap *dst, struct pmap *src, vaddr_t dst_addr, vsize_t len,
    vaddr_t src_addr)
{
	pmap_check_range("pmap_copy", src, src_addr, src_addr + len);
	pmap_check_range("pmap_copy", dst, dst_addr, dst_addr + len);
	KASSERTMSG(!src->pm_is_kernel && !dst->pm_is_kernel && src != dst,
	    "pmap_copy: only between two user pmaps (%p, %p)", (void *)dst, (void *)src);
	for (vsize_t off = 0; off < len; off += PAGE_SIZE) {
		vaddr_t va = src_addr + off;
		pt_entry_t pte;
		int l;
		if (!pmap_copy_lookup(src, va, &pte, &l)) {
			vaddr_t span = pmap_level_size(l);
			off = ((va & ~(span - 1)) + span - src_addr) - PAGE_SIZE;
			continue;
		}
		if (!pte_valid_p(pte))
			continue;
		if (pmap_enter(dst, dst_addr + off, pte_pa(pte, l), pte_prot(pte),
		    PMAP_CANFAIL) != 0)
			break;
	}
	PMAP_LOCKED(dst);
	pmap_tlb_complete(dst);	/* an entered mapping may have replaced a cached one */
}

/* ------------------------------------------------------- kernel mappings */

static void
pmap_check_kenter_args(const char *fn, vaddr_t va, paddr_t pa, vsize_t size, vm_prot_t prot,
    unsigned flags)
{
	pmap_check_pa(fn, pa);
	KASSERTMSG((uint64_t)pa + size - PAGE_SIZE <= PMAP_PA_TOP && pa + size - PAGE_SIZE >= pa,
	    "%s: physical range %#llx + %#llx wraps or exceeds the %u-bit space", fn,
	    (unsigned long long)pa, (unsigned long long)size, pmap_pa_width);
	pmap_check_prot(fn, prot);
	KASSERTMSG(prot != VM_PROT_NONE, "%s: va %#" PMAP_PRIxVADDR " with VM_PROT_NONE", fn, va);
	KASSERTMSG((flags & ~(PMAP_NOCACHE | VM_PROT_ALL)) == 0, "%s: unknown flags %#x", fn,
	    flags);
}

/* Map va to pa, unmanaged and wired; va must be unmapped and grown. */
void
pmap_kenter_pa(vaddr_t va, paddr_t pa, vm_prot_t prot, unsigned flags)
{
	PMAP_LOCKED(&kernel_pmap_store);
	struct pmap *kpm = &kernel_pmap_store;
	struct pmap_path path;

	pmap_check_va("pmap_kenter_pa", kpm, va);
	pmap_check_kenter_args("pmap_kenter_pa", va, pa, PAGE_SIZE, prot, flags);
	KASSERTMSG(pmap_path_lookup(kpm, va, &path) && path.level == PMAP_LEAF_LEVEL,
	    "pmap_kenter_pa: va %#" PMAP_PRIxVADDR " has no page table (pmap_growkernel) or is "
	    "inside a large mapping", va);
	pt_entry_t old = pte_load(path.pte[path.level]);
	KASSERTMSG(!pte_valid_p(old),
	    "pmap_kenter_pa: va %#" PMAP_PRIxVADDR " already maps pa %#llx", va,
	    (unsigned long long)pte_pa(old, path.level));
	unsigned mk = PMAP_MK_GLOBAL | PMAP_MK_WIRED | ((flags & PMAP_NOCACHE) ? PMAP_MK_NOCACHE : 0);
	pmap_install_leaf(kpm, va, path.pte[path.level], path.level,
	    pmap_path_table(&path, path.level), pte_make(pa, prot, mk, path.level));
}

/* The largest leaf level usable for va -> pa with `left` bytes to map. */
static int
pmap_large_level(vaddr_t va, paddr_t pa, vsize_t left)
{
#ifdef CONFIG_PMAP_PSE
	for (int l = 0; l < PMAP_LEAF_LEVEL; l++) {
		vaddr_t size = pmap_level_size(l);
		if (pmap_md_levels[l].pl_leaf_ok &&
		    ((va | pa) & (size - 1)) == 0 && left >= size)
			return l;
	}
#else
	(void)va; (void)pa; (void)left;
#endif
	return PMAP_LEAF_LEVEL;
}

/*
 * Can a large leaf of level l go at va (path filled to it)?  Where nothing is
 * mapped down to that level (the tables above it are made where missing,
 * when the lookup stopped more than one level up); where only
 * empty tables are below it (ones a demotion left and a kremove emptied: on
 * the path, each holds nothing but the entry for the next), they are
 * unhooked first, bottom-up, and freed after the next flush, so a range
 * that was split and emptied gets large pages again.
 */
static bool
pmap_large_slot(struct pmap *kpm, vaddr_t va, int l, struct pmap_path *path)
{
	bool found = pmap_path_lookup(kpm, va, path);
	int d = path->level;

	if (!found && d <= l) {
		if (d < l)
			pmap_kernel_tables_to(va, path, l, "pmap_kenter_range");
		return true;
	}
	if (d <= l)
		return false;		/* a leaf at or above level l */
	for (int k = l + 1; k <= d; k++)
		if (pmap_table_page(pte_load(path->pte[k - 1]), k - 1)->pp_ptpcount != (k < d))
			return false;
	for (int k = d; k > l; k--)
		pmap_free_table(kpm, k - 1, va, path->pte[k - 1], pmap_path_table(path, k - 1));
	path->level = l;
	return true;
}

/*
 * kenter the npages base pages [va, ...) -> [pa, ...), all inside the leaf
 * table the path reaches: one walk for the run, each slot checked empty as
 * it is written (a slot in use panics, naming it: the pages before it stay
 * mapped, as with one pmap_kenter_pa a page), counts added once.
 */
static void
pmap_kenter_run(struct pmap *kpm, vaddr_t va, paddr_t pa, unsigned npages, vm_prot_t prot,
    unsigned mk, struct pmap_path *path)
{
	pt_entry_t *ptep = path->pte[PMAP_LEAF_LEVEL];
	unsigned i;

	for (i = 0; i < npages; i++) {
		pt_entry_t old = pte_load(&ptep[i]);
		if (__builtin_expect(pte_valid_p(old), 0))
			break;
		pte_store(&ptep[i], pte_make(pa + (paddr_t)i * PAGE_SIZE, prot, mk,
		    PMAP_LEAF_LEVEL));
	}
	PMAP_COUNT_ADD(kpm->pm_resident, i);
	PMAP_COUNT_ADD(kpm->pm_wired, i);
	pmap_path_table(path, PMAP_LEAF_LEVEL)->pp_ptpcount += (uint16_t)i;
	KASSERTMSG(i == npages,
	    "pmap_kenter_range: va %#" PMAP_PRIxVADDR " already maps pa %#llx",
	    va + i * PAGE_SIZE, (unsigned long long)pte_pa(pte_load(&ptep[i]), PMAP_LEAF_LEVEL));
}

/*
 * kenter [va, va + size) -> [pa, ...), with large leaves where alignment,
 * Kconfig (CONFIG_PMAP_PSE) and the hardware allow and no table with entries
 * is there (pmap_large_slot);
 * elsewhere with base pages, a leaf table's run at a time, allocating kernel
 * tables as needed (panics if none can be had: kernel mappings cannot fail).
 */
void
pmap_kenter_range(vaddr_t va, paddr_t pa, vsize_t size, vm_prot_t prot, unsigned flags)
{
	PMAP_LOCKED(&kernel_pmap_store);
	struct pmap *kpm = &kernel_pmap_store;
	struct pmap_path path;

	pmap_check_range("pmap_kenter_range", kpm, va, va + size);
	if (size == 0)
		return;
	pmap_check_kenter_args("pmap_kenter_range", va, pa, size, prot, flags);
	unsigned mk = PMAP_MK_GLOBAL | PMAP_MK_WIRED | ((flags & PMAP_NOCACHE) ? PMAP_MK_NOCACHE : 0);
	while (size > 0) {
		int l = pmap_large_level(va, pa, size);
		if (l != PMAP_LEAF_LEVEL && pmap_large_slot(kpm, va, l, &path)) {
			pmap_install_leaf(kpm, va, path.pte[l], l, pmap_path_table(&path, l),
			    pte_make(pa, prot, mk, l));
			va += pmap_level_size(l);
			pa += pmap_level_size(l);
			size -= pmap_level_size(l);
			continue;
		}
		if (!pmap_path_lookup(kpm, va, &path))
			pmap_kernel_tables_to(va, &path, PMAP_LEAF_LEVEL, "pmap_kenter_range");
		KASSERTMSG(path.level == PMAP_LEAF_LEVEL,
		    "pmap_kenter_range: va %#" PMAP_PRIxVADDR " is inside a large mapping", va);
		vsize_t span = pmap_level_size(PMAP_LEAF_LEVEL - 1);
		vsize_t run = span - (va & (span - 1));
		if (run > size)
			run = size;
		pmap_kenter_run(kpm, va, pa, (unsigned)(run >> PAGE_SHIFT), prot, mk, &path);
		va += run;
		pa += run;
		size -= run;
	}
}

/* Remove the kenter'd mappings of [va, va + size); large ones only whole. */
void
pmap_kremove(vaddr_t va, vsize_t size)
{
	PMAP_LOCKED(&kernel_pmap_store);
	struct range_arg ra = { "pmap_kremove", va, va + size, 0, PMAP_INV_REMOVE, true, false,
	    pmap_locked_scope.cpu };

	pmap_check_range("pmap_kremove", &kernel_pmap_store, va, va + size);
	pmap_walk_range(&kernel_pmap_store, va, va + size, remove_fn, &ra, false);
}

/* --------------------------------------------------------- physical pages */

void
pmap_zero_page(paddr_t pa)
{
	pmap_check_pa("pmap_zero_page", pa);
	PMAP_PINNED();		/* this CPU's windows */
	pmap_md_ops.zero_page(pa);
}

void
pmap_copy_page(paddr_t src, paddr_t dst)
{
	pmap_check_pa("pmap_copy_page", src);
	pmap_check_pa("pmap_copy_page", dst);
	PMAP_PINNED();
	pmap_md_ops.copy_page(src, dst);
}

paddr_t
pmap_phys_address(paddr_t cookie)
{
	return cookie << PAGE_SHIFT;
}

/* The leaf entry of a recorded mapping (pm, va); it must exist. */
static pt_entry_t *
pmap_pv_pte(struct pmap *pm, vaddr_t va, struct pmap_path *path)
{
	bool found = pmap_path_lookup(pm, va, path);

	KASSERTMSG(found && pte_valid_p(pte_load(path->pte[path->level])),
	    "pmap_pv_pte: pv entry for pmap %p va %#" PMAP_PRIxVADDR " has no PTE", (void *)pm,
	    va);
	return path->pte[path->level];
}

/*
 * Page-level operations start from the page and need each mapping's pmap,
 * against the lock order (mi/pmap_lock.c): with the page locked each
 * mapping's pmap is only tried; when one is busy the page is let go, that
 * pmap's lock waited for, and the walk starts over, so fn must do nothing
 * twice that matters (it is handed each mapping still there).  fn runs with
 * the page and the mapping's pmap locked; with `complete` each pmap's batch
 * completes before its lock is released.  Returns with the page locked.
 */
struct page_walk {
	bool		(*fn)(struct pmap *, vaddr_t, void *);
	void		*arg;
	bool		 complete;
	struct pmap	*busy;
};

static bool
page_walk_one(struct pmap *pm, vaddr_t va, void *arg)
{
	struct page_walk *w = arg;

	if (!pmap_trylock(pm)) {
		w->busy = pm;
		return true;
	}
	bool stop = w->fn(pm, va, w->arg);
	if (w->complete)
		pmap_tlb_complete(pm);
	pmap_unlock(pm);
	return stop;
}

static void
pmap_page_walk(struct pmap_page *pg, bool (*fn)(struct pmap *, vaddr_t, void *), void *arg,
    bool complete)
{
	struct page_walk w = { fn, arg, complete, NULL };

	for (;;) {
		pmap_page_lock(pg);
		w.busy = NULL;
		pmap_pv_foreach(pg, page_walk_one, &w);
		if (w.busy == NULL)
			return;
		pmap_page_unlock(pg);
		pmap_lock_wait(w.busy);
	}
}

struct page_op {
	vm_prot_t	 prot;
	bool		 hit;
	pt_entry_t	(*f)(pt_entry_t);
	bool		(*test)(pt_entry_t);
	enum pmap_inval_reason why;
	struct pmap_page *pg;
};

static bool
page_remove_fn(struct pmap *pm, vaddr_t va, void *arg)
{
	struct page_op *op = arg;
	struct pmap_path path;
	pt_entry_t *ptep = pmap_pv_pte(pm, va, &path);

	pmap_remove_leaf(pm, va, ptep, path.level, pmap_path_table(&path, path.level),
	    PMAP_INV_PAGE_PROTECT, op->pg);
	pmap_unref_tables(pm, va, &path);
	return false;
}

static pt_entry_t
pte_apply_fn(pt_entry_t old, const void *arg)
{
	return ((const struct page_op *)arg)->f(old);
}

/* Apply op->f to the mapping; invalidate if that changed an entry op->test accepts. */
static bool
page_update_fn(struct pmap *pm, vaddr_t va, void *arg)
{
	struct page_op *op = arg;
	struct pmap_path path;
	pt_entry_t old = pmap_pte_update(pmap_pv_pte(pm, va, &path), pte_apply_fn, op);

	if (op->test(old)) {
		op->hit = true;
		pmap_tlb_inval(pm, va, old, op->why);
	}
	return false;
}

static pt_entry_t pte_readonly(pt_entry_t pte) { return pte_restrict(pte, VM_PROT_READ | VM_PROT_EXECUTE); }

/*
 * Lower every mapping of pg to prot: read-only, or none (removed).
 * Complete on every CPU when it returns: no pmap_update needed
 * (copy-on-write and page-out call none).
 */
void
pmap_page_protect(struct pmap_page *pg, vm_prot_t prot)
{
	struct page_op op = { prot, false, pte_readonly, pte_writable_p,
	    PMAP_INV_PAGE_PROTECT, pg };

	pmap_check_prot("pmap_page_protect", prot);
	if (prot & VM_PROT_WRITE)
		return;
	pmap_page_walk(pg, (prot & VM_PROT_READ) ? page_update_fn : page_remove_fn, &op, true);
	pmap_page_unlock(pg);
}

/* Complete when it returns: the page daemon calls no pmap_update. */
static bool
pmap_page_clear(struct pmap_page *pg, uint16_t attr, pt_entry_t (*f)(pt_entry_t),
    bool (*test)(pt_entry_t), enum pmap_inval_reason why)
{
	struct page_op op = { 0, false, f, test, why, pg };

	pmap_page_walk(pg, page_update_fn, &op, true);
	bool was = (pg->pp_attrs & attr) != 0;
	pg->pp_attrs &= (uint16_t)~attr;
	pmap_page_unlock(pg);
	return was || op.hit;
}

bool
pmap_clear_modify(struct pmap_page *pg)
{
	return pmap_page_clear(pg, PP_MODIFIED, pte_clear_modified, pte_modified_p,
	    PMAP_INV_CLEAR_MODIFY);
}

bool
pmap_clear_reference(struct pmap_page *pg)
{
	return pmap_page_clear(pg, PP_REFERENCED, pte_clear_referenced, pte_referenced_p,
	    PMAP_INV_CLEAR_REFERENCE);
}

struct page_test {
	bool	(*test)(pt_entry_t);
	bool	 hit;
};

static bool
page_test_fn(struct pmap *pm, vaddr_t va, void *arg)
{
	struct page_test *pt = arg;
	struct pmap_path path;

	pt->hit |= pt->test(pte_load(pmap_pv_pte(pm, va, &path)));
	return pt->hit;
}

static bool
pmap_page_test(struct pmap_page *pg, uint16_t attr, bool (*test)(pt_entry_t))
{
	struct page_test pt = { test, false };

	pmap_page_walk(pg, page_test_fn, &pt, false);
	bool hit = pt.hit || (pg->pp_attrs & attr) != 0;
	pmap_page_unlock(pg);
	return hit;
}

bool
pmap_is_modified(struct pmap_page *pg)
{
	return pmap_page_test(pg, PP_MODIFIED, pte_modified_p);
}

bool
pmap_is_referenced(struct pmap_page *pg)
{
	return pmap_page_test(pg, PP_REFERENCED, pte_referenced_p);
}

/* ------------------------------------------------------- ref/mod faults */

static pt_entry_t
pte_note_access(pt_entry_t pte, const void *arg)
{
	pte = pte_set_referenced(pte);
	return (*(const vm_prot_t *)arg & VM_PROT_WRITE) ? pte_set_modified(pte) : pte;
}

/* Does the valid leaf pte grant access, from user or kernel mode? */
static bool
pmap_fault_allowed(pt_entry_t pte, vm_prot_t access, bool user)
{
	if (!pte_valid_p(pte) || (access & ~pte_prot(pte)) != 0 || (user && !pte_user_p(pte)))
		return false;
	/* The kernel may never execute a user page there: a real fault. */
	return user || !pte_user_p(pte) || !(access & VM_PROT_EXECUTE) ||
	    !(pmap_md_ops.caps & PMAP_CAP_NO_KX_USER);
}

/*
 * Software referenced/modified emulation (Svade): an access the mapping
 * allows faulted only because A (or D, for a write) was clear.  Set it and
 * drop this CPU's translation at once (a clean entry may be cached), so the
 * retried access goes through.  The page's attributes follow from the PTE.
 * Other CPUs may keep a clean translation: their next such access faults
 * with A/D already set, and is retried once (pmap_tlb_spurious).
 */
bool
pmap_fault(struct pmap *pm, vaddr_t va, vm_prot_t access, bool user)
{
	PMAP_LOCKED(pm);
	struct pmap_path path;

	if (!(pmap_md_ops.caps & PMAP_CAP_SW_REFMOD))
		return false;
	va &= ~(vaddr_t)PAGE_MASK;
	pt_entry_t *ptep = pmap_path_lookup(pm, va, &path) ? path.pte[path.level] : NULL;
	pt_entry_t pte = ptep != NULL ? pte_load(ptep) : 0;
	if (!pmap_fault_allowed(pte, access, user)) {
		pmap_tlb_fault_done();
		return false;
	}
	if (pte_referenced_p(pte) && (!(access & VM_PROT_WRITE) || pte_modified_p(pte)))
		return pmap_tlb_spurious(va);
	pmap_pte_update(ptep, pte_note_access, &access);
	pmap_md_ops.tlb_invalidate(va);
	pmap_tlb_fault_done();
	PMAP_STAT_INC(refmod_faults);
	return true;
}
