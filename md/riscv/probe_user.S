/*
 * User-mode (U-mode) probes: the trampoline code that runs in U-mode, and
 * the kernel's way there and back.
 *
 * probe.c copies [rv_utramp, rv_utramp_end) to the start of a page of its
 * own, maps that page user read/write/execute at KERN_USER_TRAMPOLINE_VA
 * in the current pmap for the duration of one probe and calls
 * rv_uprobe_enter(), which srets to the entry for the access kind with a0
 * = the probed VA and a1 = the value to write.  The trampoline ends with
 * ecall (scause 8, delegated to S-mode); a page fault on the access ends
 * it too.  Either way the trap path (trap.c, probe.c) calls
 * rv_uprobe_leave(), which restores the kernel context saved here and
 * returns from rv_uprobe_enter().
 */
#include "riscv_guest.h"

/*
 * The trampoline: position-independent, so it runs wherever probe.c maps
 * it.  Each entry is one access and the ecall back; the access is the
 * first instruction, which is the sepc of its page fault.  EXEC calls the
 * target, whose `ret' comes back to the ecall; a fault on fetching the
 * target has sepc = stval = the target.  The stack is not used.
 */
	.section .rodata
	.p2align 4
	.globl	rv_utramp, rv_utramp_end
	.globl	rv_utramp_read, rv_utramp_write, rv_utramp_exec
rv_utramp:
rv_utramp_read:
	lw	a0, (a0)
	ecall
	.p2align 4
rv_utramp_write:
	sw	a1, (a0)
	ecall
	.p2align 4
rv_utramp_exec:
	jalr	a0
	ecall
rv_utramp_end:

#define UP_FRAME	(16 * REGBYTES)	/* ra, gp, tp, s0-s11: 15 registers, 16-byte aligned */

	.text
/*
 * int rv_uprobe_enter(unsigned long pc, unsigned long sp, unsigned long a0,
 *     unsigned long a1)
 *
 * Saves the callee-saved registers (and gp, tp), makes the stack just
 * below them tc_ksp, the kernel stack of the next trap from U-mode
 * (vectors.S), so that trap's frame overwrites nothing live, and srets to
 * U-mode: sstatus.SPP = 0 selects U-mode, SPIE = 0 keeps interrupts off
 * after the return (privileged spec 4.1.1, 3.3.2).  The other registers
 * are cleared so U-mode sees no kernel pointers.
 */
	.globl	rv_uprobe_enter
	.type	rv_uprobe_enter, @function
rv_uprobe_enter:
	addi	sp, sp, -UP_FRAME
	REG_S	ra, 0 * REGBYTES(sp)
	REG_S	gp, 1 * REGBYTES(sp)
	REG_S	tp, 2 * REGBYTES(sp)
	REG_S	s0, 3 * REGBYTES(sp)
	REG_S	s1, 4 * REGBYTES(sp)
	REG_S	s2, 5 * REGBYTES(sp)
	REG_S	s3, 6 * REGBYTES(sp)
	REG_S	s4, 7 * REGBYTES(sp)
	REG_S	s5, 8 * REGBYTES(sp)
	REG_S	s6, 9 * REGBYTES(sp)
	REG_S	s7, 10 * REGBYTES(sp)
	REG_S	s8, 11 * REGBYTES(sp)
	REG_S	s9, 12 * REGBYTES(sp)
	REG_S	s10, 13 * REGBYTES(sp)
	REG_S	s11, 14 * REGBYTES(sp)
	csrr	t0, sscratch		/* this CPU's struct rv_trapcpu */
	REG_S	sp, TC_KSP(t0)

	csrw	sepc, a0
	li	t0, RV_SSTATUS_SPP | RV_SSTATUS_SPIE | RV_SSTATUS_SIE
	csrc	sstatus, t0
	mv	sp, a1
	mv	a0, a2
	mv	a1, a3
	li	ra, 0
	li	gp, 0
	li	tp, 0
	li	t0, 0
	li	t1, 0
	li	t2, 0
	li	s0, 0
	li	s1, 0
	li	a2, 0
	li	a3, 0
	li	a4, 0
	li	a5, 0
	li	a6, 0
	li	a7, 0
	li	s2, 0
	li	s3, 0
	li	s4, 0
	li	s5, 0
	li	s6, 0
	li	s7, 0
	li	s8, 0
	li	s9, 0
	li	s10, 0
	li	s11, 0
	li	t3, 0
	li	t4, 0
	li	t5, 0
	li	t6, 0
	sret
	.size	rv_uprobe_enter, . - rv_uprobe_enter

/*
 * void rv_uprobe_leave(int rv): return rv from the rv_uprobe_enter() of
 * the probe in U-mode.  Called by the trap path on the stack below
 * tc_ksp, which it discards; back in S-mode since the trap.
 */
	.globl	rv_uprobe_leave
	.type	rv_uprobe_leave, @function
rv_uprobe_leave:
	csrr	t0, sscratch		/* this CPU's struct rv_trapcpu */
	REG_L	sp, TC_KSP(t0)
	REG_S	zero, TC_KSP(t0)
	REG_L	ra, 0 * REGBYTES(sp)
	REG_L	gp, 1 * REGBYTES(sp)
	REG_L	tp, 2 * REGBYTES(sp)
	REG_L	s0, 3 * REGBYTES(sp)
	REG_L	s1, 4 * REGBYTES(sp)
	REG_L	s2, 5 * REGBYTES(sp)
	REG_L	s3, 6 * REGBYTES(sp)
	REG_L	s4, 7 * REGBYTES(sp)
	REG_L	s5, 8 * REGBYTES(sp)
	REG_L	s6, 9 * REGBYTES(sp)
	REG_L	s7, 10 * REGBYTES(sp)
	REG_L	s8, 11 * REGBYTES(sp)
	REG_L	s9, 12 * REGBYTES(sp)
	REG_L	s10, 13 * REGBYTES(sp)
	REG_L	s11, 14 * REGBYTES(sp)
	addi	sp, sp, UP_FRAME
	ret
	.size	rv_uprobe_leave, . - rv_uprobe_leave
