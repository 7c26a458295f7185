/*
 * riscv-sv39's part of the RISC-V platform's boot (md/riscv/entry.S,
 * riscv_guest.h): the boot map's paging format and tables and the satp
 * mode, so that the platform names no backend.  Sv39 (privileged spec
 * 4.4), Sv48 (4.5) with CONFIG_RISCV_SV48 or Sv57 (4.6) with
 * CONFIG_RISCV_SV57: 8-byte entries, PPN = pa >> 12 at bit 10 (so an entry
 * holds pa >> 2), 512 entries a table; a level-1 entry (Sv39's root, Sv48's
 * second level, Sv57's third) maps a 1 GiB gigapage (PPN[1] and PPN[0]
 * zero) or points at the next table; a leaf has R, W or X, a pointer V
 * alone (D, A, U are reserved there).
 *
 * The boot map, [KERNBASE, + 1 GiB) -> [RAM_BASE, + 1 GiB), one gigapage
 * V|R|W|X|G|A|D, supervisor only:
 *   Sv39: rv_boot_root[256] ((KERNBASE >> 30) & 511) is the gigapage;
 *   Sv48: rv_boot_root[511] ((KERNBASE >> 39) & 511) points at rv_boot_l1,
 *         whose entry 256 ((KERNBASE >> 30) & 511) is the gigapage;
 *   Sv57: rv_boot_root[511] ((KERNBASE >> 48) & 511) points at rv_boot_l2,
 *         whose entry 511 points at rv_boot_l1, as under Sv48.
 * RAM_BASE (0x80000000) is 1 GiB aligned, as a gigapage must be.  The boot
 * stack's guard page is mapped (a 1 GiB leaf cannot leave one page out):
 * on rv64 a boot-stack overflow before pmap_bootstrap is caught only by the
 * trap entry's sp check, not by a fault.  No identity map: M-mode runs
 * untranslated and mrets straight to KERNBASE.
 *
 * satp.MODE (bits 63:60) is 8 for Sv39, 9 for Sv48, 10 for Sv57.  The platform writes
 * it and reads it back: a hart that lacks the mode keeps its old satp
 * (WARL, spec 4.1.11), and the boot is refused with a line naming the mode
 * and KERN_EXIT_NOCPU.  QEMU 7.2's rv64 harts have all three modes; -cpu
 * rv64,mmu=off has none (md/riscv/matrix64).  The backend's bootstrap
 * then writes the same mode (it assumes the one its Kconfig chose).
 * Secondary harts load the kernel pmap's satp (pmap_paging) directly.
 */
#ifndef MD_RISCV_SV39_BOOT_PAGING_H
#define MD_RISCV_SV39_BOOT_PAGING_H

#if defined(CONFIG_RISCV_SV57)
#define RV_BOOT_SATP_MODE	0xA000000000000000	/* satp.MODE = 10, Sv57 */
#elif defined(CONFIG_RISCV_SV48)
#define RV_BOOT_SATP_MODE	0x9000000000000000	/* satp.MODE = 9, Sv48 */
#else
#define RV_BOOT_SATP_MODE	0x8000000000000000	/* satp.MODE = 8, Sv39 */
#endif

/* Sv39/Sv48 entry bits for the boot map (privileged spec 4.4.1, figure 4.21). */
#define SV39_BOOT_PTE_V		0x001
#define SV39_BOOT_PTE_R		0x002
#define SV39_BOOT_PTE_W		0x004
#define SV39_BOOT_PTE_X		0x008
#define SV39_BOOT_PTE_G		0x020
#define SV39_BOOT_PTE_A		0x040
#define SV39_BOOT_PTE_D		0x080
#define SV39_BOOT_LEAF		(SV39_BOOT_PTE_V | SV39_BOOT_PTE_R | SV39_BOOT_PTE_W | \
				 SV39_BOOT_PTE_X | SV39_BOOT_PTE_G | SV39_BOOT_PTE_A | \
				 SV39_BOOT_PTE_D)
#define SV39_BOOT_GIGA_SHIFT	30	/* a level-1 entry maps 1 GiB */
#define SV39_BOOT_L2_SHIFT	39	/* an Sv48 root entry maps 512 GiB */
#define SV39_BOOT_L3_SHIFT	48	/* an Sv57 root entry maps 256 TiB */
#define SV39_BOOT_KERN_L1E	256	/* (RV_KERNBASE >> 30) & 511 */
#define SV39_BOOT_KERN_L2E	511	/* (RV_KERNBASE >> 39) & 511, Sv48's root */
#define SV39_BOOT_KERN_L3E	511	/* (RV_KERNBASE >> 48) & 511, Sv57's root */

#ifndef __ASSEMBLER__
_Static_assert(((RV_KERNBASE >> SV39_BOOT_GIGA_SHIFT) & 511) == SV39_BOOT_KERN_L1E,
    "boot_paging.h: KERNBASE's level-1 slot");
_Static_assert(((RV_KERNBASE >> SV39_BOOT_L2_SHIFT) & 511) == SV39_BOOT_KERN_L2E,
    "boot_paging.h: KERNBASE's Sv48 root slot");
_Static_assert(((RV_KERNBASE >> SV39_BOOT_L3_SHIFT) & 511) == SV39_BOOT_KERN_L3E,
    "boot_paging.h: KERNBASE's Sv57 root slot");
_Static_assert(RV_BOOTMAP_SIZE == 1ul << SV39_BOOT_GIGA_SHIFT &&
    (RV_RAM_BASE & ((1ul << SV39_BOOT_GIGA_SHIFT) - 1)) == 0,
    "boot_paging.h: the boot map is one aligned gigapage");
#endif

#ifdef __ASSEMBLER__
/*
 * The boot map, in M-mode on physical addresses, its tables in the zeroed
 * .bss.  Uses t0-t2.
 */
	.macro	BOOT_MAP
	/* The gigapage: PPN = RAM_BASE >> 12 at bit 10. */
	li	t1, (RV_RAM_BASE >> 2) | SV39_BOOT_LEAF
#if defined(CONFIG_RISCV_SV48) || defined(CONFIG_RISCV_SV57)
	LA_PA	t0, rv_boot_l1
	li	t2, SV39_BOOT_KERN_L1E * 8
	add	t2, t2, t0
	sd	t1, (t2)
	/* The next level's entry for KERNBASE points at it. */
	srli	t1, t0, 2
	ori	t1, t1, SV39_BOOT_PTE_V
#ifdef CONFIG_RISCV_SV57
	LA_PA	t0, rv_boot_l2
	li	t2, SV39_BOOT_KERN_L2E * 8
	add	t2, t2, t0
	sd	t1, (t2)
	srli	t1, t0, 2
	ori	t1, t1, SV39_BOOT_PTE_V
	LA_PA	t0, rv_boot_root
	li	t2, SV39_BOOT_KERN_L3E * 8
#else
	LA_PA	t0, rv_boot_root
	li	t2, SV39_BOOT_KERN_L2E * 8
#endif
	add	t2, t2, t0
	sd	t1, (t2)
#else
	LA_PA	t0, rv_boot_root
	li	t2, SV39_BOOT_KERN_L1E * 8
	add	t2, t2, t0
	sd	t1, (t2)
#endif
	.endm

/* The root (and Sv48's second level, Sv57's second and third), in .bss (page aligned on entry). */
	.macro	BOOT_TABLES
	.globl	rv_boot_root
rv_boot_root:
	.space	4096
#if defined(CONFIG_RISCV_SV48) || defined(CONFIG_RISCV_SV57)
	.globl	rv_boot_l1
rv_boot_l1:
	.space	4096
#endif
#ifdef CONFIG_RISCV_SV57
	.globl	rv_boot_l2
rv_boot_l2:
	.space	4096
#endif
	.endm

/* The line a hart that refuses the mode gets (entry.S adds the satp values). */
	.macro	BOOT_MESSAGES
	.globl	rv_boot_mode_msg
rv_boot_mode_msg:
#if defined(CONFIG_RISCV_SV57)
	.asciz	"pmapkit: this hart does not keep satp mode 10 (Sv57), which this build (CONFIG_RISCV_SV57) needs"
#elif defined(CONFIG_RISCV_SV48)
	.asciz	"pmapkit: this hart does not keep satp mode 9 (Sv48), which this build (CONFIG_RISCV_SV48) needs"
#else
	.asciz	"pmapkit: this hart does not keep satp mode 8 (Sv39), which the riscv-sv39 backend needs"
#endif
	.endm
#endif /* __ASSEMBLER__ */

#endif /* MD_RISCV_SV39_BOOT_PAGING_H */
