/*
 * S-mode trap entry (stvec, direct mode), every CPU: build a struct
 * rv_trapframe (riscv_guest.h), call rv_trap(), restore and sret.  Every
 * exception lands here (medeleg, entry.S), and the one interrupt ever
 * enabled, the supervisor software interrupt that carries IPIs; sstatus.SIE
 * is clear while a trap is handled (privileged spec 4.1.1), so interrupts
 * never nest.
 *
 * sscratch holds this CPU's record, &rv_trapcpus[cpu], whenever no trap
 * is being entered; the first instructions swap it into tp, park t0, tp
 * and sp there and put it back at once, so a trap nested in the entry
 * finds it again.  The stack:
 *   - from U-mode (a user probe), tc_ksp, below the context the probe saved;
 *     with no probe running (tc_ksp 0) the trap stack, and trap.c panics;
 *   - from S-mode the interrupted sp, if it lies in [tc_stack_lo,
 *     tc_stack_hi] (the CPU's kernel stack, with room for a frame, or its
 *     trap stack above it); otherwise the trap stack: a stack overflow
 *     (into the boot stack's guard page on CPU 0), or a wild sp, is
 *     reported instead of faulting again on every store of the frame.
 * The return writes sepc and sstatus back from the frame, so rv_trap()
 * may resume elsewhere (probe recovery) and a fault from U-mode that the
 * pmap fixed up (pmap_fault) is retried in U-mode.  Registers and the
 * records are XLEN wide (REG_L/REG_S: riscv_guest.h).
 */
#include "riscv_guest.h"

/* Registers saved by the common code (x2 sp, x4 tp, x5 t0 come from rv_trapcpus). */
#define SAVED_REGS	1, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, \
			20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31

	.text
	.p2align 2
	.globl	rv_trap_vector
	.type	rv_trap_vector, @function
rv_trap_vector:
	csrrw	tp, sscratch, tp
	REG_S	t0, TC_T0(tp)
	csrr	t0, sscratch
	REG_S	t0, TC_TP(tp)
	csrw	sscratch, tp
	REG_S	sp, TC_SP(tp)

	csrr	t0, sstatus
	andi	t0, t0, RV_SSTATUS_SPP
	bnez	t0, 1f
	REG_L	sp, TC_KSP(tp)
	bnez	sp, 2f
	j	3f
1:	REG_L	t0, TC_STACK_LO(tp)
	bltu	sp, t0, 3f
	REG_L	t0, TC_STACK_HI(tp)
	bgeu	t0, sp, 2f
3:	REG_L	sp, TC_TRAP_SP(tp)
2:	addi	sp, sp, -TF_SIZE

	.irp	r, SAVED_REGS
	REG_S	x\r, TF_X(\r)(sp)
	.endr
	REG_L	t0, TC_T0(tp)
	REG_S	t0, TF_X(5)(sp)
	REG_L	t0, TC_SP(tp)
	REG_S	t0, TF_X(2)(sp)
	REG_L	t0, TC_TP(tp)
	REG_S	t0, TF_X(4)(sp)
	csrr	t0, sepc
	REG_S	t0, TF_SEPC(sp)
	csrr	t0, sstatus
	REG_S	t0, TF_SSTATUS(sp)
	csrr	t0, scause
	REG_S	t0, TF_SCAUSE(sp)
	csrr	t0, stval
	REG_S	t0, TF_STVAL(sp)

	mv	a0, sp
	mv	s0, zero		/* frame-pointer chain ends here */
	call	rv_trap

	REG_L	t0, TF_SEPC(sp)
	csrw	sepc, t0
	REG_L	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	.irp	r, SAVED_REGS
	REG_L	x\r, TF_X(\r)(sp)
	.endr
	REG_L	tp, TF_X(4)(sp)
	REG_L	t0, TF_X(5)(sp)
	REG_L	sp, TF_X(2)(sp)
	sret
	.size	rv_trap_vector, . - rv_trap_vector

/*
 * The per-CPU trap records (riscv_guest.h).  CPU 0's is complete from the
 * first instruction (its stack bounds are link-time constants; boot.c
 * adds the hart id); smp.c fills the others' before it starts them.
 * tc_ksp is set by probe_user.S while a user probe runs.
 */
	.data
	.p2align 6
	.globl	rv_trapcpus
	.type	rv_trapcpus, @object
rv_trapcpus:
	RV_PTR	0				/* tc_t0 */
	RV_PTR	0				/* tc_tp */
	RV_PTR	0				/* tc_sp */
	RV_PTR	0				/* tc_ksp */
	RV_PTR	rv_boot_stack + TF_SIZE		/* tc_stack_lo */
	RV_PTR	rv_trap_stack_top		/* tc_stack_hi */
	RV_PTR	rv_trap_stack_top		/* tc_trap_sp */
	RV_PTR	0				/* tc_cpu */
	.space	TC_SIZE - TC_HARTID		/* tc_hartid, tc_onfault, pad */
	.space	(RV_MAXCPUS - 1) * TC_SIZE	/* CPUs 1 .. RV_MAXCPUS - 1 */
	.size	rv_trapcpus, . - rv_trapcpus
