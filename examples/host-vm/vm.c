/*
 * host-vm: a small VM system embedding pmapkit from outside its tree.
 *
 * It is the kind of kernel code pmap(9) is written for: its own physical
 * page allocator and page records (with struct pmap_page embedded), its own
 * pmap_kern_* functions, and a fork with copy-on-write, a page-out pass
 * and an exit, the way a VM system drives them: pmap_page_protect,
 * pmap_clear_reference/modify and pmap_is_* with no pmap_update after
 * them.  It runs over the host kit's MMU model (<pmap/pmap_model.h>), whose
 * strict TLBs make any missing invalidation show, with two simulated CPUs.
 * docs/embedding.md walks through it.
 *
 * Output: KTAP, one result per phase; exit 0 iff every phase passed.
 */

/*
 * A kernel's own names, as most kernels have them, with values that are
 * not pmapkit's: <pmap/pmap.h> and <pmap/pmap_kern.h> must not clash with
 * any of them (they define only PMAP_-prefixed names).
 */
typedef unsigned long vaddr_t;
typedef unsigned long paddr_t;
typedef unsigned long vsize_t;
typedef int vm_prot_t;
typedef unsigned long pt_entry_t;
#define PAGE_SHIFT		12
#define PAGE_SIZE		4096ul
#define PAGE_MASK		(PAGE_SIZE - 1)
#define KERNBASE		0xffffffff80000000ul
#define VM_MIN_ADDRESS		0x1000ul
#define VM_MAXUSER_ADDRESS	0x7fffffffffffull
#define VM_MIN_KERNEL_VA	0xffffffffa0000000ul
#define VM_MAX_KERNEL_VA	0xffffffffc0000000ul
#define VM_PROT_READ		0x10
#define VM_PROT_WRITE		0x20
#define VM_PROT_EXECUTE		0x40
#define ENOMEM			-12

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pmap/pmap.h>
#include <pmap/pmap_kern.h>
#include <pmap/pmap_model.h>

_Static_assert(sizeof(vaddr_t) == 8 && PAGE_SIZE == 4096 && VM_PROT_READ == 0x10,
    "the kernel's own names are its own");

#define NCPUS		2
#define MEM		(64ull << 20)
#define UVA		0x10000000u	/* the process's pages, in user space */
#define NPAGES		8
#define RW		(PMAP_PROT_READ | PMAP_PROT_WRITE)

/* ---------------------------------------------- the kernel's page records */

struct page {
	struct pmap_page md;		/* pmapkit's part, first */
	bool		 ram, free;
	struct page	*next_free;
};

static struct page *pages;		/* one per frame of the model's RAM array */
static uint64_t nframes;
static struct page *free_list;
static unsigned long nfree;
static long fail_countdown = -1;	/* fault injection: the nth allocation fails */

static pmap_paddr_t page_pa(const struct page *p) { return (pmap_paddr_t)(p - pages) << 12; }

static void
page_put(struct page *p)
{
	p->free = true;
	p->next_free = free_list;
	free_list = p;
	nfree++;
}

/* The first free page below limit (0: anywhere), or NULL. */
static struct page *
page_get(pmap_paddr_t limit)
{
	if (fail_countdown >= 0 && fail_countdown-- == 0)
		return NULL;
	for (struct page **pp = &free_list; *pp != NULL; pp = &(*pp)->next_free) {
		struct page *p = *pp;
		if (limit != 0 && page_pa(p) >= limit)
			continue;
		*pp = p->next_free;
		p->free = false;
		nfree--;
		return p;
	}
	return NULL;
}

/* Every usable page above what the boot map's tables hold, free; lowest first. */
static void
pages_init(const struct pmap_model_boot *mb)
{
	nframes = pmap_model_ram_size() >> 12;
	pages = calloc(nframes, sizeof(*pages));
	for (unsigned r = mb->nregions; r-- > 0;) {
		uint64_t b = mb->regions[r].base >> 12, e = (mb->regions[r].base +
		    mb->regions[r].len) >> 12;
		for (uint64_t f = e; f-- > b;) {
			pages[f].ram = true;
			if ((f << 12) >= mb->kernel_end_pa)
				page_put(&pages[f]);
		}
	}
}

/* ------------------------------------------ what pmapkit asks of a kernel */

static jmp_buf *panic_catch;		/* set around a call expected to panic */
static char panic_msg[256];

struct pmap_page *
pmap_kern_phys_to_page(pmap_paddr_t pa)
{
	uint64_t f = (uint64_t)pa >> 12;

	return f < nframes && pages[f].ram ? &pages[f].md : NULL;
}

int
pmap_kern_page_alloc(pmap_paddr_t *pap)
{
	struct page *p = page_get(0);

	if (p == NULL)
		return PMAP_ENOMEM;
	*pap = page_pa(p);
	return 0;
}

int
pmap_kern_page_alloc_below(pmap_paddr_t limit, pmap_paddr_t *pap)
{
	struct page *p = page_get(limit);

	if (p == NULL)
		return PMAP_ENOMEM;
	*pap = page_pa(p);
	return 0;
}

void
pmap_kern_page_free(pmap_paddr_t pa)
{
	page_put(&pages[(uint64_t)pa >> 12]);
}

/* Chunks are pages of the direct map: here, the model RAM's host addresses. */
void *
pmap_kern_chunk_alloc(void)
{
	struct page *p = page_get(PMAP_DIRECT_END);

	return p != NULL ? pmap_model_phys(page_pa(p)) : NULL;
}

void
pmap_kern_chunk_free(void *c)
{
	page_put(&pages[((uint8_t *)c - (uint8_t *)pmap_model_phys(0)) >> 12]);
}

void
pmap_kern_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
	va_end(ap);
	if (panic_catch != NULL)
		longjmp(*panic_catch, 1);
	fprintf(stderr, "panic: %s\n", panic_msg);
	exit(3);
}

void
pmap_kern_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

unsigned pmap_kern_cpu_index(void) { return pmap_model_cpu(); }
uint32_t pmap_kern_cpus_running(void) { return (1u << NCPUS) - 1; }
void pmap_kern_ipi(uint32_t cpus) { pmap_model_ipi(cpus); }
/* One thread switches among the model's CPUs, never preempted: nothing to disable. */
void pmap_kern_preempt_disable(void) { }
void pmap_kern_preempt_enable(void) { }
void pmap_kern_cpu_relax(void) { }

/* ------------------------------------------------------- the VM system */

static int failed, ntests;
static unsigned long free_booted;	/* free pages once the pmap is up */
static struct pmap_stats stats_booted;

/*
 * Every page is back: what is free now, plus what pmapkit keeps by design
 * (pages of struct pmaps and kernel page tables, docs/embedding.md).
 */
static bool
all_pages_back(void)
{
	struct pmap_stats s;

	pmap_stats_get(&s);
	return nfree + (s.pmap_pool_pages - stats_booted.pmap_pool_pages) +
	    (s.ptp_kernel - stats_booted.ptp_kernel) == free_booted;
}

static void
result(bool ok, const char *name)
{
	printf("%s %d %s\n", ok ? "ok" : "not ok", ++ntests, name);
	failed += !ok;
}

#define CHECK(cond) do { if (!(cond)) { printf("# %s:%d: %s\n", __FILE__, __LINE__, #cond); return false; } } while (0)

/* An access on a CPU as the process would make it, with pm live there. */
static bool
access_on(unsigned cpu, struct pmap *pm, pmap_vaddr_t va, enum pmap_model_access a,
    uint32_t wval, uint32_t *rval)
{
	unsigned from = pmap_model_cpu();
	pmap_prot_t acc = a == PMAP_MODEL_WRITE ? PMAP_PROT_WRITE : PMAP_PROT_READ;
	bool ok;

	pmap_model_set_cpu(cpu);
	pmap_activate(pm);
	/* As a fault handler: software referenced/modified first (Svade). */
	while (!(ok = pmap_model_access(va, a, true, wval, rval, NULL)) &&
	    pmap_fault(pm, va, acc, true))
		continue;
	pmap_model_set_cpu(from);
	return ok;
}

static bool
tlbs_clean(void)
{
	return pmap_model_tlb_audit((void (*)(const char *, ...))printf) == 0;
}

struct proc {
	struct pmap	*pm;
	struct page	*pg[NPAGES];	/* what maps UVA + i * page */
	bool		 cow[NPAGES];	/* shared read-only after fork */
};

static uint32_t backing[NPAGES];	/* the "swap": page i's word, once paged out */

static struct page *rec(struct pmap_page *md) { return (struct page *)md; }

/* A process with NPAGES anonymous pages, written through its mappings. */
static bool
proc_start(struct proc *p)
{
	CHECK((p->pm = pmap_create_canfail()) != NULL);
	for (unsigned i = 0; i < NPAGES; i++) {
		CHECK((p->pg[i] = page_get(0)) != NULL);
		pmap_zero_page(page_pa(p->pg[i]));
		CHECK(pmap_enter(p->pm, UVA + i * 4096u, page_pa(p->pg[i]), RW,
		    PMAP_CANFAIL) == 0);
	}
	pmap_update(p->pm);
	for (unsigned i = 0; i < NPAGES; i++)
		CHECK(access_on(i % NCPUS, p->pm, UVA + i * 4096u, PMAP_MODEL_WRITE, 0xa0 + i, NULL));
	return tlbs_clean();
}

/*
 * fork: the child shares every page read-only; both lose write access at
 * once (pmap_page_protect, no pmap_update), a write then copies.
 */
static bool
proc_fork(struct proc *parent, struct proc *child)
{
	CHECK((child->pm = pmap_create_canfail()) != NULL);
	for (unsigned i = 0; i < NPAGES; i++) {
		pmap_page_protect(&parent->pg[i]->md, PMAP_PROT_READ);
		CHECK(pmap_enter(child->pm, UVA + i * 4096u, page_pa(parent->pg[i]),
		    PMAP_PROT_READ, PMAP_CANFAIL) == 0);
		child->pg[i] = parent->pg[i];
		parent->cow[i] = child->cow[i] = true;
	}
	pmap_update(child->pm);
	/* Both CPUs had the parent's pages writable in their TLBs: no more. */
	for (unsigned c = 0; c < NCPUS; c++)
		CHECK(!access_on(c, parent->pm, UVA, PMAP_MODEL_WRITE, 1, NULL));
	return tlbs_clean();
}

/* The write fault of a copy-on-write page: copy, map the copy writable. */
static bool
cow_fault(struct proc *p, unsigned i)
{
	struct page *copy = page_get(0);

	CHECK(copy != NULL && p->cow[i]);
	pmap_copy_page(page_pa(p->pg[i]), page_pa(copy));
	CHECK(pmap_enter(p->pm, UVA + i * 4096u, page_pa(copy), RW, PMAP_CANFAIL) == 0);
	pmap_update(p->pm);
	p->pg[i] = copy;
	p->cow[i] = false;
	return true;
}

static bool
write_word(unsigned cpu, struct proc *p, unsigned i, uint32_t v)
{
	if (access_on(cpu, p->pm, UVA + i * 4096u, PMAP_MODEL_WRITE, v, NULL))
		return true;
	return cow_fault(p, i) && access_on(cpu, p->pm, UVA + i * 4096u, PMAP_MODEL_WRITE, v,
	    NULL);
}

static bool
fork_and_write(struct proc *a, struct proc *b)
{
	uint32_t v;

	CHECK(proc_fork(a, b));
	for (unsigned i = 0; i < NPAGES; i += 2)	/* the parent writes half its pages */
		CHECK(write_word(i % NCPUS, a, i, 0xb0 + i));
	for (unsigned i = 0; i < NPAGES; i++) {
		CHECK(access_on(1, b->pm, UVA + i * 4096u, PMAP_MODEL_READ, 0, &v) && v == 0xa0 + i);
		CHECK(access_on(0, a->pm, UVA + i * 4096u, PMAP_MODEL_READ, 0, &v));
		CHECK(v == (i % 2 == 0 ? 0xb0 + i : 0xa0 + i));
	}
	return tlbs_clean();
}

/*
 * A page-out pass over the parent's pages: clear the referenced bits, let
 * the process touch some pages, then page out the rest (writing back the
 * modified ones) with pmap_page_protect(NONE) and free them at once (the
 * operation is complete when it returns).  A write right after a
 * pmap_clear_modify, on a CPU whose TLB still held the page, must be seen.
 */
static bool
page_out(struct proc *a, struct proc *b)
{
	uint32_t v;

	for (unsigned i = 0; i < NPAGES; i++)
		if (!a->cow[i]) {
			CHECK(pmap_clear_reference(&a->pg[i]->md));
			CHECK(!pmap_is_referenced(&a->pg[i]->md));
		}
	CHECK(access_on(1, a->pm, UVA + 2 * 4096u, PMAP_MODEL_READ, 0, &v));
	for (unsigned i = 0; i < NPAGES; i++) {
		struct pmap_page *md = &a->pg[i]->md;
		if (a->cow[i] || pmap_is_referenced(md))
			continue;
		if (pmap_is_modified(md)) {
			CHECK(pmap_clear_modify(md));
			/* Written again through CPU 0's warm TLB: the page is dirty again. */
			CHECK(access_on(0, a->pm, UVA + i * 4096u, PMAP_MODEL_WRITE, 0xc0 + i, NULL));
			CHECK(pmap_is_modified(md));
			CHECK(pmap_clear_modify(md));
			backing[i] = *(uint32_t *)pmap_model_phys(page_pa(a->pg[i]));
		}
		pmap_page_protect(md, PMAP_PROT_NONE);
		page_put(rec(md));
		a->pg[i] = NULL;
	}
	CHECK(tlbs_clean());
	/* Page back in what the process touches again: the data survived. */
	for (unsigned i = 0; i < NPAGES; i++) {
		if (a->pg[i] != NULL)
			continue;
		CHECK(!access_on(i % NCPUS, a->pm, UVA + i * 4096u, PMAP_MODEL_READ, 0, &v));
		CHECK((a->pg[i] = page_get(0)) != NULL);
		*(uint32_t *)pmap_model_phys(page_pa(a->pg[i])) = backing[i];
		CHECK(pmap_enter(a->pm, UVA + i * 4096u, page_pa(a->pg[i]), RW, PMAP_CANFAIL) == 0);
		pmap_update(a->pm);
		CHECK(access_on(i % NCPUS, a->pm, UVA + i * 4096u, PMAP_MODEL_READ, 0, &v));
		CHECK(v == 0xc0 + i);
	}
	(void)b;
	return tlbs_clean();
}

/* Collect a process's pages from its mappings (pmap_mappings), as exit does. */
struct collect {
	struct page	*pg[NPAGES * 2];
	unsigned	 n;
};

static int
collect_fn(const struct pmap_mapping *m, void *arg)
{
	struct collect *c = arg;

	if (!m->managed || !m->user || m->size != 4096 || c->n == NPAGES * 2)
		return 1;
	c->pg[c->n++] = rec(pmap_kern_phys_to_page(m->pa));
	return 0;
}

/*
 * exit: list the pages, remove every mapping, and free a page only after
 * the pmap_update that follows its removal (and only when no other
 * process still maps it).
 */
static bool
proc_exit(struct proc *p)
{
	struct collect c = { .n = 0 };

	CHECK(pmap_mappings(p->pm, 0, 0, collect_fn, &c) == 0 && c.n == NPAGES);
	for (unsigned cpu = 0; cpu < NCPUS; cpu++) {
		pmap_model_set_cpu(cpu);
		pmap_deactivate(p->pm);
	}
	pmap_model_set_cpu(0);
	pmap_remove_all(p->pm);
	pmap_update(p->pm);
	for (unsigned i = 0; i < c.n; i++) {
		struct pmap_page *md = &c.pg[i]->md;
		if (md->pp_pmap == NULL && md->pp_pvlist == NULL)
			page_put(c.pg[i]);	/* no other mapping: free */
	}
	pmap_destroy(p->pm);
	return tlbs_clean();
}

/* Out of memory: pmap_create and pmap_enter fail softly, and a panic is caught. */
static bool
failures(void)
{
	struct pmap *pm = pmap_create_canfail();
	pmap_paddr_t pa = page_pa(page_get(0));
	jmp_buf jb;
	unsigned depth = pmap_lock_held();

	CHECK(pm != NULL);
	fail_countdown = 0;
	CHECK(pmap_create_canfail() == NULL);
	fail_countdown = 0;
	CHECK(pmap_enter(pm, UVA, pa, RW, PMAP_CANFAIL) == PMAP_ENOMEM);
	fail_countdown = -1;
	panic_catch = &jb;
	if (setjmp(jb) == 0) {
		pmap_enter(pm, UVA + 1, pa, RW, 0);	/* not page aligned */
		panic_catch = NULL;
		CHECK(!"pmap_enter of an unaligned va did not panic");
	}
	panic_catch = NULL;
	pmap_panic_unwind(depth);
	CHECK(strstr(panic_msg, "not page aligned") != NULL);
	pmap_destroy(pm);
	page_put(&pages[pa >> 12]);
	return true;
}

int
main(void)
{
	struct pmap_model_boot mb;
	struct proc a = { 0 }, b = { 0 };

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("KTAP version 1\n1..6\n");
	printf("# host-vm over pmapkit's %s backend (%s), %u CPUs, %llu MiB\n",
	    pmap_backend_name(), "host kit", NCPUS, (unsigned long long)(MEM >> 20));
	pmap_model_init(MEM, NCPUS, &mb);
	pages_init(&mb);
	unsigned long free0 = nfree;
	struct pmap_bootstrap_args args = {
		.direct_end = PMAP_DIRECT_END, .text_start = mb.text_start_pa,
		.text_end = mb.text_end_pa, .md_features = mb.md_features };
	pmap_bootstrap(&args);
	pmap_init();
	for (unsigned c = 1; c < NCPUS; c++) {
		pmap_model_set_cpu(c);
		pmap_cpu_init();
	}
	pmap_model_set_cpu(0);
	free_booted = nfree;
	pmap_stats_get(&stats_booted);
	result(free_booted < free0 && tlbs_clean(), "boot");
	result(proc_start(&a), "process_start");
	result(fork_and_write(&a, &b), "fork_copy_on_write");
	result(page_out(&a, &b), "page_out_and_in");
	result(proc_exit(&b) && proc_exit(&a) && all_pages_back(), "exit_frees_every_page");
	result(failures() && all_pages_back() && pmap_check(pmap_kernel(),
	    (void (*)(const char *, ...))printf) == 0, "out_of_memory_and_panics");
	printf("# %lu pages free, %lu after boot\n", nfree, free_booted);
	return failed != 0;
}
