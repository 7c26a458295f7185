/*
 * Host model of the i386 MMU (32-bit paging, Intel SDM vol. 3A 4.3, 4.6,
 * 4.8, 4.10) over the strict TLB of tests/host/tlb.c.  It provides the
 * <cpufunc.h> instructions to md/i386 on the host, and the probe walk.
 *
 * Stricter than QEMU where it matters here: translations stay cached until
 * invlpg, a CR3 load (non-global) or a CR4.PGE toggle removes them; a write
 * through an entry cached clean sets D without re-checking the entry's
 * permissions (the SDM does not promise a re-walk), and a fault drops the
 * entries for the faulting address (SDM 4.10.4.1).
 * Reserved bits of a 4 MiB PDE (bits 21:13 without PSE-36) fault RSVD.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pmap/pmap.h>
#include <cpufunc.h>
#include "host/model.h"
#include "host/tlb.h"

#define X_P	0x001u
#define X_RW	0x002u
#define X_US	0x004u
#define X_A	0x020u
#define X_D	0x040u
#define X_PS	0x080u
#define X_G	0x100u
#define X_PDE4M_RSVD	0x003FE000u


#define BOOT_PD_PA	0x00100000u	/* where the "image" would keep its boot map */
#define BOOT_IMAGE_END	0x00120000u

static uint32_t cr0, cr3, cr4;
static uint32_t cpuid_edx = CPUID_1_EDX_PSE | CPUID_1_EDX_PGE | CPUID_1_EDX_PAE;

static uint32_t *
phys32(uint64_t pa)
{
	if (pa + 4 > model_ram_size)
		model_fatal("i386 model: walk reads pa %#llx beyond RAM (%#llx)",
		    (unsigned long long)pa, (unsigned long long)model_ram_size);
	return (uint32_t *)(model_ram + pa);
}

uint32_t x86_rcr0(void) { return cr0; }
uint32_t x86_rcr3(void) { return cr3; }
uint32_t x86_rcr4(void) { return cr4; }

void
x86_lcr0(uint32_t v)
{
	if ((v ^ cr0) & CR0_PG)
		tlb_flush(true);
	cr0 = v;
}

/* Loading CR3 drops every non-global translation (SDM 4.10.4.1). */
void
x86_lcr3(uint32_t v)
{
	cr3 = v;
	tlb_flush(false);
}

/* Changing PGE, PSE or PAE drops everything, global entries included. */
void
x86_lcr4(uint32_t v)
{
	if ((v ^ cr4) & (CR4_PGE | CR4_PSE | CR4_PAE))
		tlb_flush(true);
	cr4 = v;
}

void
x86_invlpg(uint32_t va)
{
	tlb_inval_va(va);
}

void
x86_cpuid(uint32_t leaf, uint32_t r[4])
{
	memset(r, 0, 4 * sizeof(uint32_t));
	if (leaf == 1)
		r[3] = cpuid_edx;
}

/* Model CPUs without PSE/PGE: PMAPKIT_MODEL_CPUID_EDX overrides leaf 1 EDX. */
static void __attribute__((constructor))
model_cpuid_env(void)
{
	const char *s = getenv("PMAPKIT_MODEL_CPUID_EDX");

	if (s != NULL)
		cpuid_edx = (uint32_t)strtoul(s, NULL, 0);
}

static bool
fault(uint32_t va, uint32_t code, uint32_t *fault_code)
{
	tlb_inval_va(va);
	*fault_code = code;
	return false;
}

/* Permission check of a (cached or walked) translation, SDM 4.6.1. */
static bool
allowed(const struct tlb_entry *e, bool write, bool user)
{
	if (user && !e->u)
		return false;
	if (write && !e->w && (user || (cr0 & CR0_WP)))
		return false;
	return true;
}

/* Walk the tables for va; fill e and set A/D as the MMU would. */
static bool
walk(uint32_t va, bool write, bool user, struct tlb_entry *e, uint32_t *fault_code)
{
	uint32_t code = (write ? PF_W : 0) | (user ? PF_U : 0);
	uint32_t *pdep = phys32((cr3 & ~0xFFFu) + (va >> 22) * 4);
	uint32_t pde = *pdep;

	if (!(pde & X_P))
		return fault(va, code, fault_code);
	if ((pde & X_PS) && (cr4 & CR4_PSE)) {
		if (pde & X_PDE4M_RSVD)
			return fault(va, code | PF_P | PF_RSVD, fault_code);
		*e = (struct tlb_entry){ va & ~0x3FFFFFu, 22, pde & 0xFFC00000u,
		    (pde & X_RW) != 0, (pde & X_US) != 0, true,
		    (pde & X_G) && (cr4 & CR4_PGE), write, NULL };
		if (!allowed(e, write, user))
			return fault(va, code | PF_P, fault_code);
		*pdep = pde | X_A | (write ? X_D : 0);
		return true;
	}
	uint32_t *ptep = phys32((pde & 0xFFFFF000u) + ((va >> 12) & 0x3FF) * 4);
	uint32_t pte = *ptep;
	if (!(pte & X_P))
		return fault(va, code, fault_code);
	*e = (struct tlb_entry){ va & ~0xFFFu, 12, pte & 0xFFFFF000u,
	    (pde & X_RW) && (pte & X_RW), (pde & X_US) && (pte & X_US), true,
	    (pte & X_G) && (cr4 & CR4_PGE), write, NULL };
	if (!allowed(e, write, user))
		return fault(va, code | PF_P, fault_code);
	*pdep = pde | X_A;
	*ptep = pte | X_A | (write ? X_D : 0);
	return true;
}

/* Set D in the leaf that maps va, if it is present and still maps te's page. */
static void
model_set_dirty(uint32_t va, const struct tlb_entry *te)
{
	uint32_t *pdep = phys32((cr3 & ~0xFFFu) + (va >> 22) * 4), pde = *pdep;

	if (!(pde & X_P))
		return;
	if ((pde & X_PS) && (cr4 & CR4_PSE)) {
		if ((pde & 0xFFC00000u) == te->pa)
			*pdep = pde | X_D;
		return;
	}
	uint32_t *ptep = phys32((pde & 0xFFFFF000u) + ((va >> 12) & 0x3FF) * 4);
	if ((*ptep & X_P) && (*ptep & 0xFFFFF000u) == te->pa)
		*ptep |= X_D;
}

bool
model_translate(vaddr_t va, enum probe_access acc, bool user, uint64_t *pap,
    uint32_t *fault_code)
{
	bool write = (acc == PROBE_WRITE);
	struct tlb_entry e, *te;

	if (!(cr0 & CR0_PG)) {
		*pap = va;
		return true;
	}
	te = tlb_lookup(va);
	if (te != NULL && !allowed(te, write, user))
		return fault(va, (write ? PF_W : 0) | (user ? PF_U : 0) | PF_P, fault_code);
	if (te != NULL && write && !te->d) {
		/*
		 * First write through an entry cached clean: the CPU sets D in the
		 * PTE.  The SDM does not promise a re-check of the (possibly
		 * changed) entry, so the strict model trusts the cached
		 * permission and only sets D where the entry still maps the page.
		 */
		model_set_dirty(va, te);
		te->d = true;
	}
	if (te == NULL) {
		if (!walk(va, write, user, &e, fault_code))
			return false;
		tlb_insert(&e);
		te = tlb_lookup(va);
	}
	*pap = te->pa + (va & ((1u << te->shift) - 1));
	return true;
}

void *
x86_kva(uint32_t va)
{
	uint64_t pa;
	uint32_t code;

	if (!model_translate(va, PROBE_WRITE, false, &pa, &code))
		model_fatal("x86_kva: kernel access to va %#x faults (error code %#x)", va, code);
	if (pa >= model_ram_size)
		model_fatal("x86_kva: va %#x maps pa %#llx beyond RAM", va, (unsigned long long)pa);
	return model_ram + pa;
}

/*
 * What md/x86/entry.S does in the guest: map [KERNBASE, KERNBASE +
 * PMAP_BOOTMAP_SIZE) to [0, PMAP_BOOTMAP_SIZE) with 4 KiB pages and turn on
 * paging with WP.  The tables sit where the kernel image would.
 */
void
model_boot(struct boot_info *bi)
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
}

/* 32-bit paging has no NX: the fetch bit is never reported. */
void
plat_fault_decode(uint32_t code, struct fault_info *f)
{
	X86_PF_DECODE(code, f, false);
}
