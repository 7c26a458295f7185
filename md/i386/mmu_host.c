/*
 * Host model of i386 32-bit paging (Intel SDM vol. 3A, 4.3): the 2-level
 * walk with 4 MiB PDEs under CR4.PSE, A/D updates, and the boot map the
 * guest's entry code builds.  The CPU, TLB and access rules are shared with
 * the other x86 backends (md/x86/cpu_host.c).  Reserved bits of a 4 MiB PDE
 * (21:13 without PSE-36) fault with RSVD.
 */
#include <string.h>

#include <pmap/pmap.h>
#include "../x86/x86_model.h"

#define X_PDE4M_RSVD	0x003FE000u

#define BOOT_PD_PA	0x00100000u	/* where the "image" would keep its boot map */
#define BOOT_IMAGE_END	0x00120000u

static uint32_t *
phys32(uint64_t pa)
{
	return x86_model_phys(pa, 4);
}

/* Entries are read and updated only through x86_model_entry and _entry_set (x86_model.h). */
static uint32_t
entry(uint64_t pa)
{
	return (uint32_t)x86_model_entry(pa, 4);
}

static bool
entry_set(uint64_t pa, uint32_t old, uint32_t bits)
{
	return x86_model_entry_set(pa, 4, old, bits);
}

static uint64_t
pde_pa(uint32_t va)
{
	return (x86_model.cr3 & ~0xFFFu) + (va >> 22) * 4;
}

static uint64_t
pte_pa(uint32_t pde, uint32_t va)
{
	return (pde & 0xFFFFF000u) + ((va >> 12) & 0x3FF) * 4;
}

static bool
large_p(uint32_t pde)
{
	return (pde & X_PS) && (x86_model.cr4 & CR4_PSE);
}

void
x86_model_cr3_loaded(void)
{
}

/*
 * Walk the tables for va; fill e and set A/D as the MMU would.  An update
 * that finds the entry changed since the walk read it (another CPU's pmap)
 * starts the walk over.
 */
bool
x86_model_walk(uint64_t va, bool write, bool user, bool fetch, struct tlb_entry *e,
    uint32_t *fault_code)
{
	uint32_t code = x86_model_code(write, user, fetch);
	uint64_t pdea = pde_pa(va);
	bool global;

	for (;;) {
		uint32_t pde = entry(pdea);
		if (!(pde & X_P))
			return x86_model_fault(va, code, fault_code);
		if (large_p(pde)) {
			if (pde & X_PDE4M_RSVD)
				return x86_model_fault(va, code | PF_P | PF_RSVD, fault_code);
			global = (pde & X_G) && (x86_model.cr4 & CR4_PGE);
			*e = (struct tlb_entry){ .va = va & ~0x3FFFFFu, .shift = 22,
			    .pa = pde & 0xFFC00000u, .w = (pde & X_RW) != 0,
			    .u = (pde & X_US) != 0, .x = true, .g = global, .d = write,
			    .r = true };
			if (!x86_model_allowed(e, write, user, fetch))
				return x86_model_fault(va, code | PF_P, fault_code);
			if (entry_set(pdea, pde, X_A | (write ? X_D : 0)))
				return true;
			continue;
		}
		uint64_t ptea = pte_pa(pde, va);
		uint32_t pte = entry(ptea);
		if (!(pte & X_P))
			return x86_model_fault(va, code, fault_code);
		global = (pte & X_G) && (x86_model.cr4 & CR4_PGE);
		*e = (struct tlb_entry){ .va = va & ~0xFFFu, .shift = 12,
		    .pa = pte & 0xFFFFF000u, .w = (pde & X_RW) && (pte & X_RW),
		    .u = (pde & X_US) && (pte & X_US), .x = true, .g = global, .d = write,
		    .r = true };
		if (!x86_model_allowed(e, write, user, fetch))
			return x86_model_fault(va, code | PF_P, fault_code);
		if (entry_set(pdea, pde, X_A) && entry_set(ptea, pte, X_A | (write ? X_D : 0)))
			return true;
	}
}

int
x86_model_leaf(uint64_t va, struct tlb_entry *w)
{
	uint32_t pde = entry(pde_pa(va));

	if (!(pde & X_P))
		return 0;
	if (large_p(pde)) {
		*w = (struct tlb_entry){ .va = va & ~0x3FFFFFu, .shift = 22,
		    .pa = pde & 0xFFC00000u, .w = (pde & X_RW) != 0, .u = (pde & X_US) != 0,
		    .x = true, .g = (pde & X_G) && (x86_model.cr4 & CR4_PGE),
		    .a = (pde & X_A) != 0, .d = (pde & X_D) != 0, .r = true };
		return 1;
	}
	uint32_t pte = entry(pte_pa(pde, va));
	if (!(pte & X_P))
		return 0;
	*w = (struct tlb_entry){ .va = va & ~0xFFFu, .shift = 12, .pa = pte & 0xFFFFF000u,
	    .w = (pde & X_RW) && (pte & X_RW), .u = (pde & X_US) && (pte & X_US), .x = true,
	    .g = (pte & X_G) && (x86_model.cr4 & CR4_PGE), .a = (pte & X_A) != 0,
	    .d = (pte & X_D) != 0, .r = true };
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
	uint64_t pdea = pde_pa(va);

	for (;;) {
		uint32_t pde = entry(pdea);
		if (!(pde & X_P))
			return;
		if (large_p(pde)) {
			if ((pde & 0xFFC00000u) != te->pa || entry_set(pdea, pde, X_D))
				return;
			continue;
		}
		uint64_t ptea = pte_pa(pde, va);
		uint32_t pte = entry(ptea);
		if (!(pte & X_P) || (pte & 0xFFFFF000u) != te->pa || entry_set(ptea, pte, X_D))
			return;
	}
}

/*
 * What md/x86/entry_32.S does in the guest: map [KERNBASE, KERNBASE +
 * PMAP_BOOTMAP_SIZE) to [0, PMAP_BOOTMAP_SIZE) with 4 KiB pages and turn on
 * paging with WP.  The tables sit where the kernel image would.
 */
void
model_boot(struct pmap_model_boot *bi)
{
	uint32_t *pd = phys32(BOOT_PD_PA);
	unsigned npt = PMAP_BOOTMAP_SIZE >> 22;

	memset(pd, 0, PAGE_SIZE);
	for (unsigned i = 0; i < npt; i++) {
		uint32_t ptpa = BOOT_PD_PA + (i + 1) * PAGE_SIZE;
		uint32_t *pt = phys32(ptpa);
		for (unsigned j = 0; j < 1024; j++)
			pt[j] = ((i * 1024 + j) << 12) | X_P | X_RW;
		pd[(KERNBASE >> 22) + i] = ptpa | X_P | X_RW;
	}
	x86_lcr3(BOOT_PD_PA);
	x86_lcr0(CR0_PE | CR0_PG | CR0_WP);
	bi->kernel_end_pa = BOOT_IMAGE_END;
	bi->text_start_pa = BOOT_PD_PA - 0x10000;	/* a stand-in text range */
	bi->text_end_pa = BOOT_PD_PA;
	bi->platform = "host-model-i386";
	x86_model_boot_done();
}
