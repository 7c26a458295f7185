/*
 * Host model of the x86 CPU parts every x86 backend shares (Intel SDM vol.
 * 3A, 4.6 access rights, 4.8 A/D flags, 4.10 TLB): control registers, EFER,
 * CPUID features, invlpg, and translation through the strict TLB of
 * tests/host/tlb.c.  The backend's model walks its own tables.
 *
 * Stricter than QEMU where it matters: translations stay cached until
 * invlpg, a CR3 load (non-global) or a CR4.PGE toggle removes them; a write
 * through an entry cached clean sets D without re-checking the entry's
 * permissions (the SDM does not promise a re-walk); a fault drops the
 * entries for the faulting address (SDM 4.10.4.1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kern.h"		/* struct fault_info, for model_fault_decode */
#include "x86_model.h"

#define CR0_NW		0x20000000u	/* SDM vol. 3A, 2.5 */
#define CR0_CD		0x40000000u

struct x86_model_cpu x86_models[PMAP_MAXCPUS];

void *
x86_model_phys(uint64_t pa, unsigned size)
{
	if (pa + size > model_ram_size)
		model_fatal("x86 model: access to pa %#llx beyond RAM (%#llx)",
		    (unsigned long long)pa, (unsigned long long)model_ram_size);
	return model_ram + pa;
}

/*
 * One load of the whole entry, as the MMU's.  Acquire: a table the pmap
 * hooked in with a release store (pte_store) was zeroed with plain stores
 * before, and the walk must see those zeroes, not what the page held.
 */
uint64_t
x86_model_entry(uint64_t pa, unsigned size)
{
	void *p = x86_model_phys(pa, size);

	if (size == 4)
		return __atomic_load_n((uint32_t *)p, __ATOMIC_ACQUIRE);
	return __atomic_load_n((uint64_t *)p, __ATOMIC_ACQUIRE);
}

/*
 * The processor sets A and D with a locked update of the entry (SDM vol.
 * 3A, 4.8, 8.1.2.1): here a compare-and-swap from the value the walk read.
 * If another CPU's pmap changed the entry since, the swap fails and nothing
 * is written, so the update neither brings back an entry that was removed
 * nor marks one that now maps something else; the caller walks again,
 * reading afresh (hence the relaxed failure order).  A flag already set is
 * not written again, as on the hardware.
 */
bool
x86_model_entry_set(uint64_t pa, unsigned size, uint64_t old, uint64_t bits)
{
	void *p = x86_model_phys(pa, size);

	if ((old & bits) == bits)
		return true;
	if (size == 4) {
		uint32_t o = (uint32_t)old;
		return __atomic_compare_exchange_n((uint32_t *)p, &o, (uint32_t)(old | bits),
		    false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
	}
	return __atomic_compare_exchange_n((uint64_t *)p, &old, old | bits, false,
	    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

x86_reg_t x86_rcr0(void) { return x86_model.cr0; }
x86_reg_t x86_rcr3(void) { return x86_model.cr3; }
x86_reg_t x86_rcr4(void) { return x86_model.cr4; }

/*
 * With PAE paging in use afterwards, a MOV to CR0 or CR4 that changes
 * CR0.PG/CD/NW or CR4.PAE/PGE/PSE also loads the PDPTEs from CR3 (SDM vol.
 * 3A, 4.4.1): a PGE toggle is a PDPTE reload too.
 */
static void
x86_model_pdpte_reload(uint64_t changed0, uint64_t changed4)
{
	if (((changed0 & (CR0_PG | CR0_CD | CR0_NW)) || (changed4 & (CR4_PAE | CR4_PGE |
	    CR4_PSE))) && (x86_model.cr0 & CR0_PG) && (x86_model.cr4 & CR4_PAE))
		x86_model_cr3_loaded();
}

void
x86_lcr0(x86_reg_t v)
{
	x86_reg_t changed = v ^ x86_model.cr0;

	if (changed & CR0_PG)
		model_tlb_flush(true);
	x86_model.cr0 = v;
	if ((changed & CR0_PG) && (x86_model.efer & EFER_LME))	/* SDM vol. 3A, 10.8.5 */
		x86_model.efer = (v & CR0_PG) ? x86_model.efer | EFER_LMA : x86_model.efer & ~EFER_LMA;
	x86_model_pdpte_reload(changed, 0);
}

uint16_t
x86_model_pcid(void)
{
	return (x86_model.cr4 & CR4_PCIDE) ? (uint16_t)(x86_model.cr3 & CR3_PCID_MASK) : 0;
}

/*
 * Loading CR3 drops every non-global translation (SDM 4.10.4.1); with
 * CR4.PCIDE only those of the PCID loaded, and none if bit 63 is set (bit
 * 63 is not kept in CR3).  Without PCIDE in long mode bit 63 is reserved.
 */
void
x86_lcr3(x86_reg_t v)
{
	bool noflush = (v & CR3_NOFLUSH) != 0;

	if (noflush && !(x86_model.cr4 & CR4_PCIDE))
		model_fatal("x86 model: MOV to CR3 of %#llx raises #GP: bit 63 without CR4.PCIDE",
		    (unsigned long long)v);
	x86_model.cr3 = v & ~CR3_NOFLUSH;
	if (!(x86_model.cr4 & CR4_PCIDE))
		model_tlb_flush(false);
	else if (!noflush)
		model_tlb_inval(0, true, x86_model_pcid(), false);
	x86_model_cr3_loaded();
}

/*
 * Changing PGE, PSE or PAE drops everything, global entries included, of
 * every PCID; so does clearing PCIDE.  Setting PCIDE needs long mode and
 * CR3[11:0] = 0, else #GP (SDM vol. 3A, 4.10.1, 2.5).
 */
void
x86_lcr4(x86_reg_t v)
{
	x86_reg_t changed = v ^ x86_model.cr4;

	if ((changed & v & CR4_PCIDE) && (!(x86_model.efer & EFER_LMA) ||
	    (x86_model.cr3 & CR3_PCID_MASK) != 0))
		model_fatal("x86 model: setting CR4.PCIDE raises #GP (EFER %#llx, CR3 %#llx)",
		    (unsigned long long)x86_model.efer, (unsigned long long)x86_model.cr3);
	if ((changed & v & CR4_PCIDE) && !(x86_model.cpuid1_ecx & CPUID_1_ECX_PCID))
		model_fatal("x86 model: setting CR4.PCIDE raises #GP: no PCID in CPUID");
	if ((changed & CR4_LA57) && ((x86_model.efer & EFER_LMA) ||
	    ((v & CR4_LA57) && !(x86_model.cpuid7_ecx & CPUID_7_ECX_LA57))))
		model_fatal("x86 model: changing CR4.LA57 raises #GP (in long mode, or no LA57 "
		    "in CPUID)");
	if (changed & (CR4_PGE | CR4_PSE | CR4_PAE | CR4_PCIDE))
		model_tlb_flush(true);
	x86_model.cr4 = v;
	x86_model_pdpte_reload(0, changed);
}

/* This PCID's entries for va and global ones, of any PCID (SDM vol. 2A, INVLPG). */
void
x86_invlpg(uint64_t va)
{
	if (x86_model.cr4 & CR4_PCIDE)
		model_tlb_inval_va_tagged(va, x86_model_pcid());
	else
		model_tlb_inval_va(va);
}

/* SDM vol. 2A, INVPCID: #UD without the feature, #GP for a PCID without PCIDE. */
void
x86_invpcid(unsigned type, unsigned pcid, uint64_t va)
{
	if (!(x86_model.cpuid7_ebx & CPUID_7_EBX_INVPCID))
		model_fatal("x86 model: INVPCID raises #UD: not in CPUID");
	if (type > INVPCID_ALL || pcid > CR3_PCID_MASK || ((type == INVPCID_ADDR ||
	    type == INVPCID_CONTEXT) && pcid != 0 && !(x86_model.cr4 & CR4_PCIDE)))
		model_fatal("x86 model: INVPCID type %u PCID %u raises #GP", type, pcid);
	switch (type) {
	case INVPCID_ADDR:
		model_tlb_inval(va, false, (uint16_t)pcid, false);
		break;
	case INVPCID_CONTEXT:
		model_tlb_inval(0, true, (uint16_t)pcid, false);
		break;
	default:
		model_tlb_flush(type == INVPCID_ALL_GLOBAL);
	}
}

void
x86_cpuid(uint32_t leaf, uint32_t r[4])
{
	memset(r, 0, 4 * sizeof(uint32_t));
	if (leaf == 0) {
		r[0] = 7;
	} else if (leaf == 1) {
		r[2] = x86_model.cpuid1_ecx;
		r[3] = x86_model.cpuid1_edx;
	} else if (leaf == 7) {
		r[1] = x86_model.cpuid7_ebx;
		r[2] = x86_model.cpuid7_ecx;
	} else if (leaf == 0x80000000u) {
		r[0] = CPUID_EXT_ADDR;
	} else if (leaf == 0x80000001u) {
		r[3] = x86_model.cpuid_ext_edx;
	} else if (leaf == CPUID_EXT_ADDR) {
		r[0] = x86_model.maxphyaddr;
	}
}

uint64_t
x86_rdmsr(uint32_t msr)
{
	if (msr != MSR_EFER)
		model_fatal("x86 model: rdmsr of unmodelled MSR %#x", msr);
	return x86_model.efer;
}

/* EFER.NXE without NX in CPUID, or LME changing under paging, is a #GP on real CPUs. */
void
x86_wrmsr(uint32_t msr, uint64_t v)
{
	if (msr != MSR_EFER || ((v & EFER_NXE) && !(x86_model.cpuid_ext_edx & CPUID_EXT_EDX_NX)) ||
	    (((v ^ x86_model.efer) & EFER_LME) && (x86_model.cr0 & CR0_PG)))
		model_fatal("x86 model: wrmsr %#x <- %#llx raises #GP", msr,
		    (unsigned long long)v);
	x86_model.efer = v;
}

/*
 * The modelled CPU's features: PSE, PGE, PAE, NX and a MAXPHYADDR of 36
 * (classic PAE).  PMAPKIT_MODEL_CPUID_EDX overrides leaf 1 EDX (e.g. to
 * model a CPU without PSE), PMAPKIT_MODEL_MAXPHYADDR the address width (32:
 * a CPU like QEMU's qemu32, where RAM above 4 GiB cannot be mapped).
 */
static void __attribute__((constructor))
x86_model_cpuid_env(void)
{
	const char *s = getenv("PMAPKIT_MODEL_CPUID_EDX");
	const char *w = getenv("PMAPKIT_MODEL_MAXPHYADDR");
	unsigned bits = w != NULL ? (unsigned)strtoul(w, NULL, 0) : 36;

	if (bits < 32 || bits > 52) {
		fprintf(stderr, "model: PMAPKIT_MODEL_MAXPHYADDR=%s: 32 .. 52\n", w);
		exit(2);
	}
	for (unsigned c = 0; c < PMAP_MAXCPUS; c++) {
		x86_models[c].cpuid1_edx = CPUID_1_EDX_PSE | CPUID_1_EDX_PGE | CPUID_1_EDX_PAE;
		x86_models[c].cpuid_ext_edx = CPUID_EXT_EDX_NX;
		x86_models[c].maxphyaddr = bits;
		if (s != NULL)
			x86_models[c].cpuid1_edx = (uint32_t)strtoul(s, NULL, 0);
	}
}

static struct x86_model_cpu x86_model_boot;	/* CPU 0 as the entry code leaves it */

/* The backend's model_boot has built the boot map and turned paging on: remember that state. */
void
x86_model_boot_done(void)
{
	x86_model_boot = x86_model;
}

/*
 * CPU `cpu` (the running one) starts as a kernel's trampoline leaves it: in
 * CPU 0's boot state (the boot map, the entry code's controls), its TLB empty.
 * pmap_cpu_init then moves it to the kernel pmap.
 */
void
model_cpu_start(void)
{
	x86_model = x86_model_boot;
	model_tlb_flush(true);
	x86_model_cr3_loaded();
}

int
model_tlb_audit(void (*print)(const char *, ...))
{
	if (!(x86_model.cr0 & CR0_PG))
		return 0;
	return model_tlb_check(x86_model_pcid(), x86_model_leaf, print);
}

uint32_t
x86_model_code(bool write, bool user, bool fetch)
{
	return (write ? PF_W : 0) | (user ? PF_U : 0) |
	    ((fetch && (x86_model.efer & EFER_NXE)) ? PF_I : 0);
}

bool
x86_model_fault(uint64_t va, uint32_t code, uint32_t *fault_code)
{
	x86_invlpg(va);
	*fault_code = code;
	return false;
}

/* Access rights of a cached or walked translation (SDM 4.6.1). */
bool
x86_model_allowed(const struct tlb_entry *e, bool write, bool user, bool fetch)
{
	if (user && !e->u)
		return false;
	if (write && !e->w && (user || (x86_model.cr0 & CR0_WP)))
		return false;
	if (fetch && !e->x)
		return false;
	return true;
}

bool
model_translate(vaddr_t va, enum pmap_model_access acc, bool user, uint64_t *pap,
    uint32_t *fault_code)
{
	bool write = (acc == PMAP_MODEL_WRITE), fetch = (acc == PMAP_MODEL_EXEC);
	struct tlb_entry e, *te;

	if (!(x86_model.cr0 & CR0_PG)) {
		*pap = va;
		return true;
	}
	/* Long mode: bits 63:47 (63:56 with LA57) all equal (SDM vol. 3A, 4.5), else #GP. */
	unsigned hole = (x86_model.cr4 & CR4_LA57) ? 7 : 16;
	if ((x86_model.efer & EFER_LMA) &&
	    (uint64_t)((int64_t)((uint64_t)va << hole) >> hole) != va)
		model_fatal("x86 model: access to non-canonical va %#llx raises #GP",
		    (unsigned long long)va);
	uint16_t pcid = x86_model_pcid();
	te = model_tlb_lookup(va, pcid);
	if (te != NULL && !x86_model_allowed(te, write, user, fetch))
		return x86_model_fault(va, x86_model_code(write, user, fetch) | PF_P, fault_code);
	if (te != NULL && write && !te->d) {
		x86_model_set_dirty(va, te);
		te->d = true;
	}
	if (te == NULL) {
		if (!x86_model_walk(va, write, user, fetch, &e, fault_code))
			return false;
		e.asid = pcid;
		model_tlb_insert(&e);
		te = model_tlb_lookup(va, pcid);
	}
	*pap = te->pa + (va & ((1ull << te->shift) - 1));
	return true;
}

void *
x86_kva(uint64_t va)
{
	uint64_t pa;
	uint32_t code;

	if (!model_translate(va, PMAP_MODEL_WRITE, false, &pa, &code))
		model_fatal("x86_kva: kernel access to va %#llx faults (error code %#x)",
		    (unsigned long long)va, code);
	return x86_model_phys(pa, 1);
}

/* The fetch bit is reported once EFER.NXE is on (SDM 4.7). */
void
model_fault_decode(uint32_t code, struct fault_info *f)
{
	X86_PF_DECODE(code, f, (x86_model.efer & EFER_NXE) != 0);
}

/* QEMU's pc machine (pc_piix.c): from 3.5 GiB of RAM on, 3 GiB below the PCI hole, the rest from 4 GiB. */
uint64_t
model_ram_layout(struct pmap_model_boot *bi, uint64_t mem)
{
	uint64_t low = mem >= 0xE0000000ull ? 3ull << 30 : mem;

	bi->nregions = 2;
	bi->regions[0] = (struct pmap_model_region){ 0, 0x9F000 };
	bi->regions[1] = (struct pmap_model_region){ 0x100000, low - 0x100000 };
	if (low == mem)
		return mem;
	bi->regions[bi->nregions++] = (struct pmap_model_region){ 4ull << 30, mem - low };
	return (4ull << 30) + (mem - low);
}

/* No SMAP in this model (nor in the guest): the kernel always reaches user pages. */
bool
model_kernel_user_access(bool allow)
{
	(void)allow;
	return false;
}
