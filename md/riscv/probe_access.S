/*
 * Kernel-mode (S-mode) probes: one access that may fault, with recovery.
 * Each routine arms this CPU's struct rv_onfault (riscv_guest.h, in the
 * struct rv_trapcpu that sscratch points to) with the address of the
 * single instruction allowed to fault and a recovery label; rv_trap()
 * resumes a matching page fault at the label, having stored scause and
 * stval.  Exceptions are precise (privileged spec 1.6: sepc is the
 * faulting instruction, which has not executed), so arming by plain stores
 * in program order is enough: the record is only ever read by its own
 * hart's trap handler.  An interrupt (an IPI) taken while a probe is armed
 * is not a page fault and leaves the record alone, so probes run on
 * several CPUs at once and with interrupts enabled.
 *
 * Each returns 0 if the access completed and -1 if it faulted.  The
 * access is a 32-bit word (lw, sw) on rv32 and rv64 alike; the record's
 * fields are XLEN wide (REG_S).  S-mode reaches user pages only while
 * sstatus.SUM is set and never executes them (privileged spec 4.3.1):
 * those probes fault by design.
 */
#include "riscv_guest.h"

/* reg = this CPU's struct rv_onfault (sscratch: riscv_guest.h). */
	.macro	ONFAULT reg
	csrr	\reg, sscratch
	addi	\reg, \reg, TC_ONFAULT
	.endm

	.text

/* int rv_probe_read(unsigned long va, uint32_t *valp): *valp = *(uint32_t *)va */
	.globl	rv_probe_read
	.type	rv_probe_read, @function
rv_probe_read:
	ONFAULT	t0
	lla	t1, probe_read_insn
	REG_S	t1, OF_PC(t0)
	lla	t1, probe_fault
	REG_S	t1, OF_RECOVER(t0)
probe_read_insn:
	lw	t2, (a0)
	REG_S	zero, OF_RECOVER(t0)
	sw	t2, (a1)
	li	a0, 0
	ret
	.size	rv_probe_read, . - rv_probe_read

/* int rv_probe_write(unsigned long va, uint32_t val): *(uint32_t *)va = val */
	.globl	rv_probe_write
	.type	rv_probe_write, @function
rv_probe_write:
	ONFAULT	t0
	lla	t1, probe_write_insn
	REG_S	t1, OF_PC(t0)
	lla	t1, probe_fault
	REG_S	t1, OF_RECOVER(t0)
probe_write_insn:
	sw	a1, (a0)
	REG_S	zero, OF_RECOVER(t0)
	li	a0, 0
	ret
	.size	rv_probe_write, . - rv_probe_write

/* Read and write recover here, ra and sp as at the access. */
	.type	probe_fault, @function
probe_fault:
	ONFAULT	t0
	REG_S	zero, OF_RECOVER(t0)
	li	a0, -1
	ret
	.size	probe_fault, . - probe_fault

/*
 * int rv_probe_exec(unsigned long va): call va, which must hold `ret'.  of_pc =
 * 0 tells rv_trap to match a fault whose sepc is va (the fetch at the
 * target: sepc = stval = va).  The caller's ra is kept in the frame.
 */
	.globl	rv_probe_exec
	.type	rv_probe_exec, @function
rv_probe_exec:
	addi	sp, sp, -16
	REG_S	ra, 16 - REGBYTES(sp)
	ONFAULT	t0
	REG_S	zero, OF_PC(t0)
	REG_S	a0, OF_TARGET(t0)
	lla	t1, probe_exec_fault
	REG_S	t1, OF_RECOVER(t0)
	jalr	a0
	ONFAULT	t0
	REG_S	zero, OF_RECOVER(t0)
	li	a0, 0
	j	1f
probe_exec_fault:
	ONFAULT	t0
	REG_S	zero, OF_RECOVER(t0)
	li	a0, -1
1:	REG_L	ra, 16 - REGBYTES(sp)
	addi	sp, sp, 16
	ret
	.size	rv_probe_exec, . - rv_probe_exec
