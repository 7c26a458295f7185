/*
 * The test kernel's main: bring up physical memory and the pmap, then run
 * the shared suite (tests/cases) and report KTAP v1 on the console, or run
 * the benchmark when the command line says "bench".  Command line words:
 *   bench        run tests/bench instead of the suite
 *   only=NAME[,NAME...]  run just these test cases (in the suite's order);
 *                several only= words add up
 *   random=N     run only the differential random tester, N >= 1 operations
 *   seed=S       its seed (with random=)
 *   dump         at the end, pmap_dump of the kernel pmap and of a small user pmap
 *   list         print the test cases' names and stop
 *   failfast     stop the suite at the first failed case (the mutation check)
 *   icount=OP    one operation over its pages, for callgrind (tests/icount.c:
 *                enter, extract, remove1, removerange, protect, kenter, each
 *                also as floor_OP)
 * Numbers are decimal or 0x-hex.  Any other word must be the platform's
 * (plat_cmdline_word); an unknown word or a malformed value fails the run.
 */
#include <limits.h>

#include "kern.h"
#include "physmem.h"
#include "t.h"
#include "bench.h"
#include "icount.h"
#include "random.h"

#define KERN_GROW	0x01000000u	/* kernel VA given tables at boot */

vaddr_t kern_stolen_va;			/* pmap_steal_memory at boot (tests check it) */
paddr_t kern_text_start, kern_text_end, kern_image_end;	/* the image, physical */
unsigned kern_md_features;	/* pmap_bootstrap_args.md_features, for the tests */
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

/* Is name one of the comma-separated names in list[0, len)? */
static bool
name_listed(const char *name, const char *list, size_t len)
{
	size_t n = strlen(name);

	for (const char *end = list + len;; list++) {
		const char *comma = list;
		while (comma < end && *comma != ',')
			comma++;
		if ((size_t)(comma - list) == n && strncmp(list, name, n) == 0)
			return true;
		if (comma == end)
			return false;
		list = comma;
	}
}

/* A name in list[0, len) that is no test case (its length in *lenp), or NULL. */
static const char *
unknown_name(const char *list, size_t len, size_t *lenp)
{
	for (const char *end = list + len;; list++) {
		const char *comma = list;
		while (comma < end && *comma != ',')
			comma++;
		bool known = false;
		for (unsigned i = 0; i < NTCASES && !known; i++)
			known = name_listed(tcases[i].name, list, (size_t)(comma - list));
		if (!known) {
			*lenp = (size_t)(comma - list);
			return list;
		}
		if (comma == end)
			return NULL;
		list = comma;
	}
}

static bool
run_one(unsigned num, const struct tcase *tc)
{
	struct tctx t = { .name = tc->name };
	struct snapshot before, after;

	snap(&before);
	tc->fn(&t);
	/* A test that failed half-way may have left its pmaps live anywhere. */
	for (unsigned c = 0; c < kern_ncpus(); c++)
		t_activate_on(c, pmap_kernel());
	physmem_fail_after(-1);
	__atomic_store_n(&pmap_tlb_debug_drop, 0, __ATOMIC_RELAXED);
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

/*
 * The suite, or with some != 0 the cases marked in sel[] (in the suite's
 * order); with failfast, none after the first that fails (the plan is then
 * not met: the mutation check wants only to know that one failed).
 */
static int
run_tests(unsigned some, const bool *sel, bool failfast)
{
	unsigned n = 0, failed = 0;

	for (unsigned i = 0; i < NTCASES; i++)
		n += (some == 0 || sel[i]);
	kprintf("KTAP version 1\n1..%u\n", n);
	for (unsigned i = 0, num = 0; i < NTCASES && !(failfast && failed); i++)
		if (some == 0 || sel[i])
			failed += !run_one(++num, &tcases[i]);
	if (failed && failfast)
		kprintf("# failfast: stopped after the first failure\n");
	return failed == 0 ? KERN_EXIT_PASS : KERN_EXIT_FAIL;
}

/* random=N [seed=S]: one KTAP test, the differential run alone. */
static int
run_random(uint64_t nops, uint64_t seed)
{
	unsigned long n = (unsigned long)nops;

	kprintf("KTAP version 1\n1..1\n");
	random_replay_print(n, seed);
	int bad = random_run(seed, n);
	kprintf("%s 1 random_differential_%lu\n", bad ? "not ok" : "ok", n);
	return bad ? KERN_EXIT_FAIL : KERN_EXIT_PASS;
}

/* Physical memory and the pmap up; returns (the fuzzer boots this way). */
void
kern_boot(const struct boot_info *bi)
{
	kprintf("pmapkit test kernel: backend %s on %s, cmdline \"%s\"\n",
	    PMAP_MD_NAME, bi->platform, bi->cmdline);
	uint64_t ram_end = physmem_init(bi);
	struct pmap_bootstrap_args args = { physmem_direct_end(), bi->text_start_pa,
	    bi->text_end_pa, bi->md_features };
	kern_md_features = bi->md_features;
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

/* pmap_dump's lines as KTAP comments. */
static void
dump_line(const char *fmt, ...)
{
	va_list ap;

	kprintf("# ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

/*
 * dump: the kernel pmap, and a user pmap with a few kinds of mapping (a
 * read-write run, a read-only page, a wired page), as pmap_dump shows them.
 * The user pmap is also in kern_dump_pmap until it is destroyed, for the
 * gdb test (scripts/gdb-test.sh), which stops in pmap_remove_all: an
 * optimized callee's argument is no reliable place to read it from.
 */
struct pmap *volatile kern_dump_pmap;

static void
kern_dump(void)
{
	struct pmap *pm = pmap_create();
	paddr_t pa[4];

	kern_dump_pmap = pm;

	for (unsigned i = 0; i < 4; i++)
		if (physmem_alloc(&pa[i]) != 0)
			kpanic("kern_dump: no page");
	for (unsigned i = 0; i < 3; i++)
		pmap_enter(pm, 0x10000000u + i * PAGE_SIZE, pa[i], VM_PROT_READ | VM_PROT_WRITE,
		    VM_PROT_READ);
	pmap_enter(pm, 0x10003000u, pa[3], VM_PROT_READ, 0);
	pmap_enter(pm, 0x20000000u, pa[0], VM_PROT_READ | VM_PROT_WRITE, PMAP_WIRED);
	pmap_update(pm);
	pmap_dump(pmap_kernel(), dump_line);
	pmap_dump(pm, dump_line);
	pmap_remove_all(pm);
	pmap_update(pm);
	kern_dump_pmap = NULL;
	pmap_destroy(pm);
	for (unsigned i = 0; i < 4; i++)
		physmem_free(pa[i]);
}

/* What the command line asks for (the file's opening comment). */
struct kern_args {
	bool		 bench, dump, list, failfast;
	unsigned	 only;		/* 0: every case; else how many only= words */
	bool		 sel[NTCASES];	/* the cases they name */
	bool		 random;
	uint64_t	 nops, seed;
	const char	*icount;	/* icount=OP */
	size_t		 icount_len;
};

/*
 * Parse and check the command line: every word must be one kern/ or the
 * platform knows, with a well-formed value.  False, with the reason in
 * why[0, n), otherwise.
 */
static bool
parse_args(const char *cmdline, struct kern_args *a, char *why, size_t n)
{
	const char *w, *v;
	size_t len, vlen;
	bool seeded = false;

	*a = (struct kern_args){ .seed = RANDOM_SUITE_SEED };
	while ((w = kern_cmdline_next(&cmdline, &len)) != NULL) {
		if (len == 5 && strncmp(w, "bench", 5) == 0) {
			a->bench = true;
		} else if (len == 4 && strncmp(w, "dump", 4) == 0) {
			a->dump = true;
		} else if (len == 4 && strncmp(w, "list", 4) == 0) {
			a->list = true;
		} else if (len == 8 && strncmp(w, "failfast", 8) == 0) {
			a->failfast = true;
		} else if (kern_cmdline_key(w, len, "only=", &v, &vlen)) {
			const char *u;
			size_t ulen;
			if (vlen == 0)
				goto bad;
			if ((u = unknown_name(v, vlen, &ulen)) != NULL) {
				ksnprintf(why, n, "only=: no test case named \"%.*s\"",
				    (int)ulen, u);
				return false;
			}
			for (unsigned i = 0; i < NTCASES; i++)
				a->sel[i] |= name_listed(tcases[i].name, v, vlen);
			a->only++;
		} else if (kern_cmdline_key(w, len, "icount=", &v, &vlen)) {
			if (!icount_known(v, vlen)) {
				ksnprintf(why, n, "icount=: no operation \"%.*s\" (tests/icount.c)",
				    (int)vlen, v);
				return false;
			}
			a->icount = v;
			a->icount_len = vlen;
		} else if (kern_cmdline_key(w, len, "random=", &v, &vlen)) {
			if (!kern_parse_u64(v, vlen, &a->nops) || a->nops == 0 ||
			    a->nops > ULONG_MAX)
				goto bad;
			a->random = true;
		} else if (kern_cmdline_key(w, len, "seed=", &v, &vlen)) {
			if (!kern_parse_u64(v, vlen, &a->seed))
				goto bad;
			seeded = true;
		} else if (!plat_cmdline_word(w, len)) {
			ksnprintf(why, n, "unknown word \"%.*s\" (kern/main.c lists the "
			    "words)", (int)len, w);
			return false;
		}
	}
	if (seeded && !a->random) {
		ksnprintf(why, n, "seed= without random=N");
		return false;
	}
	return true;
bad:
	ksnprintf(why, n, "\"%.*s\": %s", (int)len, w, vlen == 0 ? "empty value" :
	    "the value must be a number (decimal or 0x-hex), at least 1 for random=");
	return false;
}

void
kmain(const struct boot_info *bi)
{
	struct kern_args a;
	char why[160];

	if (!parse_args(bi->cmdline, &a, why, sizeof(why))) {
		kprintf("KTAP version 1\n1..1\n# command line \"%s\": %s\n"
		    "not ok 1 kernel_command_line\n", bi->cmdline, why);
		plat_exit(KERN_EXIT_FAIL);
	}
	if (a.list) {
		for (unsigned i = 0; i < NTCASES; i++)
			kprintf("%s\n", tcases[i].name);
		plat_exit(KERN_EXIT_PASS);
	}
	kern_boot(bi);
	kern_smp_init();
	int status;
	if (a.bench) {
		bench_run();
		status = KERN_EXIT_PASS;
	} else if (a.icount != NULL) {
		status = icount_run(a.icount, a.icount_len);
	} else if (a.random) {
		status = run_random(a.nops, a.seed);
	} else {
		status = run_tests(a.only, a.sel, a.failfast);
		pmap_stats_dump(kprintf);
	}
	if (a.dump)
		kern_dump();
	plat_exit(status);
}
