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

#define UP_FRAME	64	/* ra, gp, tp, s0-s11: 15 words, 16-byte aligned */

	.text
/*
 * int rv_uprobe_enter(uint32_t pc, uint32_t sp, uint32_t a0, uint32_t a1)
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
	sw	ra, 0(sp)
	sw	gp, 4(sp)
	sw	tp, 8(sp)
	sw	s0, 12(sp)
	sw	s1, 16(sp)
	sw	s2, 20(sp)
	sw	s3, 24(sp)
	sw	s4, 28(sp)
	sw	s5, 32(sp)
	sw	s6, 36(sp)
	sw	s7, 40(sp)
	sw	s8, 44(sp)
	sw	s9, 48(sp)
	sw	s10, 52(sp)
	sw	s11, 56(sp)
	csrr	t0, sscratch		/* this CPU's struct rv_trapcpu */
	sw	sp, TC_KSP(t0)

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
	lw	sp, TC_KSP(t0)
	sw	zero, TC_KSP(t0)
	lw	ra, 0(sp)
	lw	gp, 4(sp)
	lw	tp, 8(sp)
	lw	s0, 12(sp)
	lw	s1, 16(sp)
	lw	s2, 20(sp)
	lw	s3, 24(sp)
	lw	s4, 28(sp)
	lw	s5, 32(sp)
	lw	s6, 36(sp)
	lw	s7, 40(sp)
	lw	s8, 44(sp)
	lw	s9, 48(sp)
	lw	s10, 52(sp)
	lw	s11, 56(sp)
	addi	sp, sp, UP_FRAME
	ret
	.size	rv_uprobe_leave, . - rv_uprobe_leave
