/*
 * M-mode entry and resident firmware for QEMU virt with -bios none, and
 * the S-mode entry into C.
 *
 * Machine state at _start (QEMU 7.2 hw/riscv/boot.c reset vector): every
 * hart runs at RV_RAM_BASE in M-mode, a0 = mhartid, a1 = physical address
 * of the flattened device tree, paging off (satp = 0), no PMP entry, no
 * delegation, mtvec undefined, mstatus.MIE clear.  Hart 0 boots; the others
 * park (rv_park) until smp.c releases them (riscv_guest.h, "Secondary
 * harts"), then set up their own M-mode and enter S-mode on the kernel
 * pmap (rv_entry_secondary).
 *
 * Hart 0, in M-mode on physical addresses (so high symbols go through
 * LA_PA): zero .bss, copy the DTB into it (QEMU puts the DTB near the end
 * of RAM, outside the 64 MiB boot map; kern/ would reuse that memory
 * anyway), build the boot map (riscv_guest.h), open all memory to S and U
 * through PMP (an S- or U-mode access that matches no PMP entry fails when
 * the hart implements any: privileged spec 3.7.1), delegate exceptions
 * and interrupts, load satp, and mret to rv_entry_s, a *virtual* address,
 * in S-mode with sstatus.SUM set.
 *
 * M-mode stays behind as a firmware on every hart, each on its own M-mode
 * stack (mscratch): rv_mtrap serves the RV_FW_* ecalls (riscv_guest.h),
 * turns the machine software interrupt (an IPI) into a supervisor one, and
 * reports anything else it catches on the UART before exiting with
 * KERN_EXIT_FAIL.
 */
#include "riscv_guest.h"

/* The physical address of a symbol linked high (KERNBASE + offset). */
	.macro	LA_PA reg, sym
	lui	\reg, %hi(\sym - RV_KOFF)
	addi	\reg, \reg, %lo(\sym - RV_KOFF)
	.endm

/* The link (virtual) address of a symbol, absolute. */
	.macro	LA_ABS reg, sym
	lui	\reg, %hi(\sym)
	addi	\reg, \reg, %lo(\sym)
	.endm

/* Offsets in the DTB header (devicetree spec 5.2) and rv_boot_fdt_info. */
#define FDT_MAGIC_LE		0xEDFE0DD0	/* 0xD00DFEED, big-endian, read by lw */
#define FI_PA			0
#define FI_MAGIC		4
#define FI_TOTALSIZE		8
#define FI_COPIED		12

	.section .boot.entry, "ax"
	.globl	_start
	.type	_start, @function
_start:
	csrr	t0, mhartid
	bnez	t0, rv_park
	mv	s0, a0
	mv	s1, a1

	/* Any trap from here on is reported by rv_mtrap on its own stack. */
	lla	t0, rv_mtrap
	csrw	mtvec, t0
	LA_PA	t0, rv_mstack_top
	csrw	mscratch, t0

	/*
	 * Zero .bss (boot tables, stacks, DTB copy).  QEMU's loader already
	 * zeroes p_memsz beyond p_filesz; another loader need not.
	 */
	LA_PA	t0, __bss_start
	LA_PA	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sw	zero, (t0)
	addi	t0, t0, 4
	j	1b
2:
	call	boot_copy_fdt
	call	boot_build_map
	call	m_hart_init

	/* S-mode's trap vector and CPU 0's trap record (vectors.S), virtual. */
	LA_ABS	t0, rv_trap_vector
	csrw	stvec, t0
	LA_ABS	t0, rv_trapcpus
	csrw	sscratch, t0

	/* The boot map, ASID 0 (privileged spec 4.1.11). */
	LA_PA	t0, rv_boot_root
	srli	t0, t0, 12
	li	t1, RV_SATP_SV32
	or	t0, t0, t1
	csrw	satp, t0
	sfence.vma zero, zero

	/*
	 * mret to S-mode (MPP = S) with interrupts off, MPRV/MXR clear and
	 * SUM set: the kernel's probes read user pages.
	 */
	li	a0, RV_MSTATUS_SUM
	call	m_set_mstatus_s
	LA_ABS	t0, rv_entry_s
	csrw	mepc, t0
	mv	a0, s0
	mv	a1, s1
	mret
	.size	_start, . - _start

/*
 * Harts other than 0, from _start.  Park: mie.MSIE alone, with mstatus.MIE
 * clear, lets an MSIP end wfi without a trap (privileged spec 3.3.3; wfi
 * may also end for no reason).  Look only at rv_release, in .data: .bss
 * and the boot map may not exist yet.  When rv_release names this hart,
 * take the struct rv_cpu_boot it points to (riscv_guest.h), physical, and
 * go to S-mode as it says.  A hart never named parks for good.
 */
	.type	rv_park, @function
rv_park:
	csrr	s0, mhartid
	li	t0, RV_MIP_MSIP
	csrw	mie, t0
	LA_PA	s2, rv_release
1:	wfi
	lw	t0, RL_HARTID(s2)
	bne	t0, s0, 1b
	fence	r, rw			/* rv_release before the record (smp.c) */
	lw	s1, RL_BOOT_PA(s2)

	/* The release IPI: cleared, or it would trap as soon as S-mode runs. */
	slli	t0, s0, 2
	li	t1, RV_CLINT_MSIP
	add	t0, t0, t1
	sw	zero, (t0)

	lla	t0, rv_mtrap
	csrw	mtvec, t0
	lw	t0, CB_MSTACK_PA(s1)
	csrw	mscratch, t0
	call	m_hart_init
	li	t0, RV_CPU_LEFT_PARK
	sw	t0, CB_STATE(s1)

	LA_ABS	t0, rv_trap_vector
	csrw	stvec, t0
	lw	t0, CB_TC(s1)
	csrw	sscratch, t0
	lw	t0, CB_SATP(s1)
	csrw	satp, t0
	sfence.vma zero, zero
	fence.i				/* code hart 0 may have stored (Zifencei) */

	lw	a0, CB_SSTATUS(s1)
	call	m_set_mstatus_s
	LA_ABS	t0, rv_entry_secondary
	csrw	mepc, t0
	lw	sp, CB_SP(s1)
	lw	a0, CB_CPU(s1)
	mret
	.size	rv_park, . - rv_park

	.section .boot, "ax"
/*
 * Every hart's M-mode set-up before its first mret (clobbers t0):
 * - PMP entry 0, NAPOT over the whole address space, R/W/X for S and U
 *   (PMP CSRs are per hart);
 * - traps to S-mode, except the firmware ecalls (RV_MEDELEG, RV_MIDELEG);
 * - mie.MSIE: the IPI (RV_FW_IPI) reaches M-mode whenever the hart runs S
 *   or U, whatever sstatus says; the supervisor interrupt it becomes is
 *   enabled by S-mode itself (sie.SSIE, smp.c);
 * - mcounteren.TM: S-mode reads `time' (smp.c's start-up timeout).
 */
	.type	m_hart_init, @function
m_hart_init:
	li	t0, -1
	csrw	pmpaddr0, t0
	li	t0, RV_PMPCFG_NAPOT | RV_PMPCFG_R | RV_PMPCFG_W | RV_PMPCFG_X
	csrw	pmpcfg0, t0
	li	t0, RV_MEDELEG
	csrw	medeleg, t0
	li	t0, RV_MIDELEG
	csrw	mideleg, t0
	li	t0, RV_MIP_MSIP
	csrw	mie, t0
	li	t0, RV_MCOUNTEREN_TM
	csrw	mcounteren, t0
	ret
	.size	m_hart_init, . - m_hart_init

/*
 * mstatus for the mret to S-mode: MPP = S, interrupts off (SIE, SPIE, MIE,
 * MPIE clear), MPRV, MXR, SUM and SPP clear, then the bits in a0 (SUM,
 * MXR) set.  Clobbers t0, t1.
 */
	.type	m_set_mstatus_s, @function
m_set_mstatus_s:
	csrr	t0, mstatus
	li	t1, RV_MSTATUS_MPP_MASK | RV_MSTATUS_MPRV | RV_MSTATUS_MXR | \
		    RV_MSTATUS_SUM | RV_MSTATUS_SIE | RV_MSTATUS_MIE | \
		    RV_MSTATUS_SPIE | RV_MSTATUS_MPIE | RV_MSTATUS_SPP
	not	t1, t1
	and	t0, t0, t1
	li	t1, RV_MSTATUS_MPP_S
	or	t0, t0, t1
	or	t0, t0, a0
	csrw	mstatus, t0
	ret
	.size	m_set_mstatus_s, . - m_set_mstatus_s

/*
 * Copy the DTB at s1 to rv_boot_fdt if its header is sane and it fits,
 * recording what was found in rv_boot_fdt_info for boot.c to judge.
 * Whole words: the DTB is 8-byte aligned (devicetree spec 5.1).
 */
	.type	boot_copy_fdt, @function
boot_copy_fdt:
	LA_PA	t2, rv_boot_fdt_info
	sw	s1, FI_PA(t2)
	beqz	s1, 9f
	andi	t0, s1, 7
	bnez	t0, 9f
	lw	t0, 0(s1)
	sw	t0, FI_MAGIC(t2)
	lw	t1, 4(s1)
	sw	t1, FI_TOTALSIZE(t2)
	li	t3, FDT_MAGIC_LE
	bne	t0, t3, 9f
	/* t4 = totalsize, byte-swapped (rv32ima has no rev8). */
	srli	t4, t1, 24
	srli	t5, t1, 8
	li	t6, 0xFF00
	and	t5, t5, t6
	or	t4, t4, t5
	slli	t5, t1, 8
	li	t6, 0xFF0000
	and	t5, t5, t6
	or	t4, t4, t5
	slli	t5, t1, 24
	or	t4, t4, t5
	li	t3, RV_FDT_MAX
	bgtu	t4, t3, 9f
	sw	t4, FI_COPIED(t2)
	LA_PA	t3, rv_boot_fdt
	add	t4, t4, s1
	mv	t5, s1
1:	bgeu	t5, t4, 9f
	lw	t6, (t5)
	sw	t6, (t3)
	addi	t5, t5, 4
	addi	t3, t3, 4
	j	1b
9:	ret
	.size	boot_copy_fdt, . - boot_copy_fdt

/*
 * The boot map (riscv_guest.h).  A sv32 PTE holds PPN = pa >> 12 at bit 10,
 * i.e. pa >> 2 (privileged spec 4.3.1); a megapage's PPN[0] is zero, as
 * RV_RAM_BASE + i * 4 MiB gives.  Non-leaf PTEs have only V (D, A, U are
 * reserved there).
 */
	.type	boot_build_map, @function
boot_build_map:
	/* root[KERNBASE >> 22 + i] -> RAM_BASE + i * 4 MiB, 16 megapages. */
	LA_PA	t0, rv_boot_root
	li	t1, (RV_KERNBASE >> RV_MEGAPAGE_SHIFT) * 4
	add	t0, t0, t1
	li	t1, (RV_RAM_BASE >> 2) | RV_BOOT_LEAF
	li	t2, RV_BOOTMAP_SIZE >> RV_MEGAPAGE_SHIFT
	li	t3, 1 << (RV_MEGAPAGE_SHIFT - 2)
1:	sw	t1, (t0)
	addi	t0, t0, 4
	add	t1, t1, t3
	addi	t2, t2, -1
	bnez	t2, 1b

	/* The guard page's megapage in 4 KiB pages, all but the guard. */
	LA_PA	t0, rv_boot_stack_guard
	srli	t1, t0, RV_MEGAPAGE_SHIFT
	slli	t1, t1, RV_MEGAPAGE_SHIFT
	LA_PA	t2, rv_boot_l0
	srli	t3, t1, 2
	ori	t3, t3, RV_BOOT_LEAF
	li	t4, 1024
	mv	t5, t2
2:	sw	t3, (t5)
	addi	t5, t5, 4
	addi	t3, t3, 1 << RV_PTE_PPN_SHIFT
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
	srli	t3, t3, RV_MEGAPAGE_SHIFT
	slli	t3, t3, 2
	LA_PA	t4, rv_boot_root
	add	t3, t3, t4
	srli	t5, t2, 2
	ori	t5, t5, RV_PTE_V
	sw	t5, (t3)
	ret
	.size	boot_build_map, . - boot_build_map

/*
 * M-mode trap handler: the firmware.  Entered from S-mode's ecall (mcause
 * 9, the only exception not delegated), on the machine software interrupt
 * (an IPI: taken only from S or U, as M-mode runs with MIE clear), or from
 * M-mode itself on a bug.  mscratch holds this hart's M-mode stack top
 * while S-mode runs.
 */
	.p2align 2
	.type	rv_mtrap, @function
rv_mtrap:
	csrrw	sp, mscratch, sp
	addi	sp, sp, -64
	sw	ra, 0(sp)
	sw	t0, 4(sp)
	sw	t1, 8(sp)
	sw	t2, 12(sp)
	sw	t3, 16(sp)
	sw	t4, 20(sp)
	sw	t5, 24(sp)
	sw	t6, 28(sp)
	sw	a1, 32(sp)
	sw	a2, 36(sp)
	csrr	t0, mcause
	li	t1, RV_MCAUSE_MSI
	beq	t0, t1, mtrap_msi
	li	t1, RV_MCAUSE_ECALL_S
	bne	t0, t1, mtrap_unexpected
	li	t1, RV_FW_CONSOLE_PUTC
	beq	a7, t1, mtrap_putc
	li	t1, RV_FW_IPI
	beq	a7, t1, mtrap_ipi
	li	t1, RV_FW_EXIT
	beq	a7, t1, m_exit
	j	mtrap_badcall

mtrap_putc:
	call	m_putc
	j	mtrap_ecall_done

/*
 * RV_FW_IPI: set hart a0's MSIP.  The fence orders the caller's stores
 * (the message the IPI announces) before the device write.
 */
mtrap_ipi:
	li	t0, RV_CLINT_NHARTS
	bgeu	a0, t0, mtrap_badipi
	slli	t0, a0, 2
	li	t1, RV_CLINT_MSIP
	add	t0, t0, t1
	li	t1, 1
	fence	rw, o
	sw	t1, (t0)
	/* fall through */

mtrap_ecall_done:
	li	a0, 0
	csrr	t0, mepc
	addi	t0, t0, 4
	csrw	mepc, t0
	/* fall through */

mtrap_return:
	lw	ra, 0(sp)
	lw	t0, 4(sp)
	lw	t1, 8(sp)
	lw	t2, 12(sp)
	lw	t3, 16(sp)
	lw	t4, 20(sp)
	lw	t5, 24(sp)
	lw	t6, 28(sp)
	lw	a1, 32(sp)
	lw	a2, 36(sp)
	addi	sp, sp, 64
	csrrw	sp, mscratch, sp
	mret

/*
 * The IPI, from S or U: clear this hart's MSIP first, then post the
 * supervisor software interrupt, so an IPI sent after the clear sets MSIP
 * again and is not lost; S-mode takes SSIP once sstatus.SIE (or U-mode)
 * allows it, or wakes from wfi on it (mip.SSIP & mie.SSIE).
 */
mtrap_msi:
	csrr	t0, mhartid
	slli	t0, t0, 2
	li	t1, RV_CLINT_MSIP
	add	t0, t0, t1
	sw	zero, (t0)
	fence	o, rw
	li	t0, RV_MIP_SSIP
	csrs	mip, t0
	j	mtrap_return

/*
 * The fatal paths share one M-mode stack of their own (the trap may have
 * come from M-mode, whose stack is then suspect): the first hart to get
 * here reports and ends the run; any other halts.
 */
	.macro	M_FATAL_ENTER
	LA_PA	t0, rv_mfatal_lock
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, m_halt
	LA_PA	sp, rv_mfatal_stack_top
	.endm

/* Not a firmware call: say what, on the fatal M-mode stack, and fail. */
mtrap_unexpected:
	M_FATAL_ENTER
	lla	a0, msg_unexpected
	call	m_puts
	csrr	a0, mcause
	call	m_puthex
	lla	a0, msg_mepc
	call	m_puts
	csrr	a0, mepc
	call	m_puthex
	lla	a0, msg_mtval
	call	m_puts
	csrr	a0, mtval
	call	m_puthex
	lla	a0, msg_mstatus
	call	m_puts
	csrr	a0, mstatus
	call	m_puthex
	lla	a0, msg_eol
	call	m_puts
	li	a0, RV_EXIT_FAIL
	j	m_exit

mtrap_badipi:
	mv	s2, a0
	M_FATAL_ENTER
	lla	a0, msg_badipi
	j	1f

mtrap_badcall:
	mv	s2, a7
	M_FATAL_ENTER
	lla	a0, msg_badcall
1:
	call	m_puts
	mv	a0, s2
	call	m_puthex
	lla	a0, msg_mepc
	call	m_puts
	csrr	a0, mepc
	call	m_puthex
	lla	a0, msg_eol
	call	m_puts
	li	a0, RV_EXIT_FAIL
	/* fall through */

/* End the run: QEMU exits with status a0 (sifive_test FAIL with a code). */
m_exit:
	li	t0, 0xFFFF
	and	a0, a0, t0
	slli	a0, a0, 16
	li	t0, RV_TEST_FAIL
	or	a0, a0, t0
	li	t0, RV_TEST_DEV
	sw	a0, (t0)
m_halt:
	csrw	mie, zero
1:	wfi
	j	1b
	.size	rv_mtrap, . - rv_mtrap

/*
 * The byte a0 to the UART, once it can take it (PC16550D: LSR.THRE).
 * QEMU's 16550 needs no set-up for output.  Clobbers t0, t1.
 */
	.type	m_putc, @function
m_putc:
	li	t0, RV_UART0
1:	lbu	t1, RV_UART_LSR(t0)
	andi	t1, t1, RV_UART_LSR_THRE
	beqz	t1, 1b
	sb	a0, RV_UART_THR(t0)
	ret
	.size	m_putc, . - m_putc

/* The NUL-terminated string at a0 (physical). */
	.type	m_puts, @function
m_puts:
	addi	sp, sp, -16
	sw	ra, 12(sp)
	sw	s3, 8(sp)
	mv	s3, a0
1:	lbu	a0, (s3)
	beqz	a0, 2f
	call	m_putc
	addi	s3, s3, 1
	j	1b
2:	lw	s3, 8(sp)
	lw	ra, 12(sp)
	addi	sp, sp, 16
	ret
	.size	m_puts, . - m_puts

/* a0 as 0x followed by 8 hex digits. */
	.type	m_puthex, @function
m_puthex:
	addi	sp, sp, -16
	sw	ra, 12(sp)
	sw	s3, 8(sp)
	sw	s4, 4(sp)
	mv	s3, a0
	li	a0, '0'
	call	m_putc
	li	a0, 'x'
	call	m_putc
	li	s4, 28
1:	srl	a0, s3, s4
	andi	a0, a0, 0xF
	lla	t0, hexdigits
	add	t0, t0, a0
	lbu	a0, (t0)
	call	m_putc
	addi	s4, s4, -4
	bgez	s4, 1b
	lw	s4, 4(sp)
	lw	s3, 8(sp)
	lw	ra, 12(sp)
	addi	sp, sp, 16
	ret
	.size	m_puthex, . - m_puthex

	.section .boot.rodata, "a"
hexdigits:
	.ascii	"0123456789abcdef"
msg_unexpected:
	.asciz	"\r\nrv_mtrap: unexpected trap in M-mode firmware: mcause "
msg_badcall:
	.asciz	"\r\nrv_mtrap: unknown firmware call a7 "
msg_badipi:
	.asciz	"\r\nrv_mtrap: IPI to a hart beyond the CLINT: hart "
msg_mepc:
	.asciz	" mepc "
msg_mtval:
	.asciz	" mtval "
msg_mstatus:
	.asciz	" mstatus "
msg_eol:
	.asciz	"\r\n"

/*
 * S-mode, on the boot map: stvec and sscratch are set; a0 = hartid, a1 =
 * DTB pa.  The boot stack, 16-byte aligned as the psABI asks, then C.
 */
	.text
	.globl	rv_entry_s
	.type	rv_entry_s, @function
rv_entry_s:
	lla	sp, rv_boot_stack_top
	mv	s0, zero
	mv	ra, zero
	call	rv_boot
1:	wfi
	j	1b
	.size	rv_entry_s, . - rv_entry_s

/*
 * S-mode entry of a released hart (rv_park): on the kernel pmap, its own
 * stack, stvec and sscratch set, interrupts off, a0 = its CPU number.
 */
	.globl	rv_entry_secondary
	.type	rv_entry_secondary, @function
rv_entry_secondary:
	mv	s0, zero
	mv	ra, zero
	call	rv_cpu_start
1:	wfi
	j	1b
	.size	rv_entry_secondary, . - rv_entry_secondary

/*
 * The release mailbox (riscv_guest.h): in .data, so parked harts may read
 * it before hart 0 has zeroed .bss.  The fatal-path lock likewise.
 */
	.data
	.p2align 2
	.globl	rv_release
	.type	rv_release, @object
rv_release:
	.word	0xFFFFFFFF			/* rl_hartid: none */
	.word	0				/* rl_boot_pa */
	.size	rv_release, . - rv_release
rv_mfatal_lock:
	.word	0

/*
 * Boot page tables, CPU 0's stacks (the other CPUs' are smp.c's) and the
 * DTB copy, in .bss (page aligned, zeroed above).  The guard page below
 * the boot stack is left unmapped by the boot map; the trap stack above it
 * is where vectors.S goes when a trap finds sp outside [rv_boot_stack +
 * TF_SIZE, rv_trap_stack_top].
 */
	.bss
	.p2align 12
	.globl	rv_boot_root, rv_boot_l0
rv_boot_root:
	.space	4096
rv_boot_l0:
	.space	4096
	.globl	rv_boot_stack_guard, rv_boot_stack, rv_boot_stack_top
rv_boot_stack_guard:
	.space	4096
rv_boot_stack:
	.space	RV_BOOT_STACK_SIZE
rv_boot_stack_top:
	.globl	rv_trap_stack, rv_trap_stack_top
rv_trap_stack:
	.space	RV_TRAP_STACK_SIZE
rv_trap_stack_top:
	.globl	rv_mstack, rv_mstack_top
rv_mstack:
	.space	RV_MSTACK_SIZE
rv_mstack_top:
rv_mfatal_stack:
	.space	RV_MFATAL_STACK_SIZE
rv_mfatal_stack_top:
	.p2align 3
	.globl	rv_boot_fdt, rv_boot_fdt_info
rv_boot_fdt_info:
	.space	16
rv_boot_fdt:
	.space	RV_FDT_MAX
