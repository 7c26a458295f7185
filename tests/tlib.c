/* Test helpers shared by the host and the guest runs (tests/t.h). */
#include "t.h"

#ifdef PMAP_HOST
#include <setjmp.h>
#endif

#define T_KVA_BASE	(VM_MIN_KERNEL_VA + 0x00800000u)	/* above stolen memory */
#define T_KVA_SIZE	0x00800000u

void
t_fail(struct tctx *t, const char *file, int line, const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	if (fmt[0] == '\0')
		return;
	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprintf("# %s:%d: %s\n", file, line, buf);
	t->failed++;
}

paddr_t
t_page(struct tctx *t)
{
	paddr_t pa;

	if (t->npages == T_MAXPAGES || physmem_alloc_direct(&pa) != 0)
		kpanic("t_page: %s: no page (%u held)", t->name, t->npages);
	memset(plat_phys(pa), 0, PAGE_SIZE);
	t->pages[t->npages++] = pa;
	return pa;
}

paddr_t
t_page_range(struct tctx *t, paddr_t lo, paddr_t hi)
{
	paddr_t pa;

	if (t->npages == T_MAXPAGES || physmem_alloc_range(lo, hi, &pa) != 0)
		return 0;
	t->pages[t->npages++] = pa;
	return pa;
}

struct t_on_cpu {
	struct pmap		*pm;
	vaddr_t			 va;
	enum probe_access	 acc;
	uint32_t		 wval;
	struct probe_result	 r;
};

static void
t_access_fn(void *arg)
{
	struct t_on_cpu *o = arg;

	if (o->pm != NULL)
		pmap_activate(o->pm);
	plat_kernel_user_access(true);
	plat_probe(o->va, o->acc, false, o->wval, &o->r);
}

bool
t_access_on(unsigned cpu, struct pmap *pm, vaddr_t va, enum probe_access acc, uint32_t wval,
    uint32_t *readp)
{
	struct t_on_cpu o = { pm, va, acc, wval, { 0 } };

	kern_xcall(cpu, t_access_fn, &o);
	if (readp != NULL)
		*readp = o.r.value;
	return o.r.ok;
}

static void
t_activate_fn(void *pm)
{
	pmap_activate(pm);
}

void
t_activate_on(unsigned cpu, struct pmap *pm)
{
	kern_xcall(cpu, t_activate_fn, pm);
}

paddr_t
t_block(struct tctx *t, paddr_t size)
{
	paddr_t pa;

	if (t->block_size != 0)
		kpanic("t_block: %s: one block per test", t->name);
	if (physmem_alloc_block(size, &pa) != 0)
		return 0;
	for (paddr_t off = 0; off < size; off += PAGE_SIZE)
		memset(plat_phys(pa + off), 0, PAGE_SIZE);
	t->block = pa;
	t->block_size = size;
	return pa;
}

paddr_t
t_pa_top_page(void)
{
	return (paddr_t)((((uint64_t)1 << pmap_pa_bits()) - 1) & ~(uint64_t)PAGE_MASK);
}

struct pmap *
t_pmap(struct tctx *t)
{
	if (t->npmaps == T_MAXPMAPS)
		kpanic("t_pmap: %s: too many pmaps", t->name);
	return t->pmaps[t->npmaps++] = pmap_create();
}

vaddr_t
t_kva(struct tctx *t, unsigned npages)
{
	if (t->kva_next == 0)
		t->kva_next = T_KVA_BASE;
	vaddr_t va = t->kva_next;
	t->kva_next += npages * PAGE_SIZE;
	if (t->kva_next > T_KVA_BASE + T_KVA_SIZE)
		kpanic("t_kva: %s: test kernel VA exhausted", t->name);
	return va;
}

/* Undo whatever the test left: mappings, pmaps, pages, KVA. */
void
t_cleanup(struct tctx *t)
{
	for (unsigned i = 0; i < t->npmaps; i++) {
		pmap_deactivate(t->pmaps[i]);
		pmap_remove_all(t->pmaps[i]);
		pmap_update(t->pmaps[i]);
		pmap_destroy(t->pmaps[i]);
	}
	if (t->kva_next != 0) {
		pmap_kremove(T_KVA_BASE, t->kva_next - T_KVA_BASE);
		pmap_update(pmap_kernel());
	}
	for (unsigned i = 0; i < t->npages; i++) {
		struct pmap_page *pg = t_pg(t->pages[i]);
		pmap_page_protect(pg, VM_PROT_NONE);	/* kernel-pmap managed leftovers */
		pmap_update(pmap_kernel());
		physmem_free(t->pages[i]);
	}
	for (paddr_t off = 0; off < t->block_size; off += PAGE_SIZE)
		physmem_free(t->block + off);
	t->npmaps = t->npages = 0;
	t->kva_next = 0;
	t->block = t->block_size = 0;
}

uint32_t
t_phys_read(paddr_t pa, unsigned off)
{
	return *(volatile uint32_t *)((char *)plat_phys(pa) + off);
}

void
t_phys_write(paddr_t pa, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)((char *)plat_phys(pa) + off) = v;
}

struct pmap_page *
t_pg(paddr_t pa)
{
	struct pmap_page *pg = pmap_kern_phys_to_page(pa);

	if (pg == NULL)
		kpanic("t_pg: pa %#llx has no page record", (unsigned long long)pa);
	return pg;
}

bool
t_read(vaddr_t va, uint32_t *valp)
{
	struct probe_result r;

	plat_probe(va, PROBE_READ, false, 0, &r);
	if (r.ok && valp != NULL)
		*valp = r.value;
	return r.ok;
}

bool
t_write(vaddr_t va, uint32_t v)
{
	struct probe_result r;

	plat_probe(va, PROBE_WRITE, false, v, &r);
	return r.ok;
}

/* A user access needs a user address space: borrow one if only the kernel's is live. */
static bool
t_user_probe(vaddr_t va, enum probe_access a, uint32_t v, bool *supported)
{
	struct probe_result r;
	struct pmap *tmp = NULL;

	*supported = plat_probe_user_supported();
	if (!*supported)
		return false;
	if (pmap_current() == NULL)
		pmap_activate(tmp = pmap_create());
	plat_probe(va, a, true, v, &r);
	if (tmp != NULL) {
		pmap_deactivate(tmp);
		pmap_destroy(tmp);
	}
	return r.ok;
}

bool t_user_read(vaddr_t va, bool *s) { return t_user_probe(va, PROBE_READ, 0, s); }
bool t_user_write(vaddr_t va, uint32_t v, bool *s) { return t_user_probe(va, PROBE_WRITE, v, s); }

bool
t_host_model(void)
{
#ifdef PMAP_HOST
	return true;
#else
	return false;
#endif
}

#ifdef CONFIG_PMAP_DEBUG
static void
t_print(const char *fmt, ...)
{
	va_list ap;

	kprintf("# ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}
#endif

int
t_pmap_check(struct pmap *pm)
{
#ifdef CONFIG_PMAP_DEBUG
	return pmap_check(pm, t_print);
#else
	(void)pm;
	return 0;
#endif
}

#ifdef PMAP_HOST
extern void (*kern_panic_hook)(const char *);
static jmp_buf t_panic_env;
static char t_panic_msg[256];

static void
t_panic_catch(const char *msg)
{
	strncpy(t_panic_msg, msg, sizeof(t_panic_msg) - 1);
	longjmp(t_panic_env, 1);
}

bool
t_panics_catchable(void)
{
	return true;
}

bool
t_expect_panic(struct tctx *t, void (*fn)(void *), void *arg, const char *want)
{
	unsigned depth = pmap_lock_held();

	t_panic_msg[0] = '\0';
	kern_panic_hook = t_panic_catch;
	if (setjmp(t_panic_env) == 0) {
		fn(arg);
		kern_panic_hook = NULL;
		kprintf("# %s: no panic, expected one containing \"%s\"\n", t->name, want);
		return false;
	}
	kern_panic_hook = NULL;
	pmap_panic_unwind(depth);	/* the longjmp skipped the pmap call's unlock */
	kprintf("# caught: %s\n", t_panic_msg);
	if (strstr(t_panic_msg, want) == NULL) {
		kprintf("# %s: panic message lacks \"%s\"\n", t->name, want);
		return false;
	}
	return true;
}
#else
bool
t_panics_catchable(void)
{
	return false;
}

bool
t_expect_panic(struct tctx *t, void (*fn)(void *), void *arg, const char *want)
{
	(void)t; (void)fn; (void)arg; (void)want;
	return false;
}
#endif

vaddr_t
t_leaf_span(void)
{
	return pmap_table_span(pmap_backend_levels() - 1);
}

vsize_t
t_large_size(void)
{
	vsize_t l = pmap_large_page_size();

	return l < t_leaf_span() ? l : t_leaf_span();
}

vaddr_t
t_large_va(unsigned k, vsize_t size)
{
	return VM_MAX_KERNEL_VA - k * (size > t_leaf_span() ? size : t_leaf_span());
}

unsigned
t_tables_for(vaddr_t sva, vaddr_t eva)
{
	unsigned n = 0;

	for (int l = 1; l < pmap_backend_levels(); l++) {
		vaddr_t span = pmap_table_span(l);
		n += (eva - 1) / span - sva / span + 1;
	}
	return n;
}

/* Tables whose mapped part [max(sva, t), min(eva, t + span)) lies inside [csva, ceva). */
unsigned
t_tables_freed(vaddr_t sva, vaddr_t eva, vaddr_t csva, vaddr_t ceva)
{
	unsigned n = 0;

	for (int l = 1; l < pmap_backend_levels(); l++) {
		vaddr_t span = pmap_table_span(l);
		for (vaddr_t t = sva / span * span; t < eva && t >= sva / span * span; t += span) {
			vaddr_t lo = t > sva ? t : sva, hi = t + span < eva ? t + span : eva;
			n += (lo >= csva && hi <= ceva);
			if (t + span == 0)
				break;
		}
	}
	return n;
}
