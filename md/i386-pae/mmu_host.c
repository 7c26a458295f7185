/*
 * Host model of PAE paging (Intel SDM vol. 3A, 4.4): the PDPT, directory
 * and table walk with 2 MiB PDEs, NX, A/D updates, and the boot map the
 * guest's entry code builds.  The CPU, TLB and access rules are shared with
 * the other x86 backends (md/x86/cpu_host.c).
 *
 * Stricter than QEMU (DESIGN.md): the four PDPTEs are read at CR3 load and
 * kept until the next load, as real CPUs do (SDM 4.4.1); a present PDPTE
 * with reserved bits (1, 2, 5-8, 63, at or above MAXPHYADDR) makes the CR3
 * load #GP, which ends the run; a paging entry with bits at or above
 * MAXPHYADDR (36 unless PMAPKIT_MODEL_MAXPHYADDR says otherwise), bits 20:13
 * of a 2 MiB PDE, or NX while EFER.NXE is off, faults with RSVD.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pmap/pmap.h>
#include "../x86/x86_model.h"

/* Address bits at and above the CPU's MAXPHYADDR (the model's, x86_model.h). */
#define X_ADDR_RSVD	(0x7FFFFFFFFFFFFFFFull & ~((1ull << x86_model.maxphyaddr) - 1))
#define X_PDPTE_RSVD	(X_ADDR_RSVD | X_NX | 0x1E6ull)
#define X_PDE2M_RSVD	0x00000000001FE000ull

#define BOOT_PDPT_PA	0x00100000u	/* where the "image" would keep its boot map */
#define BOOT_PD_PA	0x00101000u
#define BOOT_IMAGE_END	0x00120000u

static uint64_t pdptes[PMAP_MAXCPUS][4];	/* per CPU, read at CR3 load */
#define pdpte		(pdptes[model_cpu])

/*
 * Tear check.  The shadow holds, per entry address, the last value written
 * by the pmap's 8-byte atomic helpers (pae_model_pte_written) or by the
 * model's own A/D updates.  A walk that finds an entry it has seen before
 * holding anything else (A/D aside) means the entry was rewritten some other
 * way, e.g. by a plain 64-bit store, which i386 performs as two 32-bit
 * stores that the MMU may see half done (SDM 8.1.1).  Entries never seen are
 * learned (bootstrap writes tables before they are live).
 *
 * The CPUs (threads) share the shadow, in SHADOW_STRIPES parts by entry
 * address, each under its own lock (one lock made the CPUs of the scaling
 * bench take turns at every entry write).  A helper notes its
 * write only after the write itself (pmap/pte_atomic.h), so with more than
 * one CPU a walk may read a value whose note is still on its way: the walk
 * waits for the note, up to TEAR_GRACE_S seconds, before it calls the write
 * one that can tear.  With one CPU no note can be on its way, and the
 * verdict is immediate.
 */
#define SHADOW_SLOTS	(1u << 20)
#define SHADOW_STRIPES	64
#define STRIPE_SLOTS	(SHADOW_SLOTS / SHADOW_STRIPES)
#define TEAR_GRACE_S	5
static struct shadow { uint64_t pa, v; } *shadow;
static pthread_once_t shadow_once = PTHREAD_ONCE_INIT;
static unsigned long shadow_used, tear_checks;		/* atomic */
static struct stripe {
	pthread_mutex_t	 mu;
	pthread_cond_t	 noted;		/* a note, for waiting walks */
	unsigned	 waiters;
} __attribute__((aligned(64))) stripes[SHADOW_STRIPES] = {
	[0 ... SHADOW_STRIPES - 1] = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 }
};

static uint64_t
shadow_hash(uint64_t pa)
{
	return (pa >> 3) * 0x9E3779B97F4A7C15ull;
}

/* The part of the shadow, and its lock, that holds the entry at pa. */
static struct stripe *
stripe_of(uint64_t pa)
{
	return &stripes[(shadow_hash(pa) >> 32) % SHADOW_STRIPES];
}

static void
shadow_alloc(void)
{
	if ((shadow = calloc(SHADOW_SLOTS, sizeof(*shadow))) == NULL)
		model_fatal("PAE model: no memory for the tear-check shadow");
}

static bool
same(uint64_t a, uint64_t b)
{
	return ((a ^ b) & ~(X_A | X_D)) == 0;
}

/* Under pa's stripe lock: its slot, in the stripe's own part of the table. */
static struct shadow *
shadow_slot(uint64_t pa)
{
	struct shadow *part = &shadow[(size_t)(stripe_of(pa) - stripes) * STRIPE_SLOTS];

	for (uint64_t h = shadow_hash(pa), n = 0; n < STRIPE_SLOTS; h++, n++) {
		struct shadow *s = &part[h % STRIPE_SLOTS];
		uint64_t spa = __atomic_load_n(&s->pa, __ATOMIC_ACQUIRE);
		if (spa == pa + 1 || spa == 0)
			return s;
	}
	model_fatal("PAE model: tear-check shadow full (a stripe of %u entries)",
	    (unsigned)STRIPE_SLOTS);
}

/*
 * Under pa's stripe lock.  The slot's fields are single atomic accesses:
 * walk_read's fast path reads them without the lock (v before pa is
 * published, so a slot seen claimed has its first value).
 */
static void
shadow_set(struct shadow *s, uint64_t pa, uint64_t v)
{
	__atomic_store_n(&s->v, v, __ATOMIC_RELAXED);
	if (__atomic_load_n(&s->pa, __ATOMIC_RELAXED) != 0)
		return;
	if (__atomic_add_fetch(&shadow_used, 1, __ATOMIC_RELAXED) > SHADOW_SLOTS / 4)
		model_fatal("PAE model: tear-check shadow full");
	__atomic_store_n(&s->pa, pa + 1, __ATOMIC_RELEASE);
}

/*
 * A helper wrote v at p.  If the entry already holds something else that
 * the shadow has (another CPU's write landed after this one and was noted
 * first), this note is the older one and changes nothing: the shadow keeps
 * the last write, whatever order the notes come in.
 */
void
pae_model_pte_written(const pmap_pte_t *p, pmap_pte_t v)
{
	uint64_t pa = (uint64_t)((const uint8_t *)p - model_ram);
	struct stripe *st = stripe_of(pa);

	pthread_once(&shadow_once, shadow_alloc);
	pthread_mutex_lock(&st->mu);
	struct shadow *s = shadow_slot(pa);
	uint64_t now = pa < model_ram_size ? x86_model_entry(pa, 8) : v;
	if (s->pa == 0 || same(now, v) || !same(now, s->v))
		shadow_set(s, pa, v);
	if (st->waiters != 0)
		pthread_cond_broadcast(&st->noted);
	pthread_mutex_unlock(&st->mu);
}

/* The entry at pa as the walk reads it, checked against the shadow. */
static uint64_t
walk_read(uint64_t pa)
{
	struct timespec until = { 0, 0 };
	bool late = false;
	struct stripe *st = stripe_of(pa);
	struct shadow *s;
	uint64_t v;

	pthread_once(&shadow_once, shadow_alloc);
	__atomic_add_fetch(&tear_checks, 1, __ATOMIC_RELAXED);
	/* The usual case without the lock: the entry is what the shadow has. */
	v = x86_model_entry(pa, 8);
	s = shadow_slot(pa);
	if (__atomic_load_n(&s->pa, __ATOMIC_ACQUIRE) != 0 &&
	    same(__atomic_load_n(&s->v, __ATOMIC_RELAXED), v))
		return v;
	pthread_mutex_lock(&st->mu);
	for (;;) {
		v = x86_model_entry(pa, 8);
		s = shadow_slot(pa);
		if (__atomic_load_n(&s->pa, __ATOMIC_RELAXED) == 0 ||
		    same(__atomic_load_n(&s->v, __ATOMIC_RELAXED), v))
			break;
		if (model_ncpus == 1 || late)
			model_fatal("PAE model: the entry at pa %#llx became %#llx, last written "
			    "%#llx, outside the 8-byte atomic helpers (a write that can tear)",
			    (unsigned long long)pa, (unsigned long long)v,
			    (unsigned long long)s->v);
		if (until.tv_sec == 0) {
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += TEAR_GRACE_S;
		}
		/* Look again at each note; once more, the last, when the grace has run out. */
		st->waiters++;
		late = pthread_cond_timedwait(&st->noted, &st->mu, &until) == ETIMEDOUT;
		st->waiters--;
	}
	shadow_set(s, pa, v);
	pthread_mutex_unlock(&st->mu);
	return v;
}

/*
 * The model's own A/D update (x86_model_entry_set), recorded in the shadow
 * under the same lock as the notes, so that a helper's later write and its
 * note cannot fall between the update and its record.
 */
static bool
walk_set(uint64_t pa, uint64_t old, uint64_t bits)
{
	struct stripe *st = stripe_of(pa);

	pthread_once(&shadow_once, shadow_alloc);
	pthread_mutex_lock(&st->mu);
	bool done = x86_model_entry_set(pa, 8, old, bits);
	if (done && (old | bits) != old)
		shadow_set(shadow_slot(pa), pa, old | bits);
	pthread_mutex_unlock(&st->mu);
	return done;
}

static uint64_t *
phys64(uint64_t pa)
{
	return x86_model_phys(pa, 8);
}

void
x86_model_cr3_loaded(void)
{
	if (!(x86_model.cr4 & CR4_PAE))
		return;
	for (unsigned i = 0; i < 4; i++) {
		pdpte[i] = walk_read((x86_model.cr3 & ~0x1Full) + i * 8);
		if ((pdpte[i] & X_P) && (pdpte[i] & X_PDPTE_RSVD))
			model_fatal("PAE model: MOV to CR3 raises #GP: PDPTE %u = %#llx has "
			    "reserved bits %#llx", i, (unsigned long long)pdpte[i],
			    (unsigned long long)(pdpte[i] & X_PDPTE_RSVD));
	}
}

static bool
rsvd(uint64_t e, bool large)
{
	return (e & X_ADDR_RSVD) || ((e & X_NX) && !(x86_model.efer & EFER_NXE)) ||
	    (large && (e & X_PDE2M_RSVD));
}

static uint64_t
pde_pa(uint32_t va)
{
	return (pdpte[va >> 30] & X_FRAME) + ((va >> 21) & 511) * 8;
}

static bool
nx_p(uint64_t e)
{
	return (e & X_NX) && (x86_model.efer & EFER_NXE);
}

static uint64_t
pte_pa(uint64_t pde, uint32_t va)
{
	return (pde & X_FRAME) + ((va >> 12) & 511) * 8;
}

/*
 * The walk from the cached PDPTE.  An A/D update that finds its entry
 * changed since the walk read it (another CPU's pmap) starts the walk over.
 */
bool
x86_model_walk(uint64_t va, bool write, bool user, bool fetch, struct tlb_entry *e,
    uint32_t *fault_code)
{
	uint32_t code = x86_model_code(write, user, fetch);

	if (!(pdpte[va >> 30] & X_P))
		return x86_model_fault(va, code, fault_code);
	uint64_t pdea = pde_pa(va);
	for (;;) {
		uint64_t pde = walk_read(pdea);
		if (!(pde & X_P))
			return x86_model_fault(va, code, fault_code);
		if (rsvd(pde, (pde & X_PS) != 0))
			return x86_model_fault(va, code | PF_P | PF_RSVD, fault_code);
		if (pde & X_PS) {
			*e = (struct tlb_entry){ .va = va & ~0x1FFFFFu, .shift = 21,
			    .pa = pde & X_FRAME & ~0x1FFFFFull, .w = (pde & X_RW) != 0,
			    .u = (pde & X_US) != 0, .x = !nx_p(pde),
			    .g = (pde & X_G) && (x86_model.cr4 & CR4_PGE), .d = write,
			    .r = true };
			if (!x86_model_allowed(e, write, user, fetch))
				return x86_model_fault(va, code | PF_P, fault_code);
			if (walk_set(pdea, pde, X_A | (write ? X_D : 0)))
				return true;
			continue;
		}
		uint64_t ptea = pte_pa(pde, va), pte = walk_read(ptea);
		if (!(pte & X_P))
			return x86_model_fault(va, code, fault_code);
		if (rsvd(pte, false))
			return x86_model_fault(va, code | PF_P | PF_RSVD, fault_code);
		*e = (struct tlb_entry){ .va = va & ~0xFFFu, .shift = 12, .pa = pte & X_FRAME,
		    .w = (pde & X_RW) && (pte & X_RW), .u = (pde & X_US) && (pte & X_US),
		    .x = !nx_p(pde) && !nx_p(pte), .g = (pte & X_G) && (x86_model.cr4 & CR4_PGE),
		    .d = write, .r = true };
		if (!x86_model_allowed(e, write, user, fetch))
			return x86_model_fault(va, code | PF_P, fault_code);
		if (walk_set(pdea, pde, X_A) && walk_set(ptea, pte, X_A | (write ? X_D : 0)))
			return true;
	}
}

/* The walk without side effects, reading PDPTEs from memory (the cache must agree). */
int
x86_model_leaf(uint64_t va, struct tlb_entry *w)
{
	uint64_t mem = x86_model_entry((x86_model.cr3 & ~0x1Full) + (va >> 30) * 8, 8);

	if ((mem & (X_P | X_FRAME)) != (pdpte[va >> 30] & (X_P | X_FRAME)))
		return -1;
	if (!(mem & X_P))
		return 0;
	uint64_t pde = x86_model_entry((mem & X_FRAME) + ((va >> 21) & 511) * 8, 8);
	if (!(pde & X_P) || rsvd(pde, (pde & X_PS) != 0))
		return 0;
	if (pde & X_PS) {
		*w = (struct tlb_entry){ .va = va & ~0x1FFFFFu, .shift = 21,
		    .pa = pde & X_FRAME & ~0x1FFFFFull, .w = (pde & X_RW) != 0,
		    .u = (pde & X_US) != 0, .x = !nx_p(pde),
		    .g = (pde & X_G) && (x86_model.cr4 & CR4_PGE), .a = (pde & X_A) != 0,
		    .d = (pde & X_D) != 0, .r = true };
		return 1;
	}
	uint64_t pte = x86_model_entry(pte_pa(pde, va), 8);
	if (!(pte & X_P) || rsvd(pte, false))
		return 0;
	*w = (struct tlb_entry){ .va = va & ~0xFFFu, .shift = 12, .pa = pte & X_FRAME,
	    .w = (pde & X_RW) && (pte & X_RW), .u = (pde & X_US) && (pte & X_US),
	    .x = !nx_p(pde) && !nx_p(pte), .g = (pte & X_G) && (x86_model.cr4 & CR4_PGE),
	    .a = (pte & X_A) != 0, .d = (pte & X_D) != 0, .r = true };
	return 1;
}

/*
 * Set D in the leaf that maps va, if it is present and still maps te's
 * page: one locked update that reads the entry and decides, so an entry
 * that changes before the update is read again and decided on again.
 */
void
x86_model_set_dirty(uint64_t va, const struct tlb_entry *te)
{
	if (!(pdpte[va >> 30] & X_P))
		return;
	uint64_t pdea = pde_pa(va);
	for (;;) {
		uint64_t pde = walk_read(pdea);
		if (!(pde & X_P))
			return;
		if (pde & X_PS) {
			if ((pde & X_FRAME & ~0x1FFFFFull) != te->pa || walk_set(pdea, pde, X_D))
				return;
			continue;
		}
		uint64_t ptea = pte_pa(pde, va), pte = walk_read(ptea);
		if (!(pte & X_P) || (pte & X_FRAME) != te->pa || walk_set(ptea, pte, X_D))
			return;
	}
}

/*
 * The state md/x86/entry_32.S leaves for this backend: a PDPT whose slot 3 maps
 * [KERNBASE, KERNBASE + PMAP_BOOTMAP_SIZE) to [0, PMAP_BOOTMAP_SIZE) (here
 * with 2 MiB pages; entry_32.S uses 4 KiB pages, which the pmap cannot tell
 * apart); CR4.PAE, then CR3, then paging with WP.
 */
void
model_boot(struct pmap_model_boot *bi)
{
	uint64_t *pdpt = phys64(BOOT_PDPT_PA), *pd = phys64(BOOT_PD_PA);

	memset(pdpt, 0, PAGE_SIZE);
	memset(pd, 0, PAGE_SIZE);
	for (unsigned i = 0; i < PMAP_BOOTMAP_SIZE >> 21; i++)
		pd[i] = ((uint64_t)i << 21) | X_P | X_RW | X_PS;
	pdpt[3] = BOOT_PD_PA | X_P;
	x86_lcr4(x86_rcr4() | CR4_PAE);
	x86_lcr3(BOOT_PDPT_PA);
	x86_lcr0(CR0_PE | CR0_PG | CR0_WP);
	bi->kernel_end_pa = BOOT_IMAGE_END;
	bi->text_start_pa = BOOT_PDPT_PA - 0x10000;	/* a stand-in text range */
	bi->text_end_pa = BOOT_PDPT_PA;
	bi->platform = "host-model-i386-pae";
	x86_model_boot_done();
}
