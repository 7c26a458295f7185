/*
 * TODO(port): what the guest platform's boot needs of this backend's
 * paging mode (docs/PORTING.md step 6, "What a backend gives its
 * platform"): the boot map's format and tables, and the mode the boot
 * turns on.  The platform includes this (md/riscv/riscv_guest.h, so its
 * entry code and C), never the library; it names no backend itself.
 *
 * The skeleton sits on md/riscv (rv32), so this is the contract of
 * md/riscv/riscv_guest.h ("What md/<backend>/boot_paging.h provides") with
 * PLACEHOLDER values: an Sv32 boot map of 4 MiB megapages, as
 * md/riscv-sv32/boot_paging.h builds (without its guard page), so that a
 * copy boots to its first panic.  Replace them with your mode's (Sv39/Sv48:
 * md/riscv-sv39/boot_paging.h).  On md/x86 the names differ
 * (md/x86/x86_guest.h: X86_BOOT_PTE_SIZE, BOOT_ROOT, BOOT_CPU_CHECKS, ...,
 * md/i386/boot_paging.h, md/amd64/boot_paging.h) and the AP trampoline's
 * root comes from a boot_guest.c.
 */
#ifndef MD_TEMPLATE_BOOT_PAGING_H
#define MD_TEMPLATE_BOOT_PAGING_H

/*
 * satp.MODE in place: the boot writes it with the boot map's root, reads
 * it back and refuses a hart that did not keep it.  TODO
 */
#define RV_BOOT_SATP_MODE	0x80000000	/* Sv32 */

/*
 * Optional: RAM at and above this physical address cannot be used in this
 * mode on QEMU (md/riscv/boot.c drops it with this reason).  TODO
 */
#define RV_BOOT_PA_END		0x100000000ull
#define RV_BOOT_PA_END_WHY	"QEMU's sv32 truncates physical addresses to 32 bits"

#define TMPL_BOOT_LEAF		0xEF	/* V|R|W|X|G|A|D; TODO: your entry bits */
#define TMPL_BOOT_LARGE_SHIFT	22	/* a root entry maps 4 MiB; TODO */

#ifdef __ASSEMBLER__
/*
 * Fill the boot map ([KERNBASE, + RV_BOOTMAP_SIZE) -> [RAM_BASE, ...),
 * supervisor, global, A and D set) in M-mode on physical addresses (LA_PA),
 * its tables in the zeroed .bss; may use t0-t6.  TODO
 */
	.macro	BOOT_MAP
	LA_PA	t0, rv_boot_root
	li	t1, (RV_KERNBASE >> TMPL_BOOT_LARGE_SHIFT) * 4
	add	t0, t0, t1
	li	t1, (RV_RAM_BASE >> 2) | TMPL_BOOT_LEAF
	li	t2, RV_BOOTMAP_SIZE >> TMPL_BOOT_LARGE_SHIFT
	li	t3, 1 << (TMPL_BOOT_LARGE_SHIFT - 2)
1:	sw	t1, (t0)
	addi	t0, t0, 4
	add	t1, t1, t3
	addi	t2, t2, -1
	bnez	t2, 1b
	.endm

/* The tables, in .bss, page aligned on entry; the root is rv_boot_root.  TODO */
	.macro	BOOT_TABLES
	.globl	rv_boot_root
rv_boot_root:
	.space	4096
	.endm

/* rv_boot_mode_msg: the line a hart without the mode gets.  TODO */
	.macro	BOOT_MESSAGES
	.globl	rv_boot_mode_msg
rv_boot_mode_msg:
	.asciz	"pmapkit: this hart does not keep satp mode 1 (Sv32), which the template backend needs"
	.endm
#endif /* __ASSEMBLER__ */

#endif /* MD_TEMPLATE_BOOT_PAGING_H */
