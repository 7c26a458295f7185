/*
 * Host model of 4-level paging (Intel SDM vol. 3A, 4.5): the PML4, PDPT,
 * directory and table walk with 1 GiB and 2 MiB leaves, NX, A/D updates,
 * and the boot map the guest's entry code leaves.  The CPU, the
 * PCID-tagged TLB and the access rules are shared with the other x86
 * backends (md/x86/cpu_host.c).
 *
 * Strict where QEMU is lax or where a real CPU would stop: a present entry
 * with bits at or above MAXPHYADDR (40 unless PMAPKIT_MODEL_MAXPHYADDR says
 * otherwise), PS in a PML4E, PS in a PDPTE on a CPU without 1 GiB pages,
 * bits 29:13 of a 1 GiB leaf or 20:13 of a 2 MiB leaf, or NX while
 * EFER.NXE is off faults with RSVD; a non-canonical access is a #GP, which
 * ends the run (cpu_host.c).
 *
 * The modelled CPU has PGE, NX, long mode, 1 GiB pages, PCID, INVPCID and
 * LA57 (5-level paging, walked when CR4.LA57 is set); PMAPKIT_MODEL_PAGE1GB=0,
 * PMAPKIT_MODEL_PCID=0, PMAPKIT_MODEL_INVPCID=0 and PMAPKIT_MODEL_LA57=0
 * take them away (QEMU 7.2's TCG offers no PCID, and qemu64 no 1 GiB pages).
 */
#include <stdlib.h>
#include <string.h>

#include <pmap/pmap.h>
#include "../x86/x86_model.h"

#define X_ADDR_RSVD	(0x7FFFFFFFFFFFFFFFull & ~((1ull << x86_model.maxphyaddr) - 1) & ~0xFFFull)
#define X_1G_RSVD	0x000000003FFFE000ull
#define X_2M_RSVD	0x00000000001FE000ull

#define BOOT_PML4_PA	0x00100000u	/* where the "image" would keep its boot map */
#define BOOT_PDPT_PA	0x00101000u
#define BOOT_PD_PA	0x00102000u
#define BOOT_PML5_PA	0x00103000u	/* CONFIG_AMD64_LA57 */
#define BOOT_IMAGE_END	0x00120000u

/* The walk: 5 levels with CR4.LA57 (the PML5 first), else 4 (from the PML4). */
static const unsigned shifts5[5] = { 48, 39, 30, 21, 12 };
#define NL		((x86_model.cr4 & CR4_LA57) ? 5 : 4)
#define SHIFTS		((x86_model.cr4 & CR4_LA57) ? shifts5 : shifts5 + 1)

static uint64_t *
phys64(uint64_t pa)
{
	return x86_model_phys(pa, 8);
}

static bool
nx_p(uint64_t e)
{
	return (e & X_NX) && (x86_model.efer & EFER_NXE);
}

/*
 * Reserved bits of a present entry at `up` levels above the PT (0: a PTE,
 * 1: a PDE, 2: a PDPTE, 3: a PML4E, 4: a PML5E).
 */
static bool
rsvd(uint64_t e, int up)
{
	if ((e & X_ADDR_RSVD) || ((e & X_NX) && !(x86_model.efer & EFER_NXE)))
		return true;
	if (!(e & X_PS) || up == 0)
		return false;
	if (up >= 3)
		return true;
	if (up == 2)
		return !(x86_model.cpuid_ext_edx & CPUID_EXT_EDX_PAGE1GB) || (e & X_1G_RSVD);
	return (e & X_2M_RSVD) != 0;
}

struct walk {
	uint64_t	ea[5];		/* entry addresses, root first */
	uint64_t	e[5];
	int		leaf;		/* level of the leaf, -1: none */
	bool		bad;		/* a reserved bit on the way */
};

/* Read the path for va from memory (x86_model_entry, one load each), no side effects. */
static void
walk_path(uint64_t va, struct walk *w)
{
	uint64_t table = x86_model.cr3 & X_FRAME;

	w->leaf = -1;
	w->bad = false;
	for (int l = 0; l < NL; l++) {
		w->ea[l] = table + ((va >> SHIFTS[l]) & 511) * 8;
		w->e[l] = x86_model_entry(w->ea[l], 8);
		if (!(w->e[l] & X_P))
			return;
		if (rsvd(w->e[l], NL - 1 - l)) {
			w->bad = true;
			w->leaf = l;
			return;
		}
		if (l == NL - 1 || (w->e[l] & X_PS)) {
			w->leaf = l;
			return;
		}
		table = w->e[l] & X_FRAME;
	}
}

static void
walk_entry(uint64_t va, const struct walk *w, struct tlb_entry *e)
{
	int l = w->leaf;
	unsigned sh = SHIFTS[l];
	uint64_t le = w->e[l];
	bool wr = true, us = true, x = true;

	for (int i = 0; i <= l; i++) {
		wr = wr && (w->e[i] & X_RW);
		us = us && (w->e[i] & X_US);
		x = x && !nx_p(w->e[i]);
	}
	*e = (struct tlb_entry){ .va = va & ~((1ull << sh) - 1), .shift = (uint8_t)sh,
	    .pa = le & X_FRAME & ~((1ull << sh) - 1), .w = wr, .u = us, .x = x,
	    .g = (le & X_G) && (x86_model.cr4 & CR4_PGE), .a = (le & X_A) != 0,
	    .d = (le & X_D) != 0, .r = true };
}

/*
 * A in every entry of the path, and D too in the leaf for a write, each
 * from the value walk_path read; false if one of them has changed since
 * (another CPU's pmap), and the walk starts over.
 */
static bool
walk_mark(const struct walk *w, bool write)
{
	for (int i = 0; i < w->leaf; i++)
		if (!x86_model_entry_set(w->ea[i], 8, w->e[i], X_A))
			return false;
	return x86_model_entry_set(w->ea[w->leaf], 8, w->e[w->leaf], X_A | (write ? X_D : 0));
}

bool
x86_model_walk(uint64_t va, bool write, bool user, bool fetch, struct tlb_entry *e,
    uint32_t *fault_code)
{
	uint32_t code = x86_model_code(write, user, fetch);
	struct walk w;

	do {
		walk_path(va, &w);
		if (w.leaf < 0)
			return x86_model_fault(va, code, fault_code);
		if (w.bad)
			return x86_model_fault(va, code | PF_P | PF_RSVD, fault_code);
		walk_entry(va, &w, e);
		e->d = write;
		e->a = false;
		if (!x86_model_allowed(e, write, user, fetch))
			return x86_model_fault(va, code | PF_P, fault_code);
	} while (!walk_mark(&w, write));
	return true;
}

int
x86_model_leaf(uint64_t va, struct tlb_entry *out)
{
	struct walk w;

	walk_path(va, &w);
	if (w.leaf < 0 || w.bad)
		return 0;
	walk_entry(va, &w, out);
	return 1;
}

/*
 * Set D in the leaf that maps va, if it is present and still maps te's
 * page: one locked update that reads the entry and decides, so a leaf that
 * changes before the update is walked to and decided on again.
 */
void
x86_model_set_dirty(uint64_t va, const struct tlb_entry *te)
{
	struct walk w;

	do {
		walk_path(va, &w);
		if (w.leaf < 0 || w.bad ||
		    (w.e[w.leaf] & X_FRAME & ~((1ull << SHIFTS[w.leaf]) - 1)) != te->pa)
			return;
	} while (!x86_model_entry_set(w.ea[w.leaf], 8, w.e[w.leaf], X_D));
}

void
x86_model_cr3_loaded(void)
{
}

/*
 * The state the guest's entry code leaves (md/amd64/boot_paging.h): long
 * mode, PML4 slot 256 -> a PDPT whose entry 0 is a directory of 2 MiB
 * pages mapping [KERNBASE, KERNBASE + PMAP_BOOTMAP_SIZE) to [0, that),
 * under PML5 slot 511 with CONFIG_AMD64_LA57 (and CR4.LA57); CR4.PAE,
 * EFER.LME and LMA, paging with WP; no PGE, NXE or PCIDE yet.
 */
void
model_boot(struct pmap_model_boot *bi)
{
	uint64_t *pml4 = phys64(BOOT_PML4_PA), *pdpt = phys64(BOOT_PDPT_PA), *pd = phys64(BOOT_PD_PA);
	bool pcid = model_env_feature("PMAPKIT_MODEL_PCID");

	_Static_assert(PMAP_BOOTMAP_SIZE <= (1ull << 30), "the boot map is one directory");
	for (unsigned c = 0; c < PMAP_MAXCPUS; c++) {
		struct x86_model_cpu *m = &x86_models[c];
		m->cpuid_ext_edx |= CPUID_EXT_EDX_LM;
		if (model_env_feature("PMAPKIT_MODEL_PAGE1GB"))
			m->cpuid_ext_edx |= CPUID_EXT_EDX_PAGE1GB;
		m->cpuid1_ecx = pcid ? CPUID_1_ECX_PCID : 0;
		m->cpuid7_ebx = pcid && model_env_feature("PMAPKIT_MODEL_INVPCID") ? CPUID_7_EBX_INVPCID : 0;
		m->cpuid7_ecx = model_env_feature("PMAPKIT_MODEL_LA57") ? CPUID_7_ECX_LA57 : 0;
		if (getenv("PMAPKIT_MODEL_MAXPHYADDR") == NULL)
			m->maxphyaddr = 40;	/* QEMU's qemu64 */
	}
	memset(pml4, 0, PAGE_SIZE);
	memset(pdpt, 0, PAGE_SIZE);
	memset(pd, 0, PAGE_SIZE);
	for (unsigned i = 0; i < PMAP_BOOTMAP_SIZE >> 21; i++)
		pd[i] = ((uint64_t)i << 21) | X_P | X_RW | X_PS;
	pdpt[0] = BOOT_PD_PA | X_P | X_RW;
	pml4[(PMAP_KERNBASE >> 39) & 511] = BOOT_PDPT_PA | X_P | X_RW;
	uint32_t root = BOOT_PML4_PA;
#ifdef CONFIG_AMD64_LA57
	uint64_t *pml5 = phys64(BOOT_PML5_PA);
	memset(pml5, 0, PAGE_SIZE);
	pml5[(PMAP_KERNBASE >> 48) & 511] = BOOT_PML4_PA | X_P | X_RW;
	root = BOOT_PML5_PA;
	if (!(x86_model.cpuid7_ecx & CPUID_7_ECX_LA57))	/* the entry code refuses it */
		model_fatal("amd64 model: PMAPKIT_MODEL_LA57=0, but this build needs 5-level paging");
	x86_lcr4(x86_rcr4() | CR4_LA57);
#endif
	x86_lcr4(x86_rcr4() | CR4_PAE);
	x86_wrmsr(MSR_EFER, x86_rdmsr(MSR_EFER) | EFER_LME);
	x86_lcr3(root);
	x86_lcr0(CR0_PE | CR0_PG | CR0_WP);	/* with EFER.LME: long mode (LMA) */
	bi->kernel_end_pa = BOOT_IMAGE_END;
	bi->text_start_pa = BOOT_PML4_PA - 0x10000;	/* a stand-in text range */
	bi->text_end_pa = BOOT_PML4_PA;
	bi->platform = "host-model-amd64";
	x86_model_boot_done();
}
