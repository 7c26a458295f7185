/*
 * What a kernel asks of its mappings beyond the physical address
 * (pmap_lookup, pmap_mappings), and a pmap_create that can fail.
 */
#include "t.h"

#define UVA	0x48000000u
#define RW	(VM_PROT_READ | VM_PROT_WRITE)

struct seen {
	unsigned	 n, stop_at;
	vaddr_t		 va[8];
	struct pmap_mapping m[8];
};

static int
record(const struct pmap_mapping *m, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8) {
		s->va[s->n] = m->va;
		s->m[s->n] = *m;
	}
	s->n++;
	return s->n == s->stop_at ? 7 : 0;
}

void
t_lookup_and_mappings(struct tctx *t)
{
	struct pmap *pm = t_pmap(t);
	paddr_t pa = t_page(t), pb = t_page(t);
	const vaddr_t vas[3] = { UVA, UVA + 5 * PAGE_SIZE, UVA + 0x00400000u };
	struct pmap_mapping m;

	T_EQ(t, pmap_enter(pm, vas[0], pa, VM_PROT_READ, PMAP_WIRED), 0);
	T_EQ(t, pmap_enter(pm, vas[1], pb, RW, 0), 0);
	T_EQ(t, pmap_enter(pm, vas[2], pb, RW, VM_PROT_WRITE), 0);
	pmap_update(pm);
	T_ASSERT(t, !pmap_lookup(pm, UVA + PAGE_SIZE, &m), "an unmapped va was found");
	T_ASSERT(t, pmap_lookup(pm, vas[0] + 0x123, &m));
	T_ASSERT(t, m.va == vas[0] && m.pa == pa && m.size == PAGE_SIZE && m.wired && m.managed &&
	    m.user && !m.global && (m.prot & VM_PROT_READ) && !(m.prot & VM_PROT_WRITE),
	    "va %#" PMAP_PRIxVADDR " pa %#" PMAP_PRIxPADDR " size %#" PMAP_PRIxVADDR " prot %#x "
	    "wired %d managed %d user %d", m.va, m.pa, (vaddr_t)m.size, m.prot, m.wired, m.managed,
	    m.user);
	T_ASSERT(t, pmap_lookup(pm, vas[2], &m) && (m.prot & VM_PROT_WRITE) && !m.wired &&
	    m.referenced && m.modified, "entered with a write access: referenced and modified");
	pmap_activate(pm);
	T_ASSERT(t, t_write(vas[1], 5));
	T_ASSERT(t, pmap_lookup(pm, vas[1], &m) && m.modified && m.referenced,
	    "a write through the mapping left its entry clean");

	struct seen s = { 0 };
	T_EQ(t, pmap_mappings(pm, 0, 0, record, &s), 0);
	T_EQ(t, s.n, 3);
	for (unsigned i = 0; i < 3; i++)
		T_EQ(t, s.va[i], vas[i]);
	s = (struct seen){ .stop_at = 2 };
	T_EQ(t, pmap_mappings(pm, 0, 0, record, &s), 7);
	T_EQ(t, s.n, 2);
	s = (struct seen){ 0 };
	T_EQ(t, pmap_mappings(pm, vas[1], vas[2], record, &s), 0);
	T_EQ(t, s.n, 1);

	/* A large kernel leaf: reported once, whole. */
	vsize_t lsz = t_large_size();
	vaddr_t big = VM_MAX_KERNEL_VA - 4 * t_leaf_span();
	if (lsz > PAGE_SIZE) {
		pmap_kenter_range(big, PMAP_RAM_BASE + lsz, lsz, VM_PROT_READ, PMAP_NOCACHE);
		T_ASSERT(t, pmap_lookup(pmap_kernel(), big + lsz / 2 + 8, &m));
		T_ASSERT(t, m.va == big && m.pa == PMAP_RAM_BASE + lsz && m.size == lsz && m.wired &&
		    !m.managed && !m.user &&
		    m.nocache == ((pmap_backend_caps() & PMAP_CAP_NOCACHE) != 0),
		    "large leaf va %#" PMAP_PRIxVADDR " pa %#" PMAP_PRIxPADDR " size %#"
		    PMAP_PRIxVADDR " nocache %d", m.va, m.pa, (vaddr_t)m.size, m.nocache);
		s = (struct seen){ 0 };
		T_EQ(t, pmap_mappings(pmap_kernel(), big, big + lsz, record, &s), 0);
		T_ASSERT(t, s.n == 1 && s.m[0].size == lsz, "%u mappings reported", s.n);
		pmap_kremove(big, lsz);
		pmap_update(pmap_kernel());
	}

	/*
	 * An uncached user page: nocache exactly where the CPU has the
	 * attribute, which a backend may learn from the kernel (RISC-V Svpbmt,
	 * pmap_bootstrap_args.md_features); and the MMU takes the entry.
	 */
	const vaddr_t nc = UVA + 7 * PAGE_SIZE;
	T_EQ(t, pmap_enter(pm, nc, pa, RW, PMAP_NOCACHE), 0);
	pmap_update(pm);
	T_ASSERT(t, pmap_lookup(pm, nc, &m) && m.nocache ==
	    ((pmap_backend_caps() & PMAP_CAP_NOCACHE) != 0), "uncached page: nocache %d", m.nocache);
#ifdef PMAP_MD_FEAT_SVPBMT
	extern unsigned kern_md_features;
	T_ASSERT(t, !(kern_md_features & PMAP_MD_FEAT_SVPBMT) ==
	    !(pmap_backend_caps() & PMAP_CAP_NOCACHE), "Svpbmt reported %d, PMAP_CAP_NOCACHE %d",
	    (kern_md_features & PMAP_MD_FEAT_SVPBMT) != 0,
	    (pmap_backend_caps() & PMAP_CAP_NOCACHE) != 0);
#endif
	uint32_t v = 0;
	T_ASSERT(t, t_write(nc, 0x5eed) && t_read(nc, &v) && v == 0x5eed &&
	    t_phys_read(pa, 0) == 0x5eed, "through the uncached page: read %#x", v);
	T_CHECK_PMAP(t, pm);
}

/* pmap_create_canfail: NULL and nothing allocated when memory runs out. */
void
t_create_canfail(struct tctx *t)
{
	struct pmap_stats s0, s1;
	unsigned long free0 = physmem_free_count();

	pmap_stats_get(&s0);
	physmem_fail_after(0);
	struct pmap *pm = pmap_create_canfail();
	physmem_fail_after(-1);
	pmap_stats_get(&s1);
	T_ASSERT(t, pm == NULL, "pmap_create_canfail got a pmap with no memory for its root");
	T_EQ(t, s1.pmaps, s0.pmaps);
	T_EQ(t, s1.ptp_inuse, s0.ptp_inuse);
	T_EQ(t, s1.enomem, s0.enomem + 1);
	T_EQ(t, physmem_free_count(), free0);
	pm = pmap_create_canfail();
	T_ASSERT(t, pm != NULL);
	pmap_destroy(pm);
}

/*
 * pmap_dump: checked against mappings the test knows.  Room for the kernel
 * pmap's dump with 64-bit addresses (about 100 bytes a line) and four CPUs'
 * stacks and guard pages.
 */
static char dump_buf[16384];
static size_t dump_len;

static void
dump_capture(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = kvsnprintf(dump_buf + dump_len, sizeof(dump_buf) - dump_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		dump_len = dump_len + (size_t)n < sizeof(dump_buf) ? dump_len + (size_t)n :
		    sizeof(dump_buf) - 1;
}

/* The dump line whose range starts "0x<sva>-"; NULL if none. */
static const char *
dump_line_for(vaddr_t sva)
{
	char key[40];

	ksnprintf(key, sizeof(key), "  %#" PMAP_PRIxVADDR "-", sva);
	return strstr(dump_buf, key);
}

static bool
dump_line_has(const char *line, const char *what)
{
	const char *end = strchr(line, '\n'), *hit = strstr(line, what);

	return hit != NULL && (end == NULL || hit < end);
}

void
t_dump(struct tctx *t)
{
	struct pmap *pm = t_pmap(t);
	paddr_t pa = t_page(t), pb = t_page(t);
	struct pmap_mapping m;
	char rwx[4], want[64];

	for (unsigned i = 0; i < 3; i++)		/* one run: 12 KiB, same kind */
		T_EQ(t, pmap_enter(pm, UVA + i * PAGE_SIZE, pa, RW, VM_PROT_READ), 0);
	T_EQ(t, pmap_enter(pm, UVA + 3 * PAGE_SIZE, pb, VM_PROT_READ, 0), 0);
	T_EQ(t, pmap_enter(pm, UVA + 0x00400000u, pb, RW, PMAP_WIRED), 0);
	pmap_update(pm);
	dump_len = 0;
	pmap_dump(pm, dump_capture);
	for (const char *l = dump_buf, *e; *l != '\0'; l = e + 1) {	/* as KTAP comments */
		e = strchr(l, '\n');
		if (e == NULL)
			break;
		kprintf("# %.*s\n", (int)(e - l), l);
	}
	const vaddr_t starts[3] = { UVA, UVA + 3 * PAGE_SIZE, UVA + 0x00400000u };
	const char *sizes[3] = { "12 KiB", "4 KiB", "4 KiB" };
	for (unsigned i = 0; i < 3; i++) {
		const char *line = dump_line_for(starts[i]);
		T_ASSERT(t, line != NULL, "no line for %#" PMAP_PRIxVADDR, starts[i]);
		T_ASSERT(t, pmap_lookup(pm, starts[i], &m));
		rwx[0] = (m.prot & VM_PROT_READ) ? 'r' : '-';
		rwx[1] = (m.prot & VM_PROT_WRITE) ? 'w' : '-';
		rwx[2] = (m.prot & VM_PROT_EXECUTE) ? 'x' : '-';
		rwx[3] = '\0';
		ksnprintf(want, sizeof(want), " %s %s user ", sizes[i], rwx);
		T_ASSERT(t, dump_line_has(line, sizes[i]) && dump_line_has(line, rwx) &&
		    dump_line_has(line, "user"), "line for %#" PMAP_PRIxVADDR " lacks \"%s\"",
		    starts[i], want);
		T_ASSERT(t, dump_line_has(line, i == 2 ? " W M " : " - M "), "wired/managed flags");
	}
	T_ASSERT(t, strstr(dump_buf, "  3 runs, 5 pages mapped (resident 5, wired 1)") != NULL,
	    "footer");
	/* Two leaf tables: UVA and UVA + 4 MiB lie in different ones on every backend. */
	ksnprintf(want, sizeof(want), "page-table pages at level %d: 2\n",
	    pmap_backend_levels() - 1);
	T_ASSERT(t, strstr(dump_buf, want) != NULL, "no \"%s\"", want);

	/* The kernel pmap: a large leaf reported as one run of its size. */
	vsize_t lsz = t_large_size();
	if (lsz > PAGE_SIZE) {
		vaddr_t big = VM_MAX_KERNEL_VA - 4 * t_leaf_span();
		pmap_kenter_range(big, PMAP_RAM_BASE + lsz, lsz, VM_PROT_READ, 0);
		dump_len = 0;
		pmap_dump(pmap_kernel(), dump_capture);
		T_ASSERT(t, dump_len < sizeof(dump_buf) - 1, "the kernel pmap's dump filled the "
		    "test's %u-byte buffer", (unsigned)sizeof(dump_buf));
		const char *line = dump_line_for(big);
		char leaf[16];
		ksnprintf(leaf, sizeof(leaf), " %u MiB ", (unsigned)(lsz >> 20));
		T_ASSERT(t, line != NULL && dump_line_has(line, leaf) && dump_line_has(line, "kern") &&
		    dump_line_has(line, " W - "), "large leaf line: %.80s", line ? line : "none");
		pmap_kremove(big, lsz);
		pmap_update(pmap_kernel());
	}
}
