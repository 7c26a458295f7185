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
 * of RAM, possibly outside the boot map; kern/ would reuse that memory
 * anyway), build the boot map (the backend's BOOT_MAP, riscv_guest.h),
 * open all memory to S and U through PMP (an S- or U-mode access that
 * matches no PMP entry fails when the hart implements any: privileged spec
 * 3.7.1), delegate exceptions and interrupts, load satp -- and read it back:
 * satp is WARL, and a hart without the backend's paging mode keeps its old
 * value (privileged spec 4.1.11), so the run ends there with a line naming
 * the mode and KERN_EXIT_NOCPU -- and mret to rv_entry_s, a *virtual*
 * address, in S-mode with sstatus.SUM set.
 *
 * The same code assembles for rv32 and rv64 (riscv_guest.h: REG_L, REG_S,
 * REGBYTES); addresses are built PC-relative or with li, never with lui
 * alone, which cannot reach rv64's high half.
 *
 * M-mode stays behind as a firmware on every hart, each on its own M-mode
 * stack (mscratch): rv_mtrap serves the RV_FW_* ecalls (riscv_guest.h),
 * turns the machine software interrupt (an IPI) into a supervisor one, and
 * reports anything else it catches on the UART before exiting with
 * KERN_EXIT_FAIL.
 */
#include "riscv_guest.h"

/*
 * The physical address of a symbol linked high (KERNBASE + offset), from
 * code running at its physical address (.boot): PC-relative, so it links
 * at any KERNBASE (lld wraps the addend; the distance is small).
 */
	.macro	LA_PA reg, sym
	lla	\reg, \sym - RV_KOFF
	.endm

/* The link (virtual) address of a symbol, from .boot; clobbers tmp. */
	.macro	LA_ABS reg, sym, tmp
	LA_PA	\reg, \sym
	li	\tmp, RV_KOFF
	add	\reg, \reg, \tmp
	.endm

/* The first word of a DTB (devicetree spec 5.2): 0xD00DFEED, big-endian, read by LWU. */
#define FDT_MAGIC_LE		0xEDFE0DD0

/*
 * The layout riscv_guest.h gives this ISA, for the linker script
 * (kernel.ld reads these absolute symbols, so the one script serves rv32
 * and rv64).
 */
	.globl	rv_link_kernbase, rv_link_ram_base, rv_link_bootmap_size
	.set	rv_link_kernbase, RV_KERNBASE
	.set	rv_link_ram_base, RV_RAM_BASE
	.set	rv_link_bootmap_size, RV_BOOTMAP_SIZE

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
#if __riscv_xlen == 64
	csrr	t0, RV_CSR_MENVCFG	/* what the hart kept (PBMTE), for rv_boot */
	LA_PA	t1, rv_boot_menvcfg
	sd	t0, (t1)
#endif

	/* S-mode's trap vector and CPU 0's trap record (vectors.S), virtual. */
	LA_ABS	t0, rv_trap_vector, t1
	csrw	stvec, t0
	LA_ABS	t0, rv_trapcpus, t1
	csrw	sscratch, t0

	/*
	 * The boot map, ASID 0, in the backend's mode (privileged spec
	 * 4.1.11).  satp is WARL: a hart that lacks the mode ignores the
	 * whole write, so read it back.
	 */
	LA_PA	t0, rv_boot_root
	srli	t0, t0, RV_PAGE_SHIFT
	li	t1, RV_BOOT_SATP_MODE
	or	t0, t0, t1
	csrw	satp, t0
	csrr	t1, satp
	bne	t0, t1, boot_refuse_mode
	sfence.vma zero, zero

	/*
	 * mret to S-mode (MPP = S) with interrupts off, MPRV/MXR clear and
	 * SUM set: the kernel's probes read user pages.
	 */
	li	a0, RV_MSTATUS_SUM
	call	m_set_mstatus_s
	LA_ABS	t0, rv_entry_s, t1
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
	REG_L	t0, RL_HARTID(s2)
	bne	t0, s0, 1b
	fence	r, rw			/* rv_release before the record (smp.c) */
	REG_L	s1, RL_BOOT_PA(s2)

	/* The release IPI: cleared, or it would trap as soon as S-mode runs. */
	slli	t0, s0, 2
	li	t1, RV_CLINT_MSIP
	add	t0, t0, t1
	sw	zero, (t0)

	lla	t0, rv_mtrap
	csrw	mtvec, t0
	REG_L	t0, CB_MSTACK_PA(s1)
	csrw	mscratch, t0
	call	m_hart_init
	li	t0, RV_CPU_LEFT_PARK
	REG_S	t0, CB_STATE(s1)

	LA_ABS	t0, rv_trap_vector, t1
	csrw	stvec, t0
	REG_L	t0, CB_TC(s1)
	csrw	sscratch, t0
	REG_L	t0, CB_SATP(s1)
	csrw	satp, t0
	sfence.vma zero, zero
	fence.i				/* code hart 0 may have stored (Zifencei) */

	REG_L	a0, CB_SSTATUS(s1)
	call	m_set_mstatus_s
	LA_ABS	t0, rv_entry_secondary, t1
	csrw	mepc, t0
	REG_L	sp, CB_SP(s1)
	REG_L	a0, CB_CPU(s1)
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
 * - mcounteren.TM: S-mode reads `time' (smp.c's start-up timeout);
 * - RV64: menvcfg.PBMTE, so that S-mode may use Svpbmt where the hart has
 *   it (WARL: stays clear where not; _start records hart 0's for rv_boot).
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
#if __riscv_xlen == 64
	li	t0, RV_MENVCFG_PBMTE
	csrs	RV_CSR_MENVCFG, t0	/* Svpbmt for S-mode, where the hart has it */
#endif
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
	REG_S	s1, FI_PA(t2)
	beqz	s1, 9f
	andi	t0, s1, 7
	bnez	t0, 9f
	LWU	t0, 0(s1)
	sw	t0, FI_MAGIC(t2)
	lw	t1, 4(s1)
	sw	t1, FI_TOTALSIZE(t2)
	li	t3, FDT_MAGIC_LE
	bne	t0, t3, 9f
	/* t4 = totalsize, big-endian, byte by byte (no rev8 in rv32ima/rv64ima). */
	lbu	t4, 4(s1)
	lbu	t5, 5(s1)
	slli	t4, t4, 8
	or	t4, t4, t5
	lbu	t5, 6(s1)
	slli	t4, t4, 8
	or	t4, t4, t5
	lbu	t5, 7(s1)
	slli	t4, t4, 8
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
 * The boot map (riscv_guest.h), in the backend's paging mode: its
 * boot_paging.h fills its tables, .bss and zeroed, on physical addresses.
 */
	.type	boot_build_map, @function
boot_build_map:
	BOOT_MAP
	ret
	.size	boot_build_map, . - boot_build_map

/*
 * M-mode trap handler: the firmware.  Entered from S-mode's ecall (mcause
 * 9, the only exception not delegated), on the machine software interrupt
 * (an IPI: taken only from S or U, as M-mode runs with MIE clear), or from
 * M-mode itself on a bug.  mscratch holds this hart's M-mode stack top
 * while S-mode runs.
 */
#define MTRAP_FRAME	(16 * REGBYTES)	/* ra, t0-t6, a1, a2; 16-byte aligned */

	.p2align 2
	.type	rv_mtrap, @function
rv_mtrap:
	csrrw	sp, mscratch, sp
	addi	sp, sp, -MTRAP_FRAME
	REG_S	ra, 0 * REGBYTES(sp)
	REG_S	t0, 1 * REGBYTES(sp)
	REG_S	t1, 2 * REGBYTES(sp)
	REG_S	t2, 3 * REGBYTES(sp)
	REG_S	t3, 4 * REGBYTES(sp)
	REG_S	t4, 5 * REGBYTES(sp)
	REG_S	t5, 6 * REGBYTES(sp)
	REG_S	t6, 7 * REGBYTES(sp)
	REG_S	a1, 8 * REGBYTES(sp)
	REG_S	a2, 9 * REGBYTES(sp)
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
	REG_L	ra, 0 * REGBYTES(sp)
	REG_L	t0, 1 * REGBYTES(sp)
	REG_L	t1, 2 * REGBYTES(sp)
	REG_L	t2, 3 * REGBYTES(sp)
	REG_L	t3, 4 * REGBYTES(sp)
	REG_L	t4, 5 * REGBYTES(sp)
	REG_L	t5, 6 * REGBYTES(sp)
	REG_L	t6, 7 * REGBYTES(sp)
	REG_L	a1, 8 * REGBYTES(sp)
	REG_L	a2, 9 * REGBYTES(sp)
	addi	sp, sp, MTRAP_FRAME
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

/*
 * The hart did not keep the satp entry.S wrote (t0; t1 what it read back):
 * it lacks the backend's paging mode.  Say so, naming the mode
 * (boot_paging.h's rv_boot_mode_msg) and both values, and end the run with
 * KERN_EXIT_NOCPU, on the fatal M-mode stack (no other is set yet).
 */
boot_refuse_mode:
	mv	s2, t0
	mv	s3, t1
	M_FATAL_ENTER
	lla	a0, rv_boot_mode_msg
	call	m_puts
	lla	a0, msg_satp_wrote
	call	m_puts
	mv	a0, s2
	call	m_puthex
	lla	a0, msg_satp_read
	call	m_puts
	mv	a0, s3
	call	m_puthex
	lla	a0, msg_eol
	call	m_puts
	li	a0, RV_EXIT_NOCPU
	j	m_exit

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
	addi	sp, sp, -4 * REGBYTES
	REG_S	ra, 3 * REGBYTES(sp)
	REG_S	s3, 2 * REGBYTES(sp)
	mv	s3, a0
1:	lbu	a0, (s3)
	beqz	a0, 2f
	call	m_putc
	addi	s3, s3, 1
	j	1b
2:	REG_L	s3, 2 * REGBYTES(sp)
	REG_L	ra, 3 * REGBYTES(sp)
	addi	sp, sp, 4 * REGBYTES
	ret
	.size	m_puts, . - m_puts

/* a0 as 0x followed by XLEN / 4 hex digits. */
	.type	m_puthex, @function
m_puthex:
	addi	sp, sp, -4 * REGBYTES
	REG_S	ra, 3 * REGBYTES(sp)
	REG_S	s3, 2 * REGBYTES(sp)
	REG_S	s4, 1 * REGBYTES(sp)
	mv	s3, a0
	li	a0, '0'
	call	m_putc
	li	a0, 'x'
	call	m_putc
	li	s4, __riscv_xlen - 4
1:	srl	a0, s3, s4
	andi	a0, a0, 0xF
	lla	t0, hexdigits
	add	t0, t0, a0
	lbu	a0, (t0)
	call	m_putc
	addi	s4, s4, -4
	bgez	s4, 1b
	REG_L	s4, 1 * REGBYTES(sp)
	REG_L	s3, 2 * REGBYTES(sp)
	REG_L	ra, 3 * REGBYTES(sp)
	addi	sp, sp, 4 * REGBYTES
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
msg_satp_wrote:
	.asciz	": satp written "
msg_satp_read:
	.asciz	", read back "
msg_eol:
	.asciz	"\r\n"
	BOOT_MESSAGES

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
 * The linker script's absolute symbols for C (riscv_guest.h, struct
 * rv_link_info): absolute data relocations reach any address.
 */
	.section .rodata
	.p2align 3
	.globl	rv_link_info
	.type	rv_link_info, @object
rv_link_info:
	RV_PTR	_kernbase
	RV_PTR	_ram_base
	RV_PTR	_kernel_end_pa
	RV_PTR	_text_start_pa
	RV_PTR	_text_end_pa
	.size	rv_link_info, . - rv_link_info

/*
 * The release mailbox (riscv_guest.h): in .data, so parked harts may read
 * it before hart 0 has zeroed .bss.  The fatal-path lock likewise.
 */
	.data
	.p2align 3
	.globl	rv_release
	.type	rv_release, @object
rv_release:
	RV_PTR	-1				/* rl_hartid: none */
	RV_PTR	0				/* rl_boot_pa */
	.size	rv_release, . - rv_release
rv_mfatal_lock:
	.word	0
	.p2align 3
	.globl	rv_boot_menvcfg
	.type	rv_boot_menvcfg, @object
rv_boot_menvcfg:
	RV_PTR	0
	.size	rv_boot_menvcfg, . - rv_boot_menvcfg

/*
 * Boot page tables (the backend's BOOT_TABLES, rv_boot_root first), CPU
 * 0's stacks (the other CPUs' are smp.c's) and the DTB copy, in .bss (page
 * aligned, zeroed above).  The guard page below the boot stack is left
 * unmapped by a boot map whose format can (md/riscv-sv32's; a 1 GiB leaf
 * cannot leave out a page); the trap stack above it is where vectors.S
 * goes when a trap finds sp outside [rv_boot_stack + TF_SIZE,
 * rv_trap_stack_top].
 */
	.bss
	.p2align 12
	BOOT_TABLES
	.p2align 12
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
	.space	REGBYTES + 12
	.p2align 3
rv_boot_fdt:
	.space	RV_FDT_MAX
