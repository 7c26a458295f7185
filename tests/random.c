/*
 * Differential random testing: a seeded generator drives the pmap and a
 * reference model of what it must hold side by side, and compares them after
 * every step.
 *
 * The model: for each of R_NPMAP user pmaps and R_NSLOT virtual slots (four
 * runs of 64 pages, two of them straddling a page-table boundary), and for
 * R_NKSLOT kernel slots, which page is mapped with which prot and wiring,
 * and whether it was kentered; for each of R_NPAGE shared physical pages its
 * modified/referenced attributes as pmap(9) defines them (set by enter's
 * access type and by successful accesses through managed mappings, kept
 * after the mappings go, cleared only by clear_modify/reference) and the
 * word last written at offset 0.  Where the backend has large pages, one
 * large page's worth of kernel VA (the large region) is kentered whole, as
 * one large leaf, and then removed, protected and probed a part at a time,
 * which demotes it; once it is empty again, the next kenter is large again.
 *
 * Probes first complete any deferred invalidation (pmap_update), so their
 * outcomes are exact; the strict host TLB makes a missing invalidation show
 * as a wrong outcome.  A permission fault may or may not set the accessed
 * bit on real hardware, so after one the page's referenced state is
 * "either" until it is next cleared.
 *
 * On a divergence: the seed, the step, the last R_TRACE operations and the
 * commands that replay the run (random_replay_print), which work as printed,
 * from any directory (tests/runner.sh runs them).
 */
#include "t.h"
#include "random.h"
#include "generated/build_dirs.h"

#define R_NPMAP		4
#define R_NSLOT		256
#define R_NKSLOT	32
#define R_NPAGE		16
#define R_TRACE		24
#define R_KBASE		(VM_MIN_KERNEL_VA + 0x01800000u)
#define R_EXEC_OFF	8		/* each page holds a return instruction here */
#define R_FULL_EVERY	1000
#define R_LMAX		1024		/* pages in the large region, at most */

static const vaddr_t r_bases[4] = { 0x00010000u, 0x003E0000u, 0x40000000u, 0xBFBE0000u };

struct r_map {
	bool		valid, wired, kenter;
	uint8_t		page;
	vm_prot_t	prot;
};

struct r_page {
	paddr_t		pa;
	bool		mod, ref, ref_either;
	uint32_t	word;
};

static struct {
	struct pmap	*pm[R_NPMAP];
	struct r_map	 map[R_NPMAP][R_NSLOT];
	struct r_map	 kmap[R_NKSLOT];
	struct r_page	 page[R_NPAGE];
	struct r_map	 lmap[R_LMAX];		/* the large region, page by page */
	uint32_t	 lword[R_LMAX];		/* the word at offset 0 of each */
	vaddr_t		 lva;
	paddr_t		 lpa;
	unsigned	 ln;			/* its pages; 0: no large pages here */
	unsigned long	 lops, ldemotions;
	bool		 lchanged;		/* since the last whole check */
	bool		 lkeep;			/* the fuzzer: keep the block after the run */
	int		 active[PMAP_MAXCPUS];	/* user pmap live on each CPU, or -1 */
	unsigned	 ncpus;
	unsigned long	 remote_probes, audits;
	long		 kres0, kwired0;	/* kernel counts outside the model */
	uint64_t	 rng, seed;
	unsigned long	 step, nops, injected, enomem, probes, user_probes;
	const uint8_t	*src;			/* fuzzer input, instead of the RNG */
	size_t		 srclen;
	char		 trace[R_TRACE][112];
	const char	*fail;
	char		 failbuf[200];
} R;

/* ------------------------------------------------------------------ util */

static uint64_t
r_rand(void)
{
	if (R.src != NULL) {
		uint64_t v = 0;
		for (int i = 0; i < 8; i++) {
			v = v << 8 | (R.srclen > 0 ? *R.src : 0);
			if (R.srclen > 0) {
				R.src++;
				R.srclen--;
			}
		}
		return v;
	}
	R.rng ^= R.rng >> 12;
	R.rng ^= R.rng << 25;
	R.rng ^= R.rng >> 27;
	return R.rng * 2685821657736338717ull;
}

static unsigned
r_below(unsigned n)
{
	return (unsigned)((r_rand() >> 32) % n);
}

static vaddr_t
r_va(unsigned slot)
{
	return r_bases[slot / 64] + (slot % 64) * PAGE_SIZE;
}

static vaddr_t
r_kva(unsigned k)
{
	return R_KBASE + k * PAGE_SIZE;
}

static void
r_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
r_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(R.trace[R.step % R_TRACE], sizeof(R.trace[0]), fmt, ap);
	va_end(ap);
}

static bool
r_diverge(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static bool
r_diverge(const char *fmt, ...)
{
	va_list ap;

	if (R.fail != NULL)
		return false;
	va_start(ap, fmt);
	kvsnprintf(R.failbuf, sizeof(R.failbuf), fmt, ap);
	va_end(ap);
	R.fail = R.failbuf;
	return false;
}

static bool
r_nx(void)
{
	return (pmap_backend_caps() & PMAP_CAP_NX) != 0;
}

/* What the MMU grants for a model prot (execute implied by read without NX). */
static vm_prot_t
r_effective(vm_prot_t prot)
{
	return (!r_nx() && (prot & VM_PROT_READ)) ? prot | VM_PROT_EXECUTE : prot;
}

/* ------------------------------------------------------------- checking */

static long
r_count(int p, bool wired)
{
	long n = 0;

	for (unsigned s = 0; s < R_NSLOT; s++)
		n += R.map[p][s].valid && (!wired || R.map[p][s].wired);
	return n;
}

static long
r_kcount(bool wired)
{
	long n = 0;

	for (unsigned k = 0; k < R_NKSLOT; k++)
		n += R.kmap[k].valid && (!wired || R.kmap[k].wired || R.kmap[k].kenter);
	for (unsigned i = 0; i < R.ln; i++)
		n += R.lmap[i].valid;			/* kentered: wired */
	return n;
}

/* pmap_extract of va against the model: mapped to want (if m->valid)? */
static bool
r_check_extract_pa(struct pmap *pm, vaddr_t va, const struct r_map *m, paddr_t want)
{
	paddr_t pa = 0;
	bool found = pmap_extract(pm, va + 12, &pa);

	if (found != m->valid)
		return r_diverge("extract(%#" PMAP_PRIxVADDR ") %s, model says %s", va,
		    found ? "found a mapping" : "found none", m->valid ? "mapped" : "unmapped");
	if (found && pa != want + 12)
		return r_diverge("extract(%#" PMAP_PRIxVADDR ") = %#llx, model %#llx", va,
		    (unsigned long long)pa, (unsigned long long)want);
	return true;
}

static bool
r_check_extract(struct pmap *pm, vaddr_t va, const struct r_map *m)
{
	return r_check_extract_pa(pm, va, m, R.page[m->page].pa);
}

static bool
r_check_large(unsigned i0, unsigned i1)
{
	for (unsigned i = i0; i < i1; i++)
		if (!r_check_extract_pa(pmap_kernel(), R.lva + i * PAGE_SIZE, &R.lmap[i],
		    R.lpa + i * PAGE_SIZE))
			return false;
	return true;
}

static bool
r_check_pmap(int p)
{
	struct pmap *pm = p < 0 ? pmap_kernel() : R.pm[p];

	if (t_pmap_check(pm) != 0)
		return r_diverge("pmap_check(%s %d) failed", p < 0 ? "kernel" : "pmap", p);
	if (p < 0) {
		if (pmap_resident_count(pm) != R.kres0 + r_kcount(false) ||
		    pmap_wired_count(pm) != R.kwired0 + r_kcount(true))
			return r_diverge("kernel resident/wired %ld/%ld, model %ld/%ld",
			    pmap_resident_count(pm), pmap_wired_count(pm),
			    R.kres0 + r_kcount(false), R.kwired0 + r_kcount(true));
		return true;
	}
	if (pmap_resident_count(pm) != r_count(p, false) ||
	    pmap_wired_count(pm) != r_count(p, true))
		return r_diverge("pmap %d resident/wired %ld/%ld, model %ld/%ld", p,
		    pmap_resident_count(pm), pmap_wired_count(pm), r_count(p, false),
		    r_count(p, true));
	return true;
}

static bool
r_check_modref(unsigned g)
{
	struct r_page *pg = &R.page[g];
	bool mod = pmap_is_modified(t_pg(pg->pa)), ref = pmap_is_referenced(t_pg(pg->pa));

	if (mod != pg->mod)
		return r_diverge("page %u is_modified %d, model %d", g, mod, pg->mod);
	if (ref != pg->ref && !pg->ref_either)
		return r_diverge("page %u is_referenced %d, model %d", g, ref, pg->ref);
	return true;
}

static bool
r_check_all(void)
{
	for (int p = 0; p < R_NPMAP; p++) {
		if (!r_check_pmap(p))
			return false;
		for (unsigned s = 0; s < R_NSLOT; s++)
			if (!r_check_extract(R.pm[p], r_va(s), &R.map[p][s]))
				return false;
	}
	for (unsigned k = 0; k < R_NKSLOT; k++)
		if (!r_check_extract(pmap_kernel(), r_kva(k), &R.kmap[k]))
			return false;
	for (unsigned g = 0; g < R_NPAGE; g++)
		if (!r_check_modref(g))
			return false;
	/* The whole large region only when it changed: 1024 extracts per fuzzer input otherwise. */
	if (R.lchanged && !r_check_large(0, R.ln))
		return false;
	R.lchanged = false;
	return r_check_pmap(-1);
}

/* ------------------------------------------------------------ operations */

static void
r_access(unsigned g, vm_prot_t access)
{
	if (access)
		R.page[g].ref = true;
	if (access & VM_PROT_WRITE)
		R.page[g].mod = true;
}

static vm_prot_t
r_prot(void)
{
	static const vm_prot_t prots[] = { VM_PROT_READ, VM_PROT_READ | VM_PROT_WRITE,
	    VM_PROT_READ | VM_PROT_EXECUTE, VM_PROT_ALL };

	return prots[r_below(4)];
}

static bool
op_enter(int p, bool kernel)
{
	unsigned s = r_below(kernel ? R_NKSLOT : R_NSLOT), g = r_below(R_NPAGE);
	struct r_map *m = kernel ? &R.kmap[s] : &R.map[p][s];
	struct pmap *pm = kernel ? pmap_kernel() : R.pm[p];
	vaddr_t va = kernel ? r_kva(s) : r_va(s);
	vm_prot_t prot = r_prot(), access = r_below(3) == 0 ? (prot & (vm_prot_t)r_rand()) : 0;
	unsigned flags = PMAP_CANFAIL | access | (r_below(5) == 0 ? PMAP_WIRED : 0) |
	    (r_below(8) == 0 ? PMAP_NOCACHE : 0);
	long inject = r_below(20) == 0 ? (long)r_below(3) : -1;

	if (m->kenter)
		return true;
	r_log("enter %s%d va %#" PMAP_PRIxVADDR " page %u prot %#x flags %#x inject %ld",
	    kernel ? "k" : "p", p, va, g, prot, flags, inject);
	physmem_fail_after(inject);
	int error = pmap_enter(pm, va, R.page[g].pa, prot, flags);
	physmem_fail_after(-1);
	R.injected += inject >= 0;
	if (error == ENOMEM && inject >= 0) {
		R.enomem++;
		return r_check_extract(pm, va, m) && r_check_pmap(kernel ? -1 : p);
	}
	if (error != 0)
		return r_diverge("pmap_enter returned %d", error);
	*m = (struct r_map){ true, (flags & PMAP_WIRED) != 0, false, (uint8_t)g, prot };
	r_access(g, access);
	return r_check_extract(pm, va, m) && r_check_pmap(kernel ? -1 : p);
}

/* A run of slots inside one of the four regions. */
static void
r_range(unsigned *s0, unsigned *s1)
{
	*s0 = r_below(R_NSLOT);
	*s1 = *s0 + 1 + r_below(64 - *s0 % 64);
}

static bool
r_check_range(int p, unsigned s0, unsigned s1)
{
	for (unsigned s = s0; s < s1; s++)
		if (!r_check_extract(R.pm[p], r_va(s), &R.map[p][s]))
			return false;
	return r_check_pmap(p);
}

static bool
op_remove(int p)
{
	unsigned s0, s1;

	if (r_below(50) == 0) {
		r_log("remove_all p%d", p);
		pmap_remove_all(R.pm[p]);
		for (unsigned s = 0; s < R_NSLOT; s++)
			R.map[p][s].valid = false;
		return r_check_range(p, 0, R_NSLOT);
	}
	r_range(&s0, &s1);
	r_log("remove p%d %#" PMAP_PRIxVADDR "-%#" PMAP_PRIxVADDR, p, r_va(s0),
	    r_va(s1 - 1) + PAGE_SIZE);
	pmap_remove(R.pm[p], r_va(s0), r_va(s1 - 1) + PAGE_SIZE);
	for (unsigned s = s0; s < s1; s++)
		R.map[p][s].valid = false;
	return r_check_range(p, s0, s1);
}

static bool
op_protect(int p)
{
	static const vm_prot_t prots[] = { VM_PROT_NONE, VM_PROT_READ,
	    VM_PROT_READ | VM_PROT_EXECUTE, VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL };
	vm_prot_t prot = prots[r_below(5)];
	unsigned s0, s1;

	r_range(&s0, &s1);
	r_log("protect p%d %#" PMAP_PRIxVADDR "-%#" PMAP_PRIxVADDR " prot %#x", p, r_va(s0),
	    r_va(s1 - 1) + PAGE_SIZE, prot);
	pmap_protect(R.pm[p], r_va(s0), r_va(s1 - 1) + PAGE_SIZE, prot);
	for (unsigned s = s0; s < s1; s++) {
		struct r_map *m = &R.map[p][s];
		if (!(prot & VM_PROT_READ))
			m->valid = false;
		else if (m->valid)
			m->prot &= prot;
	}
	return r_check_range(p, s0, s1);
}

/* Apply fn to every model mapping of page g (managed ones: not kentered). */
static void
r_foreach_mapping(unsigned g, void (*fn)(struct r_map *, vm_prot_t), vm_prot_t prot)
{
	for (int p = 0; p < R_NPMAP; p++)
		for (unsigned s = 0; s < R_NSLOT; s++)
			if (R.map[p][s].valid && R.map[p][s].page == g)
				fn(&R.map[p][s], prot);
	for (unsigned k = 0; k < R_NKSLOT; k++)
		if (R.kmap[k].valid && !R.kmap[k].kenter && R.kmap[k].page == g)
			fn(&R.kmap[k], prot);
}

static void
r_page_protect_fn(struct r_map *m, vm_prot_t prot)
{
	if (!(prot & VM_PROT_READ))
		m->valid = false;
	else if (!(prot & VM_PROT_WRITE))
		m->prot &= ~VM_PROT_WRITE;
}

static bool
op_page_protect(void)
{
	static const vm_prot_t prots[] = { VM_PROT_NONE, VM_PROT_READ,
	    VM_PROT_READ | VM_PROT_WRITE };
	unsigned g = r_below(R_NPAGE);
	vm_prot_t prot = prots[r_below(3)];

	r_log("page_protect page %u prot %#x", g, prot);
	pmap_page_protect(t_pg(R.page[g].pa), prot);
	r_foreach_mapping(g, r_page_protect_fn, prot);
	return r_check_all();
}

static bool
op_kenter(void)
{
	unsigned k = r_below(R_NKSLOT), g = r_below(R_NPAGE);
	vm_prot_t prot = r_below(2) ? VM_PROT_READ : VM_PROT_READ | VM_PROT_WRITE;

	if (R.kmap[k].valid)
		return true;
	r_log("kenter %#" PMAP_PRIxVADDR " page %u prot %#x", r_kva(k), g, prot);
	pmap_kenter_pa(r_kva(k), R.page[g].pa, prot, 0);
	R.kmap[k] = (struct r_map){ true, false, true, (uint8_t)g, prot };
	return r_check_extract(pmap_kernel(), r_kva(k), &R.kmap[k]) && r_check_pmap(-1);
}

/* kremove a run of kernel slots holding only kenter mappings (or nothing). */
static bool
op_kremove(bool managed)
{
	unsigned k0 = r_below(R_NKSLOT), k1 = k0 + 1 + r_below(R_NKSLOT - k0);

	for (unsigned k = k0; k < k1; k++)
		if (R.kmap[k].valid && R.kmap[k].kenter == managed)
			k1 = k;
	if (k1 == k0)
		return true;
	r_log("%s %#" PMAP_PRIxVADDR "-%#" PMAP_PRIxVADDR, managed ? "kernel remove" : "kremove",
	    r_kva(k0), r_kva(k1));
	if (managed)
		pmap_remove(pmap_kernel(), r_kva(k0), r_kva(k1));
	else
		pmap_kremove(r_kva(k0), r_kva(k1) - r_kva(k0));
	for (unsigned k = k0; k < k1; k++) {
		R.kmap[k].valid = false;
		R.kmap[k].kenter = false;
	}
	for (unsigned k = k0; k < k1; k++)
		if (!r_check_extract(pmap_kernel(), r_kva(k), &R.kmap[k]))
			return false;
	return r_check_pmap(-1);
}

static bool
op_unwire(int p)
{
	unsigned s = r_below(R_NSLOT);

	if (!R.map[p][s].valid)
		return true;
	r_log("unwire p%d %#" PMAP_PRIxVADDR, p, r_va(s));
	pmap_unwire(R.pm[p], r_va(s));
	R.map[p][s].wired = false;
	return r_check_pmap(p);
}

static bool
op_clear(bool modify)
{
	unsigned g = r_below(R_NPAGE);
	struct r_page *pg = &R.page[g];

	r_log("clear_%s page %u", modify ? "modify" : "reference", g);
	bool was = modify ? pmap_clear_modify(t_pg(pg->pa)) : pmap_clear_reference(t_pg(pg->pa));
	if (modify && was != pg->mod)
		return r_diverge("clear_modify(page %u) returned %d, model %d", g, was, pg->mod);
	if (!modify && was != pg->ref && !pg->ref_either)
		return r_diverge("clear_reference(page %u) returned %d, model %d", g, was, pg->ref);
	if (modify)
		pg->mod = false;
	else
		pg->ref = pg->ref_either = false;
	return r_check_modref(g);
}

/* Expected outcome of an access through model mapping m. */
static bool
r_expect_ok(const struct r_map *m, enum probe_access a, bool user, bool kernel_slot)
{
	if (!m->valid || (user && kernel_slot))
		return false;
	if (a == PROBE_EXEC && !user && !kernel_slot && (pmap_backend_caps() & PMAP_CAP_NO_KX_USER))
		return false;		/* RISC-V: S-mode never executes U pages */
	vm_prot_t eff = r_effective(m->prot);
	if (a == PROBE_WRITE)
		return (eff & VM_PROT_WRITE) != 0;
	if (a == PROBE_EXEC)
		return (eff & VM_PROT_EXECUTE) != 0;
	return (eff & VM_PROT_READ) != 0;
}

/* A probe, run on the chosen CPU by a cross-call. */
struct r_probe {
	struct pmap	*pm;
	vaddr_t		 va;
	enum probe_access a;
	bool		 user;
	uint32_t	 wval;
	struct probe_result r;
};

static void
r_probe_on_cpu(void *arg)
{
	struct r_probe *rp = arg;

	pmap_activate(rp->pm);
	plat_probe(rp->va, rp->a, rp->user, rp->wval, &rp->r);
}

/* Where TLBs can be inspected (the host model), no CPU may hold a stale entry. */
static bool
r_audit(void)
{
	int bad = plat_tlb_audit(kprintf);

	if (bad < 0)
		return true;
	R.audits++;
	return bad == 0 || r_diverge("%d stale TLB entries after pmap_update", bad);
}

static void
r_activate_fn(void *pm)
{
	pmap_activate(pm);
}

/* Complete every pmap's deferred work (pmap_update is per pmap). */
static void
r_update_all(void)
{
	for (int p = 0; p < R_NPMAP; p++)
		pmap_update(R.pm[p]);
	pmap_update(pmap_kernel());
}

static void
r_activate_on(unsigned c, int p)
{
	kern_xcall(c, r_activate_fn, p >= 0 ? R.pm[p] : pmap_kernel());
	R.active[c] = p;
}

static bool
op_probe(void)
{
	int p = r_below(R_NPMAP + 1) - 1;
	unsigned c = r_below(R.ncpus);
	bool kslot = r_below(5) == 0;
	unsigned s = r_below(kslot ? R_NKSLOT : R_NSLOT);
	enum probe_access a = (enum probe_access)r_below(3);
	/* User probes on CPU 0 in the guest: the platform runs them there only. */
	bool user = plat_probe_user_supported() && p >= 0 && r_below(2) &&
	    (c == 0 || plat_probe_user_any_cpu());
	const struct r_map *m = kslot ? &R.kmap[s] : p >= 0 ? &R.map[p][s] : NULL;
	vaddr_t va = (kslot ? r_kva(s) : r_va(s)) + (a == PROBE_EXEC ? R_EXEC_OFF : 0);
	struct r_probe rp = { p >= 0 ? R.pm[p] : pmap_kernel(), va, a, user,
	    (uint32_t)r_rand(), { 0 } };
	const struct probe_result *r = &rp.r;
	uint32_t v = 0;

	if (m == NULL)
		return true;		/* user slots with only the kernel live */
	r_log("probe p%d on CPU %u %s %#" PMAP_PRIxVADDR " %s", p, c, user ? "user" : "kernel", va,
	    a == PROBE_READ ? "read" : a == PROBE_WRITE ? "write" : "exec");
	r_update_all();
	if (!r_audit())
		return false;
	kern_xcall(c, r_probe_on_cpu, &rp);
	R.active[c] = p;
	R.probes++;
	R.user_probes += user;
	R.remote_probes += c != 0;
	bool want = r_expect_ok(m, a, user, kslot);
	if (r->ok != want)
		return r_diverge("%s %s of %#" PMAP_PRIxVADDR " on CPU %u %s (code %#x), model "
		    "says it %s", user ? "user" : "kernel", a == PROBE_READ ? "read" :
		    a == PROBE_WRITE ? "write" : "exec", va, c, r->ok ? "succeeded" : "faulted",
		    r->fault_code, want ? "succeeds" : "faults");
	struct r_page *pg = &R.page[m->page];
	if (!r->ok) {
		if (m->valid && !m->kenter)
			pg->ref_either = true;
		return true;
	}
	v = r->value;
	if (a == PROBE_READ && v != pg->word)
		return r_diverge("read %#x at %#" PMAP_PRIxVADDR ", page %u holds %#x", v, va,
		    m->page, pg->word);
	if (a == PROBE_WRITE)
		pg->word = rp.wval;
	if (!m->kenter)
		r_access(m->page, a == PROBE_WRITE ? VM_PROT_WRITE : VM_PROT_READ);
	return r_check_modref(m->page);
}

/* A run [i0, i1) of the large region: half the time all of it, else a few pages. */
static void
r_lrange(unsigned *i0, unsigned *i1)
{
	if (r_below(2) == 0) {
		*i0 = 0;
		*i1 = R.ln;
		return;
	}
	*i0 = r_below(R.ln);
	*i1 = *i0 + 1 + r_below(R.ln - *i0 < 8 ? R.ln - *i0 : 8);
}

/*
 * The large region: kenter it whole (a large leaf, if nothing is mapped
 * there), or remove, protect or probe a part of it (a partial change
 * demotes the leaf).
 */
static bool
op_large(void)
{
	struct pmap *kpm = pmap_kernel();
	unsigned what = r_below(5), i0 = 0, i1 = R.ln, c = r_below(R.ncpus);
	struct pmap_stats s0, s1;
	vm_prot_t prot;

	pmap_stats_get(&s0);
	R.lops++;
	R.lchanged = true;
	switch (what) {
	case 0:
		for (unsigned i = 0; i < R.ln; i++)
			if (R.lmap[i].valid)
				return true;
		prot = r_below(2) ? VM_PROT_READ : VM_PROT_READ | VM_PROT_WRITE;
		r_log("large kenter %#" PMAP_PRIxVADDR "-%#" PMAP_PRIxVADDR " prot %#x", R.lva,
		    R.lva + R.ln * PAGE_SIZE, prot);
		pmap_kenter_range(R.lva, R.lpa, R.ln * PAGE_SIZE, prot, 0);
		for (unsigned i = 0; i < R.ln; i++)
			R.lmap[i] = (struct r_map){ true, false, true, 0, prot };
		break;
	case 1:
	case 2:
		r_lrange(&i0, &i1);
		r_log("large %s %#" PMAP_PRIxVADDR "-%#" PMAP_PRIxVADDR,
		    what == 1 ? "kremove" : "remove", R.lva + i0 * PAGE_SIZE, R.lva + i1 * PAGE_SIZE);
		if (what == 1)
			pmap_kremove(R.lva + i0 * PAGE_SIZE, (i1 - i0) * PAGE_SIZE);
		else
			pmap_remove(kpm, R.lva + i0 * PAGE_SIZE, R.lva + i1 * PAGE_SIZE);
		for (unsigned i = i0; i < i1; i++)
			R.lmap[i].valid = false;
		break;
	case 3:
		r_lrange(&i0, &i1);
		prot = (vm_prot_t[]){ VM_PROT_NONE, VM_PROT_READ, VM_PROT_READ | VM_PROT_WRITE }[r_below(3)];
		r_log("large protect %#" PMAP_PRIxVADDR "-%#" PMAP_PRIxVADDR " prot %#x",
		    R.lva + i0 * PAGE_SIZE, R.lva + i1 * PAGE_SIZE, prot);
		pmap_protect(kpm, R.lva + i0 * PAGE_SIZE, R.lva + i1 * PAGE_SIZE, prot);
		for (unsigned i = i0; i < i1; i++) {
			if (!(prot & VM_PROT_READ))
				R.lmap[i].valid = false;
			R.lmap[i].prot &= prot;
		}
		break;
	default: {
		unsigned i = r_below(R.ln);
		enum probe_access a = r_below(2) ? PROBE_READ : PROBE_WRITE;
		struct r_probe rp = { kpm, R.lva + i * PAGE_SIZE, a, false, (uint32_t)r_rand(),
		    { 0 } };
		r_log("large probe CPU %u %s %#" PMAP_PRIxVADDR, c,
		    a == PROBE_READ ? "read" : "write", rp.va);
		pmap_update(kpm);
		kern_xcall(c, r_probe_on_cpu, &rp);
		R.active[c] = -1;
		R.probes++;
		bool want = R.lmap[i].valid && (a == PROBE_READ ||
		    (R.lmap[i].prot & VM_PROT_WRITE));
		if (rp.r.ok != want)
			return r_diverge("large %s of %#" PMAP_PRIxVADDR " on CPU %u %s, model says "
			    "it %s", a == PROBE_READ ? "read" : "write", rp.va, c,
			    rp.r.ok ? "succeeded" : "faulted", want ? "succeeds" : "faults");
		if (rp.r.ok && a == PROBE_READ && rp.r.value != R.lword[i])
			return r_diverge("large read %#x at %#" PMAP_PRIxVADDR ", the page holds %#x",
			    rp.r.value, rp.va, R.lword[i]);
		if (rp.r.ok && a == PROBE_WRITE)
			R.lword[i] = rp.wval;
		return true;
	}
	}
	pmap_stats_get(&s1);
	R.ldemotions += s1.demotions - s0.demotions;
	return r_check_large(i0 > 0 ? i0 - 1 : 0, i1 < R.ln ? i1 + 1 : R.ln) && r_check_pmap(-1);
}

static bool
op_copy(void)
{
	int src = r_below(R_NPMAP), dst = (src + 1 + r_below(R_NPMAP - 1)) % R_NPMAP;
	unsigned region = r_below(4);

	r_log("copy p%d -> p%d region %u", src, dst, region);
	pmap_copy(R.pm[dst], R.pm[src], r_bases[region], 64 * PAGE_SIZE, r_bases[region]);
	for (unsigned s = region * 64; s < region * 64 + 64; s++) {
		if (!R.map[src][s].valid)
			continue;
		R.map[dst][s] = R.map[src][s];
		R.map[dst][s].wired = false;
		R.map[dst][s].prot = r_effective(R.map[src][s].prot);
	}
	return r_check_range(dst, region * 64, region * 64 + 64);
}

/* Grow the kernel a table at a time (at most R_MAXGROW times a run). */
#define R_MAXGROW	4
static bool
op_growkernel(void)
{
	static unsigned grown;
	vaddr_t end = pmap_growkernel(0), want = end + t_leaf_span();

	if (grown >= R_MAXGROW || want > VM_MAX_KERNEL_VA - 0x01000000u)
		return true;
	grown++;
	r_log("growkernel %#" PMAP_PRIxVADDR, want);
	vaddr_t got = pmap_growkernel(want);
	if (got < want)
		return r_diverge("pmap_growkernel(%#" PMAP_PRIxVADDR ") returned %#"
		    PMAP_PRIxVADDR, want, got);
	for (int p = 0; p < R_NPMAP; p++)
		if (!r_check_pmap(p))
			return false;
	return r_check_pmap(-1);
}

static bool
op_recreate(int p)
{
	r_log("destroy and recreate p%d", p);
	pmap_remove_all(R.pm[p]);
	pmap_update(R.pm[p]);
	for (unsigned c = 0; c < R.ncpus; c++)
		if (R.active[c] == p)
			r_activate_on(c, -1);
	pmap_destroy(R.pm[p]);
	R.pm[p] = pmap_create();
	for (unsigned s = 0; s < R_NSLOT; s++)
		R.map[p][s].valid = false;
	return r_check_pmap(p);
}

static bool
r_step(void)
{
	unsigned dice = r_below(1000);
	int p = r_below(R_NPMAP);

	if (R.ln != 0 && r_below(40) == 0)
		return op_large();
	if (dice < 280)
		return op_enter(p, false);
	if (dice < 310)
		return op_enter(0, true);
	if (dice < 400)
		return op_remove(p);
	if (dice < 470)
		return op_protect(p);
	if (dice < 500)
		return op_page_protect();
	if (dice < 540)
		return op_kenter();
	if (dice < 570)
		return op_kremove(false);
	if (dice < 580)
		return op_kremove(true);
	if (dice < 610)
		return op_unwire(p);
	if (dice < 650)
		return op_clear(dice & 1);
	if (dice < 680) {
		unsigned g = r_below(R_NPAGE);
		r_log("is_modified/is_referenced page %u", g);
		return r_check_modref(g);
	}
	if (dice < 850)
		return op_probe();
	if (dice < 950) {
		r_log("update");
		r_update_all();
		return r_audit();
	}
	if (dice < 985) {
		unsigned c = r_below(R.ncpus);
		int q = r_below(8) == 0 ? -1 : p;
		r_log("activate p%d on CPU %u", q, c);
		r_activate_on(c, q);	/* audited at the next update: changes may be pending */
		return true;
	}
	if (dice < 995)
		return op_copy();
	if (dice < 997)
		return op_growkernel();
	return op_recreate(p);
}

/* ------------------------------------------------------------ set-up */

static void
r_setup(uint64_t seed, unsigned long nops, bool keep_block)
{
	struct pmap *kpm = pmap_kernel();

	memset(&R, 0, sizeof(R));
	R.seed = seed;
	R.rng = seed ? seed : 1;
	R.nops = nops;
	R.ncpus = kern_ncpus();
	for (unsigned c = 0; c < PMAP_MAXCPUS; c++)
		R.active[c] = -1;
	pmap_growkernel(R_KBASE + R_NKSLOT * PAGE_SIZE);
	for (unsigned g = 0; g < R_NPAGE; g++) {
		if (physmem_alloc_direct(&R.page[g].pa) != 0)
			kpanic("random: no page");
		memset(plat_phys(R.page[g].pa), 0, PAGE_SIZE);
		plat_plant_return((uint8_t *)plat_phys(R.page[g].pa) + R_EXEC_OFF);
	}
	for (int p = 0; p < R_NPMAP; p++)
		R.pm[p] = pmap_create();
	/*
	 * The large region: one large page of RAM and VA no other test uses.
	 * The fuzzer runs thousands of short runs in one process: they keep one
	 * block (random_run_bytes) instead of finding one each time.
	 */
	static paddr_t fuzz_block;
	vsize_t lsize = t_large_size();
	if (fuzz_block != 0)
		R.lpa = fuzz_block;
	if (lsize > PAGE_SIZE && lsize / PAGE_SIZE <= R_LMAX &&
	    (R.lpa != 0 || physmem_alloc_block(lsize, &R.lpa) == 0)) {
		if (keep_block)
			fuzz_block = R.lpa;
		R.lkeep = keep_block;
		R.ln = (unsigned)(lsize / PAGE_SIZE);
		R.lva = VM_MAX_KERNEL_VA - 6 * t_leaf_span();
		for (unsigned i = 0; i < R.ln; i++)	/* what the pages hold now */
			R.lword[i] = t_phys_read(R.lpa + i * PAGE_SIZE, 0);
	}
	R.kres0 = pmap_resident_count(kpm);
	R.kwired0 = pmap_wired_count(kpm);
}

static void
r_teardown(void)
{
	for (unsigned c = 0; c < R.ncpus; c++)
		r_activate_on(c, -1);
	for (unsigned k = 0; k < R_NKSLOT; k++) {
		if (R.kmap[k].valid && R.kmap[k].kenter)
			pmap_kremove(r_kva(k), PAGE_SIZE);
		else if (R.kmap[k].valid)
			pmap_remove(pmap_kernel(), r_kva(k), r_kva(k) + PAGE_SIZE);
	}
	for (int p = 0; p < R_NPMAP; p++) {
		pmap_remove_all(R.pm[p]);
		pmap_update(R.pm[p]);
		pmap_destroy(R.pm[p]);
	}
	if (R.ln != 0)
		pmap_kremove(R.lva, R.ln * PAGE_SIZE);
	pmap_update(pmap_kernel());
	for (unsigned g = 0; g < R_NPAGE; g++)
		physmem_free(R.page[g].pa);
	for (unsigned i = 0; i < R.ln && !R.lkeep; i++)	/* the fuzzer keeps it */
		physmem_free(R.lpa + i * PAGE_SIZE);
}

static void
r_report_divergence(void)
{
	kprintf("# random: DIVERGENCE at step %lu of %lu (seed %#llx): %s\n", R.step, R.nops,
	    (unsigned long long)R.seed, R.fail);
	kprintf("# random: the last operations, oldest first:\n");
	for (unsigned long i = R.step + 1 > R_TRACE ? R.step + 1 - R_TRACE : 0; i <= R.step; i++)
		kprintf("#   %6lu  %s\n", i, R.trace[i % R_TRACE]);
	random_replay_print(R.step + 1, R.seed);
}

void
random_replay_print(unsigned long nops, uint64_t seed)
{
	kprintf("# random: replay on the host: %s/host/pmapkit-host random=%lu seed=%#llx\n",
	    PMAPKIT_BUILD_DIR, nops, (unsigned long long)seed);
	kprintf("# random: replay in the guest: make -C %s O=%s run "
	    "CONFIG_KERNEL_CMDLINE='random=%lu seed=%#llx'\n", PMAPKIT_SRC_DIR,
	    PMAPKIT_BUILD_DIR, nops, (unsigned long long)seed);
}

static int r_run(void);

int
random_run(uint64_t seed, unsigned long nops)
{
	r_setup(seed, nops, false);
	return r_run();
}

/*
 * The fuzzer's entry: the operations are decoded from data instead of drawn
 * from the RNG (8 bytes per choice) until it runs out.
 */
int
random_run_bytes(const uint8_t *data, size_t size)
{
	r_setup(0, size / 8 + 1, true);
	R.src = data;
	R.srclen = size;
	return r_run();
}

static int
r_run(void)
{
	unsigned long nops = R.nops;

	for (R.step = 0; R.step < nops && R.fail == NULL; R.step++) {
		if (R.src != NULL && R.srclen == 0)
			break;
		R.trace[R.step % R_TRACE][0] = '\0';
		if (!r_step() && R.fail == NULL)
			r_diverge("step returned failure");
		if (R.fail == NULL && R.step % R_FULL_EVERY == R_FULL_EVERY - 1) {
			r_update_all();
			r_check_all();
		}
	}
	if (R.fail == NULL) {
		r_update_all();
		r_check_all();
	}
	if (R.fail != NULL) {
		R.step--;
		r_report_divergence();
		return 1;
	}
	if (R.src == NULL)
		kprintf("# random: %lu operations, seed %#llx, %u CPUs: %lu probes (%lu user, "
		    "%lu on other CPUs), %lu TLB audits, %lu allocation failures injected, %lu "
		    "ENOMEM returns, %lu large-region operations (%lu demotions); no divergence\n",
		    nops, (unsigned long long)R.seed, R.ncpus, R.probes, R.user_probes,
		    R.remote_probes, R.audits, R.injected, R.enomem, R.lops, R.ldemotions);
	r_teardown();
	return 0;
}
