/*
 * Physical page allocator of the test kernel, and the embedding glue that
 * pmapkit asks of a kernel (<pmap/pmap_kern.h>).
 *
 * Each page of each usable RAM region has a struct vm_page, which embeds the
 * pmap's struct pmap_page first (the NetBSD vm_page_md pattern).  The
 * records sit in RAM after the kernel image and are reached through
 * plat_phys(); the free list links pages by frame number, so free pages
 * themselves are never touched.  Allocation is lowest-address first.
 */
#include "kern.h"
#include "physmem.h"
#include <pmap/pmap_kern.h>

#define PHYSMEM_EARLY	0x00100000u	/* kept free below the page array */
#define VMP_RAM		0x01	/* usable RAM, has a record */
#define VMP_FREE	0x02
#define NO_PAGE		UINT32_MAX

struct vm_page {
	struct pmap_page mdpage;	/* first, so the record maps back */
	uint32_t	 next;		/* free list, by frame number */
	uint32_t	 flags;
};

/* One segment per usable RAM region of the firmware map (NetBSD's vm_physseg). */
static struct physseg {
	uint64_t	 first, nframes;	/* frames [first, first + nframes) */
	struct vm_page	*pages;
} segs[BOOT_MAXREGIONS];
static unsigned nsegs;
static uint32_t free_head = NO_PAGE;
static uint32_t nfree, nmanaged;
static long fail_countdown = -1;	/* fault injection: see physmem.h */
static uint64_t direct_end;		/* RAM below this is direct-mapped */
static unsigned long nallocs;
/*
 * One lock for the free list and the counts: pmapkit allocates from any
 * CPU at once (page tables, pv chunks), with its own locks held.  A page's
 * flags change under it too, but are read without it (VMP_RAM never
 * changes after physmem_init): single atomic accesses.
 */
static struct kspin physmem_lock;

static void
vmp_set_flags(struct vm_page *vp, uint32_t flags)
{
	__atomic_store_n(&vp->flags, flags, __ATOMIC_RELAXED);
}

static uint64_t
page_round(uint64_t a)
{
	return (a + PAGE_MASK) & ~(uint64_t)PAGE_MASK;
}

/* The record of frame f, or NULL outside RAM. */
static struct vm_page *
vmp(uint64_t f)
{
	for (unsigned i = 0; i < nsegs; i++)
		if (f - segs[i].first < segs[i].nframes)
			return &segs[i].pages[f - segs[i].first];
	return NULL;
}

/*
 * A segment for the whole pages of RAM [base, base + len), less anything
 * at or above pa_end (what the pmap can map on this CPU), said once per
 * region.
 */
static void
physmem_add_region(uint64_t base, uint64_t len, uint64_t pa_end)
{
	uint64_t b = page_round(base), e = (base + len) & ~(uint64_t)PAGE_MASK;

	if (e > pa_end) {
		kprintf("physmem: ignoring RAM %#llx-%#llx: at or above %#llx, beyond the "
		    "%u physical-address bits the pmap can map on this CPU\n",
		    (unsigned long long)(b > pa_end ? b : pa_end), (unsigned long long)e,
		    (unsigned long long)pa_end, pmap_pa_bits());
		e = pa_end;
	}
	if (e <= b)
		return;
	if (nsegs == BOOT_MAXREGIONS) {
		kprintf("physmem: more than %u RAM regions: ignoring %#llx-%#llx\n",
		    BOOT_MAXREGIONS, (unsigned long long)b, (unsigned long long)e);
		return;
	}
	/* Keep the segments sorted by address (the firmware's order need not be). */
	unsigned i = nsegs++;
	for (; i > 0 && segs[i - 1].first > b >> PAGE_SHIFT; i--)
		segs[i] = segs[i - 1];
	segs[i] = (struct physseg){ b >> PAGE_SHIFT, (e - b) >> PAGE_SHIFT, NULL };
}

static uint64_t
physmem_frames(void)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < nsegs; i++)
		n += segs[i].nframes;
	return n;
}

/*
 * The records are written through the boot map, before the pmap exists:
 * where those of all RAM would not fit between `array` and the end of the
 * boot map, manage only the lowest RAM whose records do, and say so.
 */
static void
physmem_fit_records(uint64_t array)
{
	uint64_t limit = (uint64_t)PMAP_RAM_BASE + PMAP_BOOTMAP_SIZE;
	uint64_t room = array < limit ? (limit - array) / sizeof(struct vm_page) : 0;
	uint64_t total = physmem_frames(), drop = total > room ? total - room : 0;

	if (drop == 0)
		return;
	while (drop > 0 && nsegs > 0) {
		struct physseg *sg = &segs[nsegs - 1];
		uint64_t n = drop < sg->nframes ? drop : sg->nframes;
		sg->nframes -= n;
		drop -= n;
		nsegs -= sg->nframes == 0;
	}
	kprintf("physmem: page records for %llu MiB of RAM do not fit the %u MiB boot map: "
	    "managing the lowest %llu MiB, ignoring RAM from %#llx\n",
	    (unsigned long long)(total >> (20 - PAGE_SHIFT)), (unsigned)(PMAP_BOOTMAP_SIZE >> 20),
	    (unsigned long long)(room >> (20 - PAGE_SHIFT)),
	    (unsigned long long)((segs[nsegs - 1].first + segs[nsegs - 1].nframes) << PAGE_SHIFT));
}

/*
 * Build the segments from the firmware map; return the end of RAM.  The
 * records sit after the image and an early window (PHYSMEM_EARLY) kept
 * free for the pmap's bootstrap tables, which must lie inside the boot map.
 */
uint64_t
physmem_init(const struct boot_info *bi)
{
	uint64_t pa_end = (uint64_t)1 << pmap_pa_bits();

	for (unsigned i = 0; i < bi->nregions; i++)
		physmem_add_region(bi->regions[i].base, bi->regions[i].len, pa_end);
	uint64_t early = page_round(bi->kernel_end_pa);
	uint64_t array = early + PHYSMEM_EARLY;
	physmem_fit_records(array);
	if (nsegs == 0)
		kpanic("physmem_init: no usable RAM among %u firmware regions", bi->nregions);
	uint64_t total = physmem_frames();
	uint64_t array_end = page_round(array + total * sizeof(struct vm_page));
	struct vm_page *pages = plat_phys((paddr_t)array);
	memset(pages, 0, (size_t)(total * sizeof(struct vm_page)));
	for (unsigned i = 0; i < nsegs; i++) {
		segs[i].pages = pages;
		pages += segs[i].nframes;
	}
	/* The free list is built from the top down, so allocation starts low. */
	for (unsigned i = nsegs; i-- > 0;) {
		for (uint64_t k = segs[i].nframes; k-- > 0;) {
			uint64_t f = segs[i].first + k;
			uint64_t pa = f << PAGE_SHIFT;
			struct vm_page *pg = &segs[i].pages[k];
			pg->flags = VMP_RAM;
			if (pa < early || (pa >= array && pa < array_end))
				continue;		/* below the image end, or the records */
			pg->flags |= VMP_FREE;
			pg->next = free_head;
			free_head = (uint32_t)f;
			nfree++;
			nmanaged++;
		}
	}
	/* The direct map ends where the RAM that starts below its limit ends. */
	for (unsigned i = 0; i < nsegs; i++) {
		uint64_t b = segs[i].first << PAGE_SHIFT, e = b + (segs[i].nframes << PAGE_SHIFT);
		if (b < (uint64_t)PMAP_DIRECT_END && e > direct_end)
			direct_end = e < (uint64_t)PMAP_DIRECT_END ? e : (uint64_t)PMAP_DIRECT_END;
	}
	return (segs[nsegs - 1].first + segs[nsegs - 1].nframes) << PAGE_SHIFT;
}

/*
 * The first free page whose frame satisfies lo <= f < hi, unlinked; the list
 * starts ascending, so the usual search ends at once.
 */
static int
physmem_take(uint64_t lo, uint64_t hi, paddr_t *pap)
{
	kspin_lock(&physmem_lock);
	if (fail_countdown >= 0 && fail_countdown-- == 0) {
		kspin_unlock(&physmem_lock);
		return ENOMEM;
	}
	for (uint32_t *fp = &free_head; *fp != NO_PAGE; fp = &vmp(*fp)->next) {
		uint32_t f = *fp;
		if (f < lo || f >= hi)
			continue;
		struct vm_page *pg = vmp(f);
		*fp = pg->next;
		vmp_set_flags(pg, pg->flags & ~VMP_FREE);
		__atomic_fetch_sub(&nfree, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&nallocs, 1, __ATOMIC_RELAXED);
		*pap = (paddr_t)f << PAGE_SHIFT;
		kspin_unlock(&physmem_lock);
		return 0;
	}
	kspin_unlock(&physmem_lock);
	return ENOMEM;
}

int
physmem_alloc(paddr_t *pap)
{
	return physmem_take(0, UINT32_MAX, pap);
}

/* A page the kernel can reach through plat_phys (the direct map). */
int
physmem_alloc_direct(paddr_t *pap)
{
	return physmem_take(0, direct_end >> PAGE_SHIFT, pap);
}

int
physmem_alloc_range(paddr_t lo, paddr_t hi, paddr_t *pap)
{
	return physmem_take((uint64_t)lo >> PAGE_SHIFT, (uint64_t)hi >> PAGE_SHIFT, pap);
}

/*
 * A run of free pages [pa, pa + size), size a multiple of and aligned to
 * `size` (a large page), direct-mapped, as high as there is one (low RAM is
 * what the usual allocations take).  One pass over the free list unlinks it.
 */
int
physmem_alloc_block(paddr_t size, paddr_t *pap)
{
	uint64_t n = size >> PAGE_SHIFT, first = 0;

	kspin_lock(&physmem_lock);
	for (uint64_t f = ((direct_end >> PAGE_SHIFT) / n) * n; f >= n && first == 0; f -= n) {
		uint64_t k = 0;
		for (struct vm_page *vp; k < n && (vp = vmp(f - n + k)) != NULL &&
		    (vp->flags & VMP_FREE); k++)
			continue;
		if (k == n)
			first = f - n;
	}
	if (first == 0) {
		kspin_unlock(&physmem_lock);
		return ENOMEM;
	}
	for (uint32_t *fp = &free_head; *fp != NO_PAGE;) {
		struct vm_page *pg = vmp(*fp);
		if (*fp - first < n) {
			vmp_set_flags(pg, pg->flags & ~VMP_FREE);
			__atomic_fetch_sub(&nfree, 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&nallocs, 1, __ATOMIC_RELAXED);
			*fp = pg->next;
		} else {
			fp = &pg->next;
		}
	}
	kspin_unlock(&physmem_lock);
	*pap = (paddr_t)(first << PAGE_SHIFT);
	return 0;
}

void
physmem_free(paddr_t pa)
{
	uint32_t f = (uint32_t)(pa >> PAGE_SHIFT);
	struct vm_page *vp = vmp(f);

	kspin_lock(&physmem_lock);
	if (vp == NULL || (vp->flags & (VMP_RAM | VMP_FREE)) != VMP_RAM)
		kspin_unlock(&physmem_lock), kpanic("physmem_free: pa %#llx is not an allocated RAM page",
		    (unsigned long long)pa);
	struct pmap_page *pg = &vp->mdpage;
	if (pg->pp_pmap != NULL || pg->pp_pvlist != NULL || pg->pp_ptpcount != 0)
		kspin_unlock(&physmem_lock), kpanic("physmem_free: pa %#llx is still mapped or a live page table",
		    (unsigned long long)pa);
	pg->pp_attrs = 0;
	vmp_set_flags(vp, vp->flags | VMP_FREE);
	vp->next = free_head;
	free_head = f;
	__atomic_fetch_add(&nfree, 1, __ATOMIC_RELAXED);
	kspin_unlock(&physmem_lock);
}

paddr_t physmem_direct_end(void) { return (paddr_t)direct_end; }
unsigned long physmem_free_count(void) { return __atomic_load_n(&nfree, __ATOMIC_RELAXED); }
unsigned long physmem_managed_count(void) { return nmanaged; }
unsigned long physmem_alloc_count(void) { return __atomic_load_n(&nallocs, __ATOMIC_RELAXED); }
void physmem_fail_after(long n) { fail_countdown = n; }

/* ---- the embedding interface ---- */

struct pmap_page *
pmap_kern_phys_to_page(paddr_t pa)
{
	struct vm_page *vp = vmp((uint64_t)pa >> PAGE_SHIFT);

	return vp != NULL && (__atomic_load_n(&vp->flags, __ATOMIC_RELAXED) & VMP_RAM) ?
	    &vp->mdpage : NULL;
}

int
pmap_kern_page_alloc(paddr_t *pap)
{
	return physmem_alloc(pap);
}

/* Fault injection (physmem.h), under physmem_lock: paddr_t may be wider than rv32's atomics. */
static paddr_t misplace_pa;

void
physmem_misplace_next(paddr_t pa)
{
	kspin_lock(&physmem_lock);
	misplace_pa = pa;
	kspin_unlock(&physmem_lock);
}

int
pmap_kern_page_alloc_below(paddr_t limit, paddr_t *pap)
{
	kspin_lock(&physmem_lock);
	paddr_t pa = misplace_pa;
	misplace_pa = 0;
	kspin_unlock(&physmem_lock);
	if (pa != 0) {
		*pap = pa;
		return 0;
	}
	return physmem_alloc_range(0, limit, pap);
}

void
pmap_kern_page_free(paddr_t pa)
{
	physmem_free(pa);
}

void *
pmap_kern_chunk_alloc(void)
{
	paddr_t pa;

	if (physmem_alloc_direct(&pa) != 0)
		return NULL;
	return plat_phys(pa);
}

void
pmap_kern_chunk_free(void *p)
{
	physmem_free(PMAP_RAM_BASE + (paddr_t)((char *)p - (char *)plat_phys(PMAP_RAM_BASE)));
}

void
pmap_kern_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvpanic(fmt, ap);
}

void
pmap_kern_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}
