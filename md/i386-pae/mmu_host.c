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
#include <stdlib.h>
#include <string.h>

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
 */
#define SHADOW_SLOTS	(1u << 20)
static struct shadow { uint64_t pa, v; } *shadow;
static unsigned long shadow_used, tear_checks;

static struct shadow *
shadow_slot(uint64_t pa)
{
	if (shadow == NULL && (shadow = calloc(SHADOW_SLOTS, sizeof(*shadow))) == NULL)
		model_fatal("PAE model: no memory for the tear-check shadow");
	for (uint64_t h = (pa >> 3) * 0x9E3779B97F4A7C15ull;; h++) {
		struct shadow *s = &shadow[h % SHADOW_SLOTS];
		if (s->pa == pa + 1 || s->pa == 0)
			return s;
	}
}

static void
shadow_set(uint64_t pa, uint64_t v)
{
	struct shadow *s = shadow_slot(pa);

	if (s->pa == 0 && ++shadow_used > SHADOW_SLOTS / 2)
		model_fatal("PAE model: tear-check shadow full");
	s->pa = pa + 1;
	s->v = v;
}

void
pae_model_pte_written(const pmap_pte_t *p, pmap_pte_t v)
{
	shadow_set((uint64_t)((const uint8_t *)p - model_ram), v);
}

/* The entry at pa as the walk reads it, checked against the shadow. */
static uint64_t
walk_read(uint64_t pa)
{
	uint64_t v = *(uint64_t *)x86_model_phys(pa, 8);
	struct shadow *s = shadow_slot(pa);

	tear_checks++;
	if (s->pa != 0 && ((s->v ^ v) & ~(X_A | X_D)) != 0)
		model_fatal("PAE model: the entry at pa %#llx became %#llx, last written %#llx, "
		    "outside the 8-byte atomic helpers (a write that can tear)",
		    (unsigned long long)pa, (unsigned long long)v, (unsigned long long)s->v);
	shadow_set(pa, v);
	return v;
}

/* The model's own A/D update: a locked operation on the whole entry. */
static void
walk_write(uint64_t pa, uint64_t v)
{
	*(uint64_t *)x86_model_phys(pa, 8) = v;
	shadow_set(pa, v);
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

bool
x86_model_walk(uint64_t va, bool write, bool user, bool fetch, struct tlb_entry *e,
    uint32_t *fault_code)
{
	uint32_t code = x86_model_code(write, user, fetch);

	if (!(pdpte[va >> 30] & X_P))
		return x86_model_fault(va, code, fault_code);
	uint64_t pdea = pde_pa(va), pde = walk_read(pdea);
	if (!(pde & X_P))
		return x86_model_fault(va, code, fault_code);
	if (rsvd(pde, (pde & X_PS) != 0))
		return x86_model_fault(va, code | PF_P | PF_RSVD, fault_code);
	if (pde & X_PS) {
		*e = (struct tlb_entry){ .va = va & ~0x1FFFFFu, .shift = 21,
		    .pa = pde & X_FRAME & ~0x1FFFFFull, .w = (pde & X_RW) != 0,
		    .u = (pde & X_US) != 0, .x = !nx_p(pde),
		    .g = (pde & X_G) && (x86_model.cr4 & CR4_PGE), .d = write, .r = true };
		if (!x86_model_allowed(e, write, user, fetch))
			return x86_model_fault(va, code | PF_P, fault_code);
		walk_write(pdea, pde | X_A | (write ? X_D : 0));
		return true;
	}
	uint64_t ptea = (pde & X_FRAME) + ((va >> 12) & 511) * 8, pte = walk_read(ptea);
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
	walk_write(pdea, pde | X_A);
	walk_write(ptea, pte | X_A | (write ? X_D : 0));
	return true;
}

/* The walk without side effects, reading PDPTEs from memory (the cache must agree). */
int
x86_model_leaf(uint64_t va, struct tlb_entry *w)
{
	uint64_t mem = *phys64((x86_model.cr3 & ~0x1Full) + (va >> 30) * 8);

	if ((mem & (X_P | X_FRAME)) != (pdpte[va >> 30] & (X_P | X_FRAME)))
		return -1;
	if (!(mem & X_P))
		return 0;
	uint64_t pde = *phys64((mem & X_FRAME) + ((va >> 21) & 511) * 8);
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
	uint64_t pte = *phys64((pde & X_FRAME) + ((va >> 12) & 511) * 8);
	if (!(pte & X_P) || rsvd(pte, false))
		return 0;
	*w = (struct tlb_entry){ .va = va & ~0xFFFu, .shift = 12, .pa = pte & X_FRAME,
	    .w = (pde & X_RW) && (pte & X_RW), .u = (pde & X_US) && (pte & X_US),
	    .x = !nx_p(pde) && !nx_p(pte), .g = (pte & X_G) && (x86_model.cr4 & CR4_PGE),
	    .a = (pte & X_A) != 0, .d = (pte & X_D) != 0, .r = true };
	return 1;
}

/* Set D in the leaf that maps va, if it is present and still maps te's page. */
void
x86_model_set_dirty(uint64_t va, const struct tlb_entry *te)
{
	if (!(pdpte[va >> 30] & X_P))
		return;
	uint64_t pdea = pde_pa(va), pde = walk_read(pdea);
	if (!(pde & X_P))
		return;
	if (pde & X_PS) {
		if ((pde & X_FRAME & ~0x1FFFFFull) == te->pa)
			walk_write(pdea, pde | X_D);
		return;
	}
	uint64_t ptea = (pde & X_FRAME) + ((va >> 12) & 511) * 8, pte = walk_read(ptea);
	if ((pte & X_P) && (pte & X_FRAME) == te->pa)
		walk_write(ptea, pte | X_D);
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
