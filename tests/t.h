/*
 * One test suite, two oracles.  Test cases are written once against the
 * pmap API and the probe primitive; they run on the host over the strict
 * MMU model and in the guest over QEMU's MMU.  tests/cases/cases.def lists
 * them; kern/ runs them and prints KTAP v1.
 */
#ifndef TESTS_T_H
#define TESTS_T_H

#include "kern.h"
#include "physmem.h"
#include <pmap/pmap.h>
#include <pmap/pmap_kern.h>

#define T_MAXPAGES	64
#define T_MAXPMAPS	8

struct tctx {
	const char	*name;
	int		 failed;	/* assertion failures */
	unsigned	 checks;	/* assertions evaluated */
	const char	*skip;		/* set: the test does not apply here */
	paddr_t		 pages[T_MAXPAGES];
	unsigned	 npages;
	struct pmap	*pmaps[T_MAXPMAPS];
	unsigned	 npmaps;
	vaddr_t		 kva_next;	/* test kernel VA, bump-allocated */
	paddr_t		 block, block_size;	/* t_block */
};

void	t_fail(struct tctx *, const char *file, int line, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

#define T_ASSERT(t, cond, ...) do {						\
	(t)->checks++;								\
	if (!(cond)) {								\
		t_fail((t), __FILE__, __LINE__, "" __VA_ARGS__);		\
		t_fail((t), __FILE__, __LINE__, "  failed: %s", #cond);		\
		return;								\
	}									\
} while (0)

#define T_EQ(t, a, b) do {							\
	unsigned long long _a = (unsigned long long)(a), _b = (unsigned long long)(b); \
	(t)->checks++;								\
	if (_a != _b) {								\
		t_fail((t), __FILE__, __LINE__, "%s == %#llx, expected %s == %#llx", \
		    #a, _a, #b, _b);						\
		return;								\
	}									\
} while (0)

#define T_SKIP(t, why) do { (t)->skip = (why); return; } while (0)

/* Resources released by the runner after the test, whatever happened. */
paddr_t	t_page(struct tctx *);			/* zeroed RAM page */
/* A RAM page in [lo, hi), not zeroed and not touched (it may lie outside the direct map); 0 if none. */
paddr_t	t_page_range(struct tctx *, paddr_t lo, paddr_t hi);
/* size bytes of contiguous RAM aligned to size (a large page), zeroed; 0 if none. One per test. */
paddr_t	t_block(struct tctx *, paddr_t size);
/* The highest page the pmap can map on this CPU (pmap_pa_bits). */
paddr_t	t_pa_top_page(void);
struct pmap *t_pmap(struct tctx *);		/* user pmap */
vaddr_t	t_kva(struct tctx *, unsigned npages);	/* unmapped, grown kernel VA */
void	t_cleanup(struct tctx *);

/* Physical access (no MMU involved on the host; the direct map in the guest). */
uint32_t t_phys_read(paddr_t pa, unsigned off);
void	t_phys_write(paddr_t pa, unsigned off, uint32_t v);
struct pmap_page *t_pg(paddr_t pa);

/* Probes in the current address space, as the kernel. */
bool	t_read(vaddr_t va, uint32_t *valp);
bool	t_write(vaddr_t va, uint32_t v);
/*
 * As the kernel on CPU cpu, by a cross-call, after making pm live there (NULL:
 * whatever is): READ stores the word read in *readp (if not NULL), WRITE
 * writes wval.  Kernel access to user pages is allowed for it.
 */
bool	t_access_on(unsigned cpu, struct pmap *pm, vaddr_t va, enum probe_access,
	    uint32_t wval, uint32_t *readp);
/* Make pm live on CPU cpu (the kernel pmap: none). */
void	t_activate_on(unsigned cpu, struct pmap *pm);
/* As user code, if the platform can; *supported says whether it could. */
bool	t_user_read(vaddr_t va, bool *supported);
bool	t_user_write(vaddr_t va, uint32_t v, bool *supported);
bool	t_host_model(void);			/* running over the strict model? */

/*
 * Run fn(arg) expecting a panic whose message contains want.  Panics can be
 * caught only on the host build; t_panics_catchable() says so.
 */
bool	t_panics_catchable(void);
bool	t_expect_panic(struct tctx *, void (*fn)(void *), void *arg, const char *want);

/*
 * Page-table pages below the root that mappings of [sva, eva) need, and how
 * many of them a removal of [csva, ceva) frees (tables left with nothing).
 */
unsigned t_tables_for(vaddr_t sva, vaddr_t eva);
unsigned t_tables_freed(vaddr_t sva, vaddr_t eva, vaddr_t csva, vaddr_t ceva);
/* The VA one leaf table covers. */
vaddr_t	t_leaf_span(void);
/*
 * The large leaf most tests use: the smallest the backend has, a leaf one
 * level above the base pages (amd64: 2 MiB, where pmap_large_page_size()
 * is 1 GiB); PAGE_SIZE without large pages.  t_large_va(k, size): a kernel
 * VA for a leaf of that size, k such spans (at least t_leaf_span() each)
 * below VM_MAX_KERNEL_VA, beyond the grown space.
 */
vsize_t	t_large_size(void);
vaddr_t	t_large_va(unsigned k, vsize_t size);

/* CONFIG_PMAP_DEBUG: pmap_check on pm, counted as a check. */
#define T_CHECK_PMAP(t, pm)	T_EQ(t, t_pmap_check(pm), 0)
int	t_pmap_check(struct pmap *);

/* Knob in mi/pmap_tlb.c for the model-strictness test: drop N invalidations. */
extern unsigned pmap_tlb_debug_drop;
/*
 * Hook in mi/pmap.c (CONFIG_PMAP_DEBUG, PMAP_DIRECT_TABLES): called once by an
 * unlocked pmap_extract after it found the leaf table, before it reads the entry.
 */
extern void (*pmap_debug_extract_race)(struct pmap *, vaddr_t);
/* Hook in mi/pmap.c (CONFIG_PMAP_DEBUG): called once by pmap_enter's fast path, under its brief hold. */
extern void (*pmap_debug_enter_fast)(struct pmap *, vaddr_t);

#define T_CASE(fn)	void fn(struct tctx *);
#include "cases/cases.def"
#undef T_CASE

#endif
