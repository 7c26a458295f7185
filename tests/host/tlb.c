/*
 * The strict TLB model (tlb.h), one per simulated CPU (model_cpu picks).
 * Entries of every page size live in one hash by 4 KiB page, and on a list
 * of all of that CPU's entries for model_tlb_check.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "tlb.h"

#define NBUCKETS	4096u
#define NSIZES		4

struct model_tlb_stats model_tlb_stats[PMAP_MAXCPUS];
static struct tlb_entry *tlbs[PMAP_MAXCPUS][NBUCKETS];
static struct {
	struct tlb_entry *head;		/* every entry, by all_next */
} __attribute__((aligned(64))) tlb_alls[PMAP_MAXCPUS];
#define tlb_all(c)	(tlb_alls[c].head)
#define buckets		(tlbs[model_cpu])
#define stats		(model_tlb_stats[model_cpu])
/*
 * Page shifts seen, to probe on lookup: bit s for 1 << s bytes, shared by
 * every CPU (thread), only ever gaining bits.  sizes_of() lists them.
 */
static uint64_t shifts_seen;

static unsigned
sizes_of(uint8_t sizes[NSIZES])
{
	uint64_t m = __atomic_load_n(&shifts_seen, __ATOMIC_RELAXED);
	unsigned n = 0;

	for (; m != 0 && n < NSIZES; m &= m - 1)
		sizes[n++] = (uint8_t)__builtin_ctzll(m);
	return n;
}

/* The page's base, for an entry of 1 << shift bytes. */
static inline uint64_t
page_of(uint64_t va, uint8_t shift)
{
	return va & ~(((uint64_t)1 << shift) - 1);
}

static unsigned
bucket(uint64_t va, uint8_t shift)
{
	uint64_t k = (va >> shift) * 0x9e3779b97f4a7c15ull + shift;

	return (unsigned)((k >> 32) % NBUCKETS);
}

struct tlb_entry *
model_tlb_lookup(uint64_t va, uint16_t asid)
{
	uint8_t sizes[NSIZES];
	unsigned nsizes = sizes_of(sizes);

	for (unsigned i = 0; i < nsizes; i++) {
		uint64_t base = page_of(va, sizes[i]);
		for (struct tlb_entry *e = buckets[bucket(base, sizes[i])]; e; e = e->next)
			if (e->va == base && e->shift == sizes[i] && (e->g || e->asid == asid)) {
				stats.hits++;
				return e;
			}
	}
	stats.misses++;
	return NULL;
}

static void
note_size(uint8_t shift)
{
	uint64_t bit = (uint64_t)1 << shift;

	if (__atomic_load_n(&shifts_seen, __ATOMIC_RELAXED) & bit)
		return;
	if (__builtin_popcountll(__atomic_fetch_or(&shifts_seen, bit, __ATOMIC_RELAXED) | bit) >
	    NSIZES)
		abort();
}

void
model_tlb_insert(const struct tlb_entry *src)
{
	struct tlb_entry *e = malloc(sizeof(*e));
	unsigned b = bucket(src->va, src->shift);

	if (e == NULL)
		abort();
	*e = *src;
	note_size(src->shift);
	e->next = buckets[b];
	buckets[b] = e;
	e->all_prev = NULL;
	e->all_next = tlb_all(model_cpu);
	if (e->all_next != NULL)
		e->all_next->all_prev = e;
	tlb_all(model_cpu) = e;
}

static void
drop_if(unsigned b, bool (*pred)(const struct tlb_entry *, const void *), const void *arg)
{
	for (struct tlb_entry **ep = &buckets[b], *e; (e = *ep) != NULL;) {
		if (pred(e, arg)) {
			*ep = e->next;
			if (e->all_prev != NULL)
				e->all_prev->all_next = e->all_next;
			else
				tlb_all(model_cpu) = e->all_next;
			if (e->all_next != NULL)
				e->all_next->all_prev = e->all_prev;
			free(e);
		} else {
			ep = &e->next;
		}
	}
}

static bool
covers(const struct tlb_entry *e, const void *arg)
{
	uint64_t va = *(const uint64_t *)arg;

	return e->va == page_of(va, e->shift);
}

void
model_tlb_inval_va(uint64_t va)
{
	stats.inval_page++;
	uint8_t sizes[NSIZES];
	unsigned nsizes = sizes_of(sizes);
	for (unsigned i = 0; i < nsizes; i++)
		drop_if(bucket(page_of(va, sizes[i]), sizes[i]), covers, &va);
}

struct tagged_arg {
	uint64_t	va;
	uint16_t	asid;
};

static bool
covers_tagged(const struct tlb_entry *e, const void *arg)
{
	const struct tagged_arg *a = arg;

	return e->va == page_of(a->va, e->shift) && (e->g || e->asid == a->asid);
}

void
model_tlb_inval_va_tagged(uint64_t va, uint16_t asid)
{
	struct tagged_arg a = { va, asid };

	stats.inval_page++;
	uint8_t sizes[NSIZES];
	unsigned nsizes = sizes_of(sizes);
	for (unsigned i = 0; i < nsizes; i++)
		drop_if(bucket(page_of(va, sizes[i]), sizes[i]), covers_tagged, &a);
}

static bool
flushable(const struct tlb_entry *e, const void *arg)
{
	return *(const bool *)arg || !e->g;
}

void
model_tlb_flush(bool global)
{
	if (global)
		stats.flush_all++;
	else
		stats.flush_nonglobal++;
	for (unsigned b = 0; b < NBUCKETS; b++)
		drop_if(b, flushable, &global);
}

struct inval_arg {
	uint64_t	va;
	bool		any_va, any_asid;
	uint16_t	asid;
};

static bool
inval_match(const struct tlb_entry *e, const void *arg)
{
	const struct inval_arg *a = arg;

	if (!a->any_va && e->va != page_of(a->va, e->shift))
		return false;
	return a->any_asid || (!e->g && e->asid == a->asid);
}

void
model_tlb_inval(uint64_t va, bool any_va, uint16_t asid, bool any_asid)
{
	struct inval_arg a = { va, any_va, any_asid, asid };

	stats.inval_page++;
	if (!any_va) {			/* only the buckets that can hold va */
		uint8_t sizes[NSIZES];
		unsigned nsizes = sizes_of(sizes);
		for (unsigned i = 0; i < nsizes; i++)
			drop_if(bucket(page_of(va, sizes[i]), sizes[i]), inval_match, &a);
		return;
	}
	for (unsigned b = 0; b < NBUCKETS; b++)
		drop_if(b, inval_match, &a);
}

/*
 * Every entry of this CPU that the current context can use (global, or
 * tagged with asid), checked against what the tables hold now, as `leaf`
 * reads them without side effects.  An entry is stale if the tables map its
 * page no more, elsewhere, or with fewer rights, or if it lets accesses skip
 * an A or D update the tables no longer record.
 */
int
model_tlb_check(uint16_t asid, int (*leaf)(uint64_t va, struct tlb_entry *),
    void (*print)(const char *, ...))
{
	int bad = 0;

	for (struct tlb_entry *e = tlb_all(model_cpu); e != NULL; e = e->all_next) {
		struct tlb_entry w;
		if (!e->g && e->asid != asid)
			continue;
		int r = leaf(e->va, &w);
		const char *why = r < 0 ? "the CPU's cached root entries are stale" :
		    r == 0 ? "the tables map nothing there" :
		    w.shift < e->shift ? "the tables map it with smaller pages" :
		    w.pa + (e->va - w.va) != e->pa ? "the tables map another page" :
		    (e->w && !w.w) || (e->u && !w.u) || (e->x && !w.x) || (e->r && !w.r) ?
		    "the tables give fewer rights" :
		    e->g && !w.g ? "the tables no longer make it global" :
		    !w.a ? "the tables have the accessed bit clear" :
		    e->d && !w.d ? "the tables have the dirty bit clear" : NULL;
		if (why == NULL)
			continue;
		print("# TLB audit: CPU %u holds va %#llx (%llu KiB) -> pa %#llx %c%c%c%c%c%s asid %u: "
		    "%s\n", model_cpu, (unsigned long long)e->va,
		    (unsigned long long)(((uint64_t)1 << e->shift) >> 10), (unsigned long long)e->pa,
		    e->r ? 'r' : '-', e->w ? 'w' : '-', e->x ? 'x' : '-', e->u ? 'u' : '-',
		    e->d ? 'd' : '-', e->g ? " global" : "", e->asid, why);
		bad++;
	}
	return bad;
}
