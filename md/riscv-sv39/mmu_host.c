/*
 * Host model of a RISC-V hart's Sv39 MMU, or Sv48 with CONFIG_RISCV_SV48,
 * Sv57 with CONFIG_RISCV_SV57 (privileged spec 4.4, 4.5, 4.6): satp (mode,
 * a 16-bit ASID field, PPN) and the
 * walk with 1 GiB and 2 MiB leaves and 56-bit physical addresses; the
 * hart's sstatus, sfence.vma, access rules and translation through the
 * strict ASID-tagged TLB are md/riscv/cpu_host.c's.
 *
 * Stricter than QEMU 7.2 where a real hart may be: a satp write flushes
 * nothing, translations stay until an sfence.vma removes them, and with
 * CONFIG_PMAP_SV39_SVADE the model faults on a clear A (or a clear D on a
 * store) as Svade hardware does.  A page fault, never a translation, for:
 * a non-canonical VA (bits 63 down to the mode's top one unequal), W
 * without R, a leaf's PPN misaligned for its level, reserved bits 54-63
 * (with Svpbmt, PBMT 0-2 allowed in a leaf; no Svnapot), a pointer at the
 * last level, a pointer with A, D or U set (reserved in non-leaf entries,
 * spec 4.4.1).  The hart keeps PMAPKIT_MODEL_ASIDLEN bits of satp.ASID
 * (default 16); Svpbmt and Svinval unless PMAPKIT_MODEL_SVPBMT=0,
 * PMAPKIT_MODEL_SVINVAL=0 (md/riscv/cpu_host.c).
 */
#include <stdlib.h>
#include <string.h>

#include <pmap/pmap.h>
#include "../riscv/rv_model.h"

#define X_V		0x001ull
#define X_R		0x002ull
#define X_W		0x004ull
#define X_X		0x008ull
#define X_U		0x010ull
#define X_G		0x020ull
#define X_A		0x040ull
#define X_D		0x080ull
#define X_RSVD		0xFFC0000000000000ull	/* bits 54-63 */
#define X_PBMT		0x6000000000000000ull	/* bits 61-62: Svpbmt's */
#define X_PBMT_RSVD	0x6000000000000000ull	/* PBMT = 3 is reserved */
#define X_PPN(e)	((((e) >> 10) & 0xFFFFFFFFFFFull) << 12)

#define S_MODE(s)	((s) >> 60)
#define S_ASID(s)	((uint16_t)(((s) >> 44) & 0xFFFF))
#define S_ROOT(s)	(((s) & 0xFFFFFFFFFFFull) << 12)
#define NL		PMAP_MD_NLEVELS		/* 3 Sv39, 4 Sv48, 5 Sv57 */
#define MODE		((uint64_t)NL + 5)	/* satp.MODE: 8, 9, 10 */
#define VA_BITS		(12 + 9 * NL)

#define BOOT_ROOT_PA	(PMAP_RAM_BASE + 0x00100000u)	/* the "image" keeps its boot map here, */
#define BOOT_TABLE_PA(i) (BOOT_ROOT_PA + 0x1000u * (i))	/* the tables below the root next */
#define BOOT_IMAGE_END	(PMAP_RAM_BASE + 0x00120000u)

#ifdef CONFIG_PMAP_SV39_SVADE
const bool rv_model_svade = true;
#else
const bool rv_model_svade = false;
#endif
#define svade		rv_model_svade
static uint64_t satps[PMAP_MAXCPUS];
static uint64_t asid_mask = 0xFFFF;		/* the ASID bits the harts keep (set at boot) */
#define satp		(satps[model_cpu])	/* the running CPU's */

unsigned long rv_read_satp(void) { return satp; }
bool rv_model_paging(void) { return S_MODE(satp) != 0; }
uint16_t rv_model_asid(void) { return S_ASID(satp); }

/* WARL: a mode other than Bare and the build's reads back as it was; ASID keeps asid_mask. */
void
rv_write_satp(unsigned long v)
{
	if (S_MODE(v) != 0 && S_MODE(v) != MODE)
		return;
	satp = v & ~((0xFFFFull & ~asid_mask) << 44);
}

static uint64_t *
phys64(uint64_t pa)
{
	if (pa + 8 > model_ram_size)
		model_fatal("sv39 model: walk reads pa %#llx beyond RAM", (unsigned long long)pa);
	return (uint64_t *)(model_ram + pa);
}

static bool
canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << (64 - VA_BITS)) >> (64 - VA_BITS)) == va;
}

/*
 * Bits a valid entry must keep clear: 54-63, but PBMT (61-62) in a leaf
 * when the hart has Svpbmt, and there not the reserved value 3 (Svpbmt:
 * PBMT in a pointer is reserved too).
 */
static bool
reserved(uint64_t pte, bool leaf)
{
	uint64_t rsvd = X_RSVD;

	if (rv_model_svpbmt && leaf) {
		rsvd &= ~X_PBMT;
		if ((pte & X_PBMT) == X_PBMT_RSVD)
			return true;
	}
	return (pte & rsvd) != 0;
}

/*
 * The walk (spec 4.3.2, with the mode's sizes) without side effects: the
 * leaf's address and value, its page shift; false where it faults.  Each
 * entry is read once (rv_model_pte_load), as other harts' pmaps may change
 * it meanwhile.
 */
static bool
walk_path(uint64_t va, uint64_t **epp, uint64_t *ptep, uint8_t *shiftp)
{
	uint64_t table = S_ROOT(satp);

	if (!canonical(va))
		return false;
	for (int i = NL - 1; i >= 0; i--) {
		uint8_t shift = (uint8_t)(12 + 9 * i);
		uint64_t *ep = phys64(table + ((va >> shift) & 511) * 8);
		uint64_t pte = rv_model_pte_load(ep);
		bool leaf = (pte & (X_R | X_X)) != 0;
		if (!(pte & X_V) || ((pte & X_W) && !(pte & X_R)) || reserved(pte, leaf))
			return false;
		if (leaf) {
			if (X_PPN(pte) & ((1ull << shift) - 1))
				return false;		/* misaligned superpage */
			*epp = ep;
			*ptep = pte;
			*shiftp = shift;
			return true;
		}
		if (i == 0 || (pte & (X_A | X_D | X_U)))
			return false;
		table = X_PPN(pte);
	}
	return false;
}

static void
entry_of(uint64_t va, uint64_t pte, uint8_t shift, struct tlb_entry *e)
{
	*e = (struct tlb_entry){ .va = va & ~((1ull << shift) - 1), .shift = shift,
	    .pa = X_PPN(pte), .r = (pte & X_R) != 0, .w = (pte & X_W) != 0,
	    .x = (pte & X_X) != 0, .u = (pte & X_U) != 0, .g = (pte & X_G) != 0,
	    .a = (pte & X_A) != 0, .d = (pte & X_D) != 0, .asid = S_ASID(satp) };
}

/*
 * Walk for an access: fill e, set or demand A/D.  A/D go in by
 * rv_model_pte_cas from the value the walk read; where another hart's pmap
 * changed the entry in between, the walk starts again from the root.
 */
bool
rv_model_walk(uint64_t va, enum pmap_model_access acc, bool user, struct tlb_entry *e)
{
	uint64_t *ep, pte, set;
	uint8_t shift;

	for (;;) {
		if (!walk_path(va, &ep, &pte, &shift))
			return false;
		entry_of(va, pte, shift, e);
		e->d = acc == PMAP_MODEL_WRITE;
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
	uint64_t *ep, pte;
	uint8_t shift;

	if (!walk_path(va, &ep, &pte, &shift))
		return 0;
	entry_of(va, pte, shift, w);
	return 1;
}

int
model_tlb_audit(void (*print)(const char *, ...))
{
	if (S_MODE(satp) == 0)
		return 0;
	return model_tlb_check(S_ASID(satp), leaf, print);
}

/*
 * The running CPU starts as a kernel's start-up code leaves a secondary
 * hart: on the boot map (ASID 0), sstatus.SUM set, its TLB empty.
 * pmap_cpu_init then moves it to the kernel pmap.
 */
void
model_cpu_start(void)
{
	satp = MODE << 60 | (BOOT_ROOT_PA >> 12);
	rv_sstatus = SSTATUS_SUM;
	model_tlb_inval(0, true, 0, true);
}

void
rv_model_set_dirty(uint64_t va, const struct tlb_entry *te)
{
	uint64_t *ep, pte;
	uint8_t shift;

	while (walk_path(va, &ep, &pte, &shift) && X_PPN(pte) == te->pa) {
		if ((pte & X_D) || rv_model_pte_cas(ep, &pte, pte | X_D))
			return;
		/* another hart's pmap changed the entry since: look again */
	}
}

/* QEMU virt: DRAM from RAM_BASE, contiguous; rv64 keeps every physical-address bit. */
uint64_t
model_ram_layout(struct pmap_model_boot *bi, uint64_t mem)
{
	bi->nregions = 1;
	bi->regions[0] = (struct pmap_model_region){ PMAP_RAM_BASE, mem };
	return PMAP_RAM_BASE + mem;
}

/*
 * What md/riscv's M-mode start leaves (md/riscv-sv39/boot_paging.h):
 * KERNBASE + [0, PMAP_BOOTMAP_SIZE) mapped to RAM_BASE + [0, that) by one
 * global gigapage (under root slot 511 with Sv48, and 511 again with Sv57), ASID 0,
 * sstatus.SUM set.  Plain stores: no other hart runs yet.
 */
void
model_boot(struct pmap_model_boot *bi)
{
	uint64_t *giga = phys64(BOOT_ROOT_PA);
	const char *bits = getenv("PMAPKIT_MODEL_ASIDLEN");

	_Static_assert(PMAP_BOOTMAP_SIZE == (1ull << 30), "the boot map is one gigapage");
	if (bits != NULL) {
		unsigned long n = strtoul(bits, NULL, 0);
		if (n > 16)
			model_fatal("sv39 model: PMAPKIT_MODEL_ASIDLEN=%s: 0 .. 16", bits);
		asid_mask = (1ull << n) - 1;
	}
	memset(giga, 0, PAGE_SIZE);
	for (int i = 1; i <= NL - 3; i++) {	/* Sv48, Sv57: a table a level down at KERNBASE */
		unsigned shift = 12 + 9 * (unsigned)(NL - i);
		giga[(KERNBASE >> shift) & 511] = ((uint64_t)BOOT_TABLE_PA(i) >> 12) << 10 | X_V;
		giga = phys64(BOOT_TABLE_PA(i));
		memset(giga, 0, PAGE_SIZE);
	}
	giga[(KERNBASE >> 30) & 511] = ((uint64_t)PMAP_RAM_BASE >> 12) << 10 |
	    X_V | X_R | X_W | X_X | X_G | X_A | X_D;
	satp = MODE << 60 | (BOOT_ROOT_PA >> 12);
	rv_sstatus = SSTATUS_SUM;
	rv_model_extensions(bi);
	bi->kernel_end_pa = BOOT_IMAGE_END;
	bi->text_start_pa = BOOT_ROOT_PA - 0x10000;	/* a stand-in text range */
	bi->text_end_pa = BOOT_ROOT_PA;
	bi->platform = svade ? "host-model-sv39-svade" : NL == 5 ? "host-model-sv57" : NL == 4 ?
	    "host-model-sv48" : "host-model-sv39";
}
