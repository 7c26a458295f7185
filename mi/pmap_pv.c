/*
 * pv entries: the reverse map from a physical page to its managed mappings.
 *
 * A page's first mapping lives in its struct pmap_page (pp_pmap, pp_va), so a
 * page mapped once costs no pv memory (NetBSD).  Further mappings take a
 * two-word pv_entry from a page-sized chunk owned by one pmap; the pmap is
 * stored once in the chunk header and found from an entry by masking its
 * address (FreeBSD), and a bitmap in the header marks the free entries.
 * Chunks with free entries are kept at the front of the pmap's circular
 * chunk list, full ones at the back; an empty chunk is given back once the
 * pmap's batch completes.
 *
 * Locking (mi/pmap_lock.c): a pmap's chunks under its lock, a page's pv
 * list under the page lock.  An entry is only ever freed by its own pmap.
 */
#include "pmap_int.h"

#define PV_MAPWORDS_MAX	(PAGE_SIZE / sizeof(struct pv_entry) / 32 + 1)
#define PV_PERCHUNK	((PAGE_SIZE - 3 * sizeof(void *) - sizeof(uint32_t) - \
			  4 * PV_MAPWORDS_MAX) / sizeof(struct pv_entry))
#define PV_MAPWORDS	((PV_PERCHUNK + 31) / 32)

struct pv_chunk {
	struct pmap	*pc_pmap;
	struct pv_chunk	*pc_next;
	struct pv_chunk	*pc_prev;
	uint32_t	 pc_nfree;
	uint32_t	 pc_map[PV_MAPWORDS];	/* 1 = free */
	struct pv_entry	 pc_pv[PV_PERCHUNK];
};
_Static_assert(sizeof(struct pv_chunk) <= PAGE_SIZE, "pv_chunk exceeds a page");

static bool pv_soft_warned;
static unsigned long pv_soft_limit = CONFIG_PMAP_PV_SOFT_LIMIT;

struct pmap *
pmap_pv_pmap(const struct pv_entry *pv)
{
	const struct pv_chunk *pc = (const void *)((uintptr_t)pv & ~(uintptr_t)PAGE_MASK);

	return pc->pc_pmap;
}

static struct pv_chunk *
pv_chunk_of(struct pv_entry *pv)
{
	return (struct pv_chunk *)((uintptr_t)pv & ~(uintptr_t)PAGE_MASK);
}

static void
pv_chunk_unlink(struct pmap *pm, struct pv_chunk *pc)
{
	if (pc->pc_next == pc) {
		pm->pm_chunks = NULL;
		return;
	}
	pc->pc_prev->pc_next = pc->pc_next;
	pc->pc_next->pc_prev = pc->pc_prev;
	if (pm->pm_chunks == pc)
		pm->pm_chunks = pc->pc_next;
}

/* Link pc into pm's list, at the front (has room) or the back (full). */
static void
pv_chunk_link(struct pmap *pm, struct pv_chunk *pc, bool front)
{
	struct pv_chunk *head = pm->pm_chunks;

	if (head == NULL) {
		pc->pc_next = pc->pc_prev = pc;
		pm->pm_chunks = pc;
		return;
	}
	pc->pc_next = head;
	pc->pc_prev = head->pc_prev;
	head->pc_prev->pc_next = pc;
	head->pc_prev = pc;
	if (front)
		pm->pm_chunks = pc;
}

static struct pv_chunk *
pv_chunk_new(struct pmap *pm)
{
	struct pv_chunk *pc = pmap_kern_chunk_alloc();

	if (pc == NULL)
		return NULL;
	KASSERTMSG(((uintptr_t)pc & PAGE_MASK) == 0,
	    "pv_chunk_new: kernel chunk %p not page aligned", (void *)pc);
	pc->pc_pmap = pm;
	pc->pc_nfree = PV_PERCHUNK;
	for (unsigned i = 0; i < PV_MAPWORDS; i++)
		pc->pc_map[i] = ~0u;
	if (PV_PERCHUNK % 32)
		pc->pc_map[PV_MAPWORDS - 1] = (1u << (PV_PERCHUNK % 32)) - 1;
	pv_chunk_link(pm, pc, true);
	PMAP_STAT_INC(pv_chunks);
	return pc;
}

void
pmap_pv_set_soft_limit(unsigned long limit)
{
	__atomic_store_n(&pv_soft_limit, limit, __ATOMIC_RELAXED);
	__atomic_store_n(&pv_soft_warned, false, __ATOMIC_RELAXED);
}

/* Is the soft limit reached?  Warn the first time. */
bool
pmap_pv_at_soft_limit(void)
{
	unsigned long inuse = pmap_stat_pv_inuse_now();

	if (inuse < __atomic_load_n(&pv_soft_limit, __ATOMIC_RELAXED))
		return false;
	if (!__atomic_exchange_n(&pv_soft_warned, true, __ATOMIC_RELAXED)) {	/* once */
		PMAP_STAT_INC(pv_soft_warnings);
		pmap_kern_printf("pmap: warning: %lu pv entries in use, at the soft limit "
		    "of %lu: reclaiming unwired mappings from now on\n",
		    inuse, __atomic_load_n(&pv_soft_limit, __ATOMIC_RELAXED));
	}
	return true;
}

/* A free pv entry from pm's chunks; NULL if no chunk can be had. */
struct pv_entry *
pmap_pv_alloc(struct pmap *pm)
{
	struct pv_chunk *pc = pm->pm_chunks;

	if (pc == NULL || pc->pc_nfree == 0) {
		pc = pv_chunk_new(pm);
		if (pc == NULL)
			return NULL;
	}
	for (unsigned w = 0; w < PV_MAPWORDS; w++) {
		if (pc->pc_map[w] == 0)
			continue;
		unsigned bit = (unsigned)__builtin_ctz(pc->pc_map[w]);
		pc->pc_map[w] &= ~(1u << bit);
		if (--pc->pc_nfree == 0) {
			pv_chunk_unlink(pm, pc);
			pv_chunk_link(pm, pc, false);
		}
		pmap_stat_pv_inuse(1);
		return &pc->pc_pv[w * 32 + bit];
	}
	pmap_kern_panic("pmap_pv_alloc: chunk %p has nfree %u but an empty map",
	    (void *)pc, pc->pc_nfree);
}

void
pmap_pv_free(struct pv_entry *pv)
{
	struct pv_chunk *pc = pv_chunk_of(pv);
	struct pmap *pm = pc->pc_pmap;
	unsigned idx = (unsigned)(pv - pc->pc_pv);

	KASSERTMSG(idx < PV_PERCHUNK && !(pc->pc_map[idx / 32] & (1u << (idx % 32))),
	    "pmap_pv_free: entry %p (index %u) not allocated", (void *)pv, idx);
	pc->pc_map[idx / 32] |= 1u << (idx % 32);
	pmap_stat_pv_inuse(-1);
	if (++pc->pc_nfree == PV_PERCHUNK) {
		pv_chunk_unlink(pm, pc);
		pmap_tlb_free_chunk(pm, pc);
		PMAP_STAT_DEC(pv_chunks);
	} else if (pc->pc_nfree == 1) {
		pv_chunk_unlink(pm, pc);
		pv_chunk_link(pm, pc, true);
	}
}

/*
 * Record that pm maps pg at va.  *sparep is a pv entry from pmap_pv_alloc(pm),
 * taken (set to NULL) only if the embedded slot is already in use.  pm's
 * lock and the page lock held (as for every pv function taking a page).
 */
void
pmap_pv_insert(struct pmap_page *pg, struct pmap *pm, vaddr_t va, struct pv_entry **sparep)
{
	struct pv_entry *pv;

	if (pmap_pv_embed(pg, pm, va, pmap_cpu_self()))
		return;
	pv = *sparep;
	KASSERTMSG(pv != NULL && pmap_pv_pmap(pv) == pm,
	    "pmap_pv_insert: no spare pv entry of pmap %p for va %#" PMAP_PRIxVADDR, (void *)pm,
	    va);
	*sparep = NULL;
	pv->pv_va = va;
	pv->pv_next = pg->pp_pvlist;
	pg->pp_pvlist = pv;
}

/* Forget that pm maps pg at va; the mapping must be recorded. */
void
pmap_pv_remove_listed(struct pmap_page *pg, struct pmap *pm, vaddr_t va)
{
	struct pv_entry **pvp, *pv;

	for (pvp = &pg->pp_pvlist; (pv = *pvp) != NULL; pvp = &pv->pv_next) {
		if (pv->pv_va == va && pmap_pv_pmap(pv) == pm) {
			*pvp = pv->pv_next;
			pmap_pv_free(pv);
			return;
		}
	}
	pmap_kern_panic("pmap_pv_remove: page %p has no pv entry for pmap %p va %#"
	    PMAP_PRIxVADDR, (void *)pg, (void *)pm, va);
}

void
pmap_pv_remove_listed_brief(struct pmap_page *pg, struct pmap *pm, vaddr_t va, unsigned cpu)
{
	struct pmap_lock_cpu *lc = &pmap_percpu[cpu].lock;

	lc->page = pmap_page_spin(pg);	/* named for the call: a panic in it lets it go */
	pmap_pv_remove_listed(pg, pm, va);
	lc->page = NULL;
}

bool
pmap_pv_has(struct pmap_page *pg, struct pmap *pm, vaddr_t va)
{
	if (pg->pp_pmap == pm && pg->pp_va == va)
		return true;
	for (struct pv_entry *pv = pg->pp_pvlist; pv != NULL; pv = pv->pv_next)
		if (pv->pv_va == va && pmap_pv_pmap(pv) == pm)
			return true;
	return false;
}

/*
 * Call fn for every mapping of pg until it returns true (then true); fn may
 * remove the mapping it is handed.  Page lock held.
 */
bool
pmap_pv_foreach(struct pmap_page *pg, bool (*fn)(struct pmap *, vaddr_t, void *), void *arg)
{
	struct pv_entry *pv, *next;

	for (pv = pg->pp_pvlist; pv != NULL; pv = next) {
		next = pv->pv_next;
		if (fn(pmap_pv_pmap(pv), pv->pv_va, arg))
			return true;
	}
	return pg->pp_pmap != NULL && fn(pg->pp_pmap, pg->pp_va, arg);
}

/*
 * Each allocated entry of pm's chunks (its listed mappings: removing one
 * frees an entry), until fn returns true; fn may not change the chunks.
 */
bool
pmap_pv_chunk_foreach(struct pmap *pm, bool (*fn)(struct pv_entry *, void *), void *arg)
{
	struct pv_chunk *pc = pm->pm_chunks;

	if (pc == NULL)
		return false;
	do {
		for (unsigned i = 0; i < PV_PERCHUNK; i++)
			if (!(pc->pc_map[i / 32] & (1u << (i % 32))) && fn(&pc->pc_pv[i], arg))
				return true;
		pc = pc->pc_next;
	} while (pc != pm->pm_chunks);
	return false;
}

unsigned
pmap_pv_chunk_capacity(void)
{
	return PV_PERCHUNK;
}

unsigned
pmap_pv_chunk_entries_inuse(struct pmap *pm)
{
	unsigned n = 0;
	struct pv_chunk *pc = pm->pm_chunks;

	if (pc == NULL)
		return 0;
	do {
		n += PV_PERCHUNK - pc->pc_nfree;
		pc = pc->pc_next;
	} while (pc != pm->pm_chunks);
	return n;
}

/* The chunks' own bookkeeping: each names pm, its free count matches its bitmap. */
void
pmap_pv_chunks_check(struct pmap *pm, int *errs, void (*print)(const char *, ...)
    __attribute__((format(printf, 1, 2))))
{
	struct pv_chunk *pc = pm->pm_chunks;

	if (pc == NULL)
		return;
	do {
		unsigned nfree = 0;
		if (pc->pc_pmap != pm) {
			print("pmap_check: chunk %p in pmap %p names pmap %p\n",
			    (void *)pc, (void *)pm, (void *)pc->pc_pmap);
			(*errs)++;
		}
		for (unsigned i = 0; i < PV_PERCHUNK; i++)
			nfree += (pc->pc_map[i / 32] >> (i % 32)) & 1u;
		if (nfree != pc->pc_nfree) {
			print("pmap_check: chunk %p nfree %u, bitmap says %u\n",
			    (void *)pc, pc->pc_nfree, nfree);
			(*errs)++;
		}
		pc = pc->pc_next;
	} while (pc != pm->pm_chunks);
}
