/*
 * The test kernel's main: bring up physical memory and the pmap, then run
 * the shared suite (tests/cases) and report KTAP v1 on the console, or run
 * the benchmark when the command line says "bench".  Command line words:
 *   bench        run tests/bench instead of the suite
 *   only=NAME    run just the test case NAME
 *   random=N     run only the differential random tester, N operations
 *   seed=S       its seed (with random=)
 */
#include "kern.h"
#include "physmem.h"
#include "t.h"
#include "bench.h"
#include "random.h"

#define KERN_GROW	0x01000000u	/* kernel VA given tables at boot */

vaddr_t kern_stolen_va;			/* pmap_steal_memory at boot (tests check it) */
paddr_t kern_text_start, kern_text_end, kern_image_end;	/* the image, physical */
vsize_t kern_stolen_size = 2 * PAGE_SIZE;

static const struct tcase {
	const char	*name;
	void		(*fn)(struct tctx *);
} tcases[] = {
#define T_CASE(fn)	{ #fn, fn },
#include "cases/cases.def"
#undef T_CASE
};
#define NTCASES	(sizeof(tcases) / sizeof(tcases[0]))

/* What a test must give back: compared before and after each one. */
struct snapshot {
	unsigned long	free_pages, ptp, pv, chunks, embedded, pmaps;
	long		kresident, kwired;
};

static void
snap(struct snapshot *s)
{
	struct pmap_stats st;

	pmap_stats_get(&st);
	/* Kernel page tables and pmap pool pages are kept by design: no leak. */
	*s = (struct snapshot){ physmem_free_count() + st.ptp_kernel + st.pmap_pool_pages,
	    st.ptp_inuse - st.ptp_kernel, st.pv_inuse,
	    st.pv_chunks, st.pv_embedded, st.pmaps,
	    pmap_resident_count(pmap_kernel()), pmap_wired_count(pmap_kernel()) };
}

static int
leaks(const struct snapshot *a, const struct snapshot *b)
{
	int n = 0;
#define LEAK(f) if (a->f != b->f) { kprintf("# leak: " #f " %lld before, %lld after\n", \
	    (long long)a->f, (long long)b->f); n++; }
	LEAK(free_pages) LEAK(ptp) LEAK(pv) LEAK(chunks) LEAK(embedded) LEAK(pmaps)
	LEAK(kresident) LEAK(kwired)
#undef LEAK
	return n;
}

static const char *
cmdline_value(const char *cmdline, const char *key)
{
	const char *p = strstr(cmdline, key);

	return p != NULL ? p + strlen(key) : NULL;
}

static bool
name_matches(const char *name, const char *want)
{
	size_t n = strlen(name);

	return strncmp(name, want, n) == 0 && (want[n] == '\0' || want[n] == ' ');
}

static bool
run_one(unsigned num, const struct tcase *tc)
{
	struct tctx t = { .name = tc->name };
	struct snapshot before, after;

	snap(&before);
	tc->fn(&t);
	pmap_activate(pmap_kernel());
	physmem_fail_after(-1);
	pmap_tlb_debug_drop = 0;
	pmap_pv_set_soft_limit(CONFIG_PMAP_PV_SOFT_LIMIT);
	t_cleanup(&t);
	snap(&after);
	if (t.failed == 0 && leaks(&before, &after) != 0)
		t.failed++;
	if (t.failed == 0 && t_pmap_check(pmap_kernel()) != 0)
		t.failed++;
	if (t.skip != NULL && t.failed == 0)
		kprintf("ok %u %s # SKIP %s\n", num, tc->name, t.skip);
	else
		kprintf("%s %u %s\n", t.failed ? "not ok" : "ok", num, tc->name);
	return t.failed == 0;
}

static int
run_tests(const char *only)
{
	unsigned n = 0, failed = 0;

	for (unsigned i = 0; i < NTCASES; i++)
		n += (only == NULL || name_matches(tcases[i].name, only));
	kprintf("KTAP version 1\n1..%u\n", n);
	for (unsigned i = 0, num = 0; i < NTCASES; i++)
		if (only == NULL || name_matches(tcases[i].name, only))
			failed += !run_one(++num, &tcases[i]);
	if (n == 0)
		kprintf("# no test case named %s\n", only);
	return (failed == 0 && n > 0) ? KERN_EXIT_PASS : KERN_EXIT_FAIL;
}

static unsigned long long
parse_number(const char *s)
{
	unsigned long long v = 0;
	unsigned base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++) {
		unsigned d = (*s >= '0' && *s <= '9') ? (unsigned)(*s - '0') :
		    (*s >= 'a' && *s <= 'f') ? (unsigned)(*s - 'a' + 10) :
		    (*s >= 'A' && *s <= 'F') ? (unsigned)(*s - 'A' + 10) : 99;
		if (d >= base)
			return v;
		v = v * base + d;
	}
}

/* random=N [seed=S]: one KTAP test, the differential run alone. */
static int
run_random(const char *nops, const char *seed)
{
	unsigned long n = (unsigned long)parse_number(nops);
	uint64_t s = seed != NULL ? parse_number(seed) : RANDOM_SUITE_SEED;

	kprintf("KTAP version 1\n1..1\n");
	int bad = random_run(s, n);
	kprintf("%s 1 random_differential_%lu\n", bad ? "not ok" : "ok", n);
	return bad ? KERN_EXIT_FAIL : KERN_EXIT_PASS;
}

/* Physical memory and the pmap up; returns (the fuzzer boots this way). */
void
kern_boot(const struct boot_info *bi)
{
	kprintf("pmapkit test kernel: backend %s on %s, cmdline \"%s\"\n",
	    PMAP_MD_NAME, bi->platform, bi->cmdline);
	paddr_t ram_end = physmem_init(bi);
	struct pmap_bootstrap_args args = { physmem_direct_end(), bi->text_start_pa,
	    bi->text_end_pa };
	kern_text_start = bi->text_start_pa;
	kern_text_end = bi->text_end_pa;
	kern_image_end = bi->kernel_end_pa;
	pmap_bootstrap(&args);
	plat_paging_ready();
	pmap_init();
	kern_stolen_va = pmap_steal_memory(kern_stolen_size, NULL, NULL);
	pmap_growkernel(VM_MIN_KERNEL_VA + KERN_GROW);
	kprintf("# %lu pages of RAM managed, %lu free; RAM ends at %#llx (direct-mapped up to "
	    "%#llx)\n", physmem_managed_count(), physmem_free_count(),
	    (unsigned long long)ram_end, (unsigned long long)physmem_direct_end());
}

void
kmain(const struct boot_info *bi)
{
	kern_boot(bi);
	kern_smp_init();
	if (cmdline_value(bi->cmdline, "bench") != NULL) {
		bench_run();
		plat_exit(KERN_EXIT_PASS);
	}
	const char *rnd = cmdline_value(bi->cmdline, "random=");
	if (rnd != NULL) {
		plat_exit(run_random(rnd, cmdline_value(bi->cmdline, "seed=")));
	}
	int status = run_tests(cmdline_value(bi->cmdline, "only="));
	pmap_stats_dump(kprintf);
	plat_exit(status);
}
