/*
 * Host model of a RISC-V hart's sv32 MMU (privileged spec, 4.3): satp and
 * the 2-level walk with 4 MiB megapages and 34-bit physical addresses; the
 * hart's sstatus, sfence.vma, access rules and translation through the
 * strict ASID-tagged TLB are md/riscv/cpu_host.c's.
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
#include "../riscv/rv_model.h"

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
const bool rv_model_svade = true;
#else
const bool rv_model_svade = false;
#endif
#define svade		rv_model_svade
static uint32_t satps[PMAP_MAXCPUS];
#define satp		(satps[model_cpu])	/* the running CPU's */

unsigned long rv_read_satp(void) { return satp; }
void rv_write_satp(unsigned long v) { satp = (uint32_t)v; }

uint16_t
rv_model_asid(void)
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

bool rv_model_paging(void) { return (satp & SATP_MODE_SV32) != 0; }

/*
 * Walk (spec 4.3.2); fill e, set or demand A/D.  Each entry is read once
 * (rv_model_pte_load); A/D go in by rv_model_pte_cas from the value read,
 * and where another hart's pmap changed the entry in between, the walk
 * starts again from the root.
 */
bool
rv_model_walk(uint64_t va, enum pmap_model_access acc, bool user, struct tlb_entry *e)
{
	for (;;) {
		uint32_t *ep = phys32(((uint64_t)(satp & SATP_PPN_MASK) << 12) + (va >> 22) * 4);
		uint32_t pte = rv_model_pte_load(ep), set;
		uint8_t shift = 22;

		if (!(pte & X_V) || ((pte & X_W) && !(pte & X_R)))
			return false;
		if (!(pte & (X_R | X_X))) {
			ep = phys32(X_PPN(pte) + ((va >> 12) & 0x3FF) * 4);
			pte = rv_model_pte_load(ep);
			shift = 12;
			if (!(pte & X_V) || ((pte & X_W) && !(pte & X_R)) || !(pte & (X_R | X_X)))
				return false;
		} else if ((pte >> 10) & 0x3FF) {
			return false;			/* misaligned megapage */
		}
		*e = (struct tlb_entry){ .va = va & ~((1u << shift) - 1), .shift = shift,
		    .pa = X_PPN(pte) & ~(((uint64_t)1 << shift) - 1), .r = (pte & X_R) != 0,
		    .w = (pte & X_W) != 0, .x = (pte & X_X) != 0, .u = (pte & X_U) != 0,
		    .g = (pte & X_G) != 0, .d = acc == PMAP_MODEL_WRITE, .asid = rv_model_asid() };
		if (!rv_model_allowed(e, acc, user))
			return false;
		if (svade) {
			if (!(pte & X_A) || (acc == PMAP_MODEL_WRITE && !(pte & X_D)))
				return false;
			e->d = (pte & X_D) != 0;
			return true;
		}
		set = pte | X_A | (acc == PMAP_MODEL_WRITE ? X_D : 0);
		if (set == pte || rv_model_pte_cas(ep, &pte, set))
			return true;		/* no store where A/D are set already */
	}
}

/* The walk without side effects (model_tlb_check's leaf). */
static int
leaf(uint64_t va, struct tlb_entry *w)
{
	uint32_t pte = rv_model_pte_load(phys32(((uint64_t)(satp & SATP_PPN_MASK) << 12) +
	    (va >> 22) * 4));
	uint8_t shift = 22;

	if (!(pte & X_V) || ((pte & X_W) && !(pte & X_R)))
		return 0;
	if (!(pte & (X_R | X_X))) {
		pte = rv_model_pte_load(phys32(X_PPN(pte) + ((va >> 12) & 0x3FF) * 4));
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
	return model_tlb_check(rv_model_asid(), leaf, print);
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
	rv_sstatus = SSTATUS_SUM;
	model_tlb_inval(0, true, 0, true);
}

void
rv_model_set_dirty(uint64_t va, const struct tlb_entry *te)
{
	for (;;) {
		uint32_t *ep = phys32(((uint64_t)(satp & SATP_PPN_MASK) << 12) + (va >> 22) * 4);
		uint32_t pte = rv_model_pte_load(ep);

		if ((pte & X_V) && !(pte & (X_R | X_X))) {
			ep = phys32(X_PPN(pte) + ((va >> 12) & 0x3FF) * 4);
			pte = rv_model_pte_load(ep);
		}
		if (!(pte & X_V) || (X_PPN(pte) & ~(((uint64_t)1 << te->shift) - 1)) != te->pa)
			return;
		if ((pte & X_D) || rv_model_pte_cas(ep, &pte, pte | X_D))
			return;
		/* another hart's pmap changed the entry since: look again */
	}
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
 * sstatus.SUM set.  Plain stores: no other hart runs yet.
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
	rv_sstatus = SSTATUS_SUM;
	rv_model_extensions(bi);
	bi->kernel_end_pa = BOOT_IMAGE_END;
	bi->text_start_pa = BOOT_ROOT_PA - 0x10000;	/* a stand-in text range */
	bi->text_end_pa = BOOT_ROOT_PA;
	bi->platform = svade ? "host-model-sv32-svade" : "host-model-sv32";
}
