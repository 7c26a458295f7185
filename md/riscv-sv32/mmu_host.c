/*
 * Host model of a RISC-V hart's sv32 MMU (privileged spec, 4.3): satp,
 * sstatus.SUM/MXR, sfence.vma, the 2-level walk with 4 MiB megapages and
 * 34-bit physical addresses, over the strict TLB of tests/host/tlb.c with
 * ASID tags.
 *
 * Stricter than QEMU 7.2, which sets A/D itself, flushes its whole TLB on
 * every satp write and truncates physical addresses to 32 bits: here a satp
 * write flushes nothing (entries are ASID-tagged), translations stay until
 * an sfence.vma removes them, physical addresses keep all 34 bits, and with
 * CONFIG_PMAP_SV32_SVADE the model faults on a clear A (or a clear D on a
 * store) as Svade hardware does.  W without R, a non-leaf at the last level
 * and a misaligned megapage fault (spec 4.3.2).
 */
#include <string.h>

#include <pmap/pmap.h>
#include <cpufunc.h>
#include "kern.h"		/* struct fault_info, for model_fault_decode */
#include "host/model.h"
#include "host/tlb.h"

#define X_V		0x001u
#define X_R		0x002u
#define X_W		0x004u
#define X_X		0x008u
#define X_U		0x010u
#define X_G		0x020u
#define X_A		0x040u
#define X_D		0x080u
#define X_PPN(e)	((uint64_t)((e) >> 10) << 12)

#define BOOT_ROOT_PA	(PMAP_RAM_BASE + 0x00100000u)	/* the "image" keeps its boot map here */
#define BOOT_IMAGE_END	(PMAP_RAM_BASE + 0x00120000u)
#define HIGH_RAM_BASE	0x300000000ull			/* host only: RAM with bits 32-33 set */
#define HIGH_RAM_SIZE	0x01000000ull

#ifdef CONFIG_PMAP_SV32_SVADE
static const bool svade = true;
#else
static const bool svade = false;
#endif
static uint32_t satps[PMAP_MAXCPUS], sstatuses[PMAP_MAXCPUS] = { SSTATUS_SUM };
#define satp		(satps[model_cpu])	/* the running CPU's */
#define sstatus		(sstatuses[model_cpu])

unsigned long rv_read_satp(void) { return satp; }
void rv_write_satp(unsigned long v) { satp = (uint32_t)v; }
unsigned long rv_read_sstatus(void) { return sstatus; }
void rv_write_sstatus(unsigned long v) { sstatus = (uint32_t)v; }

void
rv_sfence_vma(unsigned long va, unsigned long asid, int all_va, int all_asid)
{
	model_tlb_inval(va, all_va, (uint16_t)asid, all_asid);
}

static uint16_t
cur_asid(void)
{
	return (satp >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
}

static uint32_t *
phys32(uint64_t pa)
{
	if (pa + 4 > model_ram_size)
		model_fatal("sv32 model: walk reads pa %#llx beyond RAM", (unsigned long long)pa);
	return (uint32_t *)(model_ram + pa);
}

static uint32_t
cause(enum pmap_model_access acc)
{
	return acc == PMAP_MODEL_EXEC ? SCAUSE_FETCH_PAGE_FAULT : acc == PMAP_MODEL_WRITE ?
	    SCAUSE_STORE_PAGE_FAULT : SCAUSE_LOAD_PAGE_FAULT;
}

/* Access rights (spec 4.3.1): U pages from S-mode only with SUM and never for fetch. */
static bool
allowed(const struct tlb_entry *e, enum pmap_model_access acc, bool user)
{
	if (user ? !e->u : (e->u && (acc == PMAP_MODEL_EXEC || !(sstatus & SSTATUS_SUM))))
		return false;
	if (acc == PMAP_MODEL_EXEC)
		return e->x;
	if (acc == PMAP_MODEL_WRITE)
		return e->w;
	return e->r || (e->x && (sstatus & SSTATUS_MXR));
}

/* Walk (spec 4.3.2); fill e, set or demand A/D. */
static bool
walk(uint32_t va, enum pmap_model_access acc, bool user, struct tlb_entry *e)
{
	uint32_t *ep = phys32(((uint64_t)(satp & SATP_PPN_MASK) << 12) + (va >> 22) * 4), pte = *ep;
	uint8_t shift = 22;

	if (!(pte & X_V) || ((pte & X_W) && !(pte & X_R)))
		return false;
	if (!(pte & (X_R | X_X))) {
		ep = phys32(X_PPN(pte) + ((va >> 12) & 0x3FF) * 4);
		pte = *ep;
		shift = 12;
		if (!(pte & X_V) || ((pte & X_W) && !(pte & X_R)) || !(pte & (X_R | X_X)))
			return false;
	} else if ((pte >> 10) & 0x3FF) {
		return false;			/* misaligned megapage */
	}
	*e = (struct tlb_entry){ .va = va & ~((1u << shift) - 1), .shift = shift,
	    .pa = X_PPN(pte) & ~(((uint64_t)1 << shift) - 1), .r = (pte & X_R) != 0,
	    .w = (pte & X_W) != 0, .x = (pte & X_X) != 0, .u = (pte & X_U) != 0,
	    .g = (pte & X_G) != 0, .d = acc == PMAP_MODEL_WRITE, .asid = cur_asid() };
	if (!allowed(e, acc, user))
		return false;
	if (svade) {
		if (!(pte & X_A) || (acc == PMAP_MODEL_WRITE && !(pte & X_D)))
			return false;
		e->d = (pte & X_D) != 0;
		return true;
	}
	*ep = pte | X_A | (acc == PMAP_MODEL_WRITE ? X_D : 0);
	return true;
}

/* The walk without side effects (model_tlb_check's leaf). */
static int
leaf(uint64_t va, struct tlb_entry *w)
{
	uint32_t pte = *phys32(((uint64_t)(satp & SATP_PPN_MASK) << 12) + (va >> 22) * 4);
	uint8_t shift = 22;

	if (!(pte & X_V) || ((pte & X_W) && !(pte & X_R)))
		return 0;
	if (!(pte & (X_R | X_X))) {
		pte = *phys32(X_PPN(pte) + ((va >> 12) & 0x3FF) * 4);
		shift = 12;
		if (!(pte & X_V) || ((pte & X_W) && !(pte & X_R)) || !(pte & (X_R | X_X)))
			return 0;
	} else if ((pte >> 10) & 0x3FF) {
		return 0;
	}
	*w = (struct tlb_entry){ .va = va & ~((1u << shift) - 1), .shift = shift,
	    .pa = X_PPN(pte) & ~(((uint64_t)1 << shift) - 1), .r = (pte & X_R) != 0,
	    .w = (pte & X_W) != 0, .x = (pte & X_X) != 0, .u = (pte & X_U) != 0,
	    .g = (pte & X_G) != 0, .a = (pte & X_A) != 0, .d = (pte & X_D) != 0 };
	return 1;
}

int
model_tlb_audit(void (*print)(const char *, ...))
{
	if (!(satp & SATP_MODE_SV32))
		return 0;
	return model_tlb_check(cur_asid(), leaf, print);
}

/*
 * The running CPU starts as a kernel's start-up code leaves a secondary
 * hart: on the boot map (ASID 0), sstatus.SUM set, its TLB empty.
 * pmap_cpu_init then moves it to the kernel pmap.
 */
void
model_cpu_start(void)
{
	satp = SATP_MODE_SV32 | (BOOT_ROOT_PA >> 12);
	sstatus = SSTATUS_SUM;
	model_tlb_inval(0, true, 0, true);
}

/* Set D in the leaf that maps va, if it is present and still maps te's page. */
static void
set_dirty(uint32_t va, const struct tlb_entry *te)
{
	uint32_t *ep = phys32(((uint64_t)(satp & SATP_PPN_MASK) << 12) + (va >> 22) * 4);

	if ((*ep & X_V) && !(*ep & (X_R | X_X)))
		ep = phys32(X_PPN(*ep) + ((va >> 12) & 0x3FF) * 4);
	if ((*ep & X_V) && (X_PPN(*ep) & ~(((uint64_t)1 << te->shift) - 1)) == te->pa)
		*ep |= X_D;
}

bool
model_translate(vaddr_t va, enum pmap_model_access acc, bool user, uint64_t *pap,
    uint32_t *fault_code)
{
	struct tlb_entry e, *te;

	if (!(satp & SATP_MODE_SV32)) {
		*pap = va;
		return true;
	}
	te = model_tlb_lookup(va, cur_asid());
	if (te != NULL && !allowed(te, acc, user))
		goto fault;
	if (te != NULL && acc == PMAP_MODEL_WRITE && !te->d) {
		if (svade)
			goto fault;		/* D must be set by software first */
		set_dirty(va, te);		/* hardware: set D, trusting the entry */
		te->d = true;
	}
	if (te == NULL) {
		if (!walk(va, acc, user, &e))
			goto fault;
		model_tlb_insert(&e);
		te = model_tlb_lookup(va, cur_asid());
	}
	*pap = te->pa + (va & ((1u << te->shift) - 1));
	return true;
fault:
	*fault_code = cause(acc);
	return false;
}

void *
rv_kva(unsigned long va)
{
	uint64_t pa;
	uint32_t code;

	if (!model_translate(va, PMAP_MODEL_WRITE, false, &pa, &code))
		model_fatal("rv_kva: kernel access to va %#lx faults (scause %u)", va, code);
	if (pa >= model_ram_size)
		model_fatal("rv_kva: va %#lx maps pa %#llx beyond RAM", va, (unsigned long long)pa);
	return model_ram + pa;
}

void
model_fault_decode(uint32_t code, struct fault_info *f)
{
	RV_FAULT_DECODE(code, f);
}

/* QEMU virt: DRAM from RAM_BASE; on the host a second region above 4 GiB tests 34-bit pas. */
uint64_t
model_ram_layout(struct pmap_model_boot *bi, uint64_t mem)
{
	bi->nregions = 2;
	bi->regions[0] = (struct pmap_model_region){ PMAP_RAM_BASE, mem };
	bi->regions[1] = (struct pmap_model_region){ HIGH_RAM_BASE, HIGH_RAM_SIZE };
	return HIGH_RAM_BASE + HIGH_RAM_SIZE;
}

/*
 * What md/riscv's M-mode start leaves: KERNBASE + [0, PMAP_BOOTMAP_SIZE)
 * mapped to RAM_BASE + [0, PMAP_BOOTMAP_SIZE) with global megapages, ASID 0,
 * sstatus.SUM set.
 */
void
model_boot(struct pmap_model_boot *bi)
{
	uint32_t *root = phys32(BOOT_ROOT_PA);

	memset(root, 0, PAGE_SIZE);
	for (uint32_t i = 0; i < PMAP_BOOTMAP_SIZE >> 22; i++)
		root[(KERNBASE >> 22) + i] = ((uint32_t)((PMAP_RAM_BASE + (i << 22)) >> 12) << 10) |
		    X_V | X_R | X_W | X_X | X_G | X_A | X_D;
	satp = SATP_MODE_SV32 | (BOOT_ROOT_PA >> 12);
	sstatus = SSTATUS_SUM;
	bi->kernel_end_pa = BOOT_IMAGE_END;
	bi->text_start_pa = BOOT_ROOT_PA - 0x10000;	/* a stand-in text range */
	bi->text_end_pa = BOOT_ROOT_PA;
	bi->platform = svade ? "host-model-sv32-svade" : "host-model-sv32";
}

bool
model_kernel_user_access(bool allow)
{
	sstatus = allow ? (sstatus | SSTATUS_SUM) : (sstatus & ~SSTATUS_SUM);
	return true;
}
