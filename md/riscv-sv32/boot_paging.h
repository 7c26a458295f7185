/*
 * riscv-sv32's part of the RISC-V platform's boot (md/riscv/entry.S,
 * riscv_guest.h): the boot map's paging format and tables and the satp
 * mode, so that the platform names no backend.  Sv32 (privileged spec
 * 4.3): 4-byte entries, PPN = pa >> 12 at bit 10 (so an entry holds pa >>
 * 2), a root entry maps a 4 MiB megapage (PPN[0] zero) or points at a
 * table of 4 KiB pages; a leaf has R, W or X, a pointer V alone (D, A, U
 * are reserved there).
 *
 * The boot map: root (rv_boot_root) entries KERNBASE >> 22 onwards, 16
 * megapages V|R|W|X|G|A|D mapping [KERNBASE, + 64 MiB) to [RAM_BASE, + 64
 * MiB), supervisor only -- except the megapage holding the boot stack's
 * guard page, which points at rv_boot_l0, 1024 4 KiB pages of the same
 * kind with the guard page's entry left 0 (a boot-stack overflow then
 * faults).  satp mode 1 (Sv32): every rv32 hart with S-mode has it, so the
 * platform's read-back check never refuses one on QEMU.
 */
#ifndef MD_RISCV_SV32_BOOT_PAGING_H
#define MD_RISCV_SV32_BOOT_PAGING_H

#define RV_BOOT_SATP_MODE	0x80000000	/* satp.MODE = 1, Sv32 (bit 31) */

/*
 * QEMU 7.2's sv32 walk keeps only the low 32 bits of a leaf's 34-bit
 * physical address (measured: a store through a user mapping of a page at
 * 4 GiB takes a store access fault, the pa it reaches being the truncated
 * one), so virt's RAM at and above 4 GiB, there with more than 2 GiB,
 * cannot be used: md/riscv/boot.c drops it, saying why (the host model
 * keeps 34 bits).
 */
#define RV_BOOT_PA_END		0x100000000ull
#define RV_BOOT_PA_END_WHY	"QEMU's sv32 truncates physical addresses to 32 bits"

/* Sv32 entry bits for the boot map (privileged spec 4.3.1, figure 4.18). */
#define SV32_BOOT_PTE_V		0x001
#define SV32_BOOT_PTE_R		0x002
#define SV32_BOOT_PTE_W		0x004
#define SV32_BOOT_PTE_X		0x008
#define SV32_BOOT_PTE_G		0x020
#define SV32_BOOT_PTE_A		0x040
#define SV32_BOOT_PTE_D		0x080
#define SV32_BOOT_PPN_SHIFT	10
#define SV32_BOOT_LEAF		(SV32_BOOT_PTE_V | SV32_BOOT_PTE_R | SV32_BOOT_PTE_W | \
				 SV32_BOOT_PTE_X | SV32_BOOT_PTE_G | SV32_BOOT_PTE_A | \
				 SV32_BOOT_PTE_D)
#define SV32_BOOT_MEGAPAGE_SHIFT 22

/* What the pmap writes (cpufunc.h), where both are seen (md/riscv/boot.c). */
#if !defined(__ASSEMBLER__) && defined(SATP_MODE_SV32)
_Static_assert(RV_BOOT_SATP_MODE == SATP_MODE_SV32,
    "boot_paging.h and cpufunc.h disagree on the satp mode");
#endif

#ifdef __ASSEMBLER__
/*
 * The boot map, in M-mode on physical addresses, its tables in the zeroed
 * .bss.  Uses t0-t5.
 */
	.macro	BOOT_MAP
	/* root[KERNBASE >> 22 + i] -> RAM_BASE + i * 4 MiB, 16 megapages. */
	LA_PA	t0, rv_boot_root
	li	t1, (RV_KERNBASE >> SV32_BOOT_MEGAPAGE_SHIFT) * 4
	add	t0, t0, t1
	li	t1, (RV_RAM_BASE >> 2) | SV32_BOOT_LEAF
	li	t2, RV_BOOTMAP_SIZE >> SV32_BOOT_MEGAPAGE_SHIFT
	li	t3, 1 << (SV32_BOOT_MEGAPAGE_SHIFT - 2)
1:	sw	t1, (t0)
	addi	t0, t0, 4
	add	t1, t1, t3
	addi	t2, t2, -1
	bnez	t2, 1b

	/* The guard page's megapage in 4 KiB pages, all but the guard. */
	LA_PA	t0, rv_boot_stack_guard
	srli	t1, t0, SV32_BOOT_MEGAPAGE_SHIFT
	slli	t1, t1, SV32_BOOT_MEGAPAGE_SHIFT
	LA_PA	t2, rv_boot_l0
	srli	t3, t1, 2
	ori	t3, t3, SV32_BOOT_LEAF
	li	t4, 1024
	mv	t5, t2
2:	sw	t3, (t5)
	addi	t5, t5, 4
	addi	t3, t3, 1 << SV32_BOOT_PPN_SHIFT
	addi	t4, t4, -1
	bnez	t4, 2b
	srli	t3, t0, 12
	andi	t3, t3, 1023
	slli	t3, t3, 2
	add	t3, t3, t2
	sw	zero, (t3)
	/* Its root slot: va = pa + RV_KOFF. */
	li	t3, RV_KOFF
	add	t3, t3, t1
	srli	t3, t3, SV32_BOOT_MEGAPAGE_SHIFT
	slli	t3, t3, 2
	LA_PA	t4, rv_boot_root
	add	t3, t3, t4
	srli	t5, t2, 2
	ori	t5, t5, SV32_BOOT_PTE_V
	sw	t5, (t3)
	.endm

/* The root and the guard page's table, in .bss (page aligned on entry). */
	.macro	BOOT_TABLES
	.globl	rv_boot_root, rv_boot_l0
rv_boot_root:
	.space	4096
rv_boot_l0:
	.space	4096
	.endm

/* The line a hart that refuses Sv32 gets (entry.S adds the satp values). */
	.macro	BOOT_MESSAGES
	.globl	rv_boot_mode_msg
rv_boot_mode_msg:
	.asciz	"pmapkit: this hart does not keep satp mode 1 (Sv32), which the riscv-sv32 backend needs"
	.endm
#endif /* __ASSEMBLER__ */

#endif /* MD_RISCV_SV32_BOOT_PAGING_H */
