/*
 * Kernel-mode probes: one access that may fault, with recovery.  Each
 * routine arms this CPU's struct x86_onfault (x86_guest.h; in its struct
 * x86_cpu, reached through %fs) with the address of the single
 * instruction allowed to fault and a recovery label; x86_trap() resumes a
 * matching page fault at the label, having stored the error code and CR2.
 * Faults are synchronous (SDM vol. 3A, 6.5: a fault is reported before the
 * instruction runs, with EIP pointing at it), so arming by plain stores in
 * program order is enough: only this CPU reads its record.  An interrupt
 * (the IPI) taken while armed runs other code, whose EIPs never match.
 *
 * Each returns 0 if the access completed and -1 if it faulted.
 */
#include "x86_guest.h"

	.text

/* int x86_probe_read(uint32_t va, uint32_t *valp): *valp = *(uint32_t *)va */
	.globl	x86_probe_read
	.type	x86_probe_read, @function
x86_probe_read:
	movl	4(%esp), %edx
	movl	$probe_read_insn, %fs:CPU_ONFAULT + OF_PC
	movl	$probe_fault, %fs:CPU_ONFAULT + OF_RECOVER
probe_read_insn:
	movl	(%edx), %eax
	movl	$0, %fs:CPU_ONFAULT + OF_RECOVER
	movl	8(%esp), %ecx
	movl	%eax, (%ecx)
	xorl	%eax, %eax
	ret
	.size	x86_probe_read, . - x86_probe_read

/* int x86_probe_write(uint32_t va, uint32_t val): *(uint32_t *)va = val */
	.globl	x86_probe_write
	.type	x86_probe_write, @function
x86_probe_write:
	movl	4(%esp), %edx
	movl	8(%esp), %eax
	movl	$probe_write_insn, %fs:CPU_ONFAULT + OF_PC
	movl	$probe_fault, %fs:CPU_ONFAULT + OF_RECOVER
probe_write_insn:
	movl	%eax, (%edx)
	movl	$0, %fs:CPU_ONFAULT + OF_RECOVER
	xorl	%eax, %eax
	ret
	.size	x86_probe_write, . - x86_probe_write

/* Read and write recover here, with the stack as at the access. */
	.type	probe_fault, @function
probe_fault:
	movl	$0, %fs:CPU_ONFAULT + OF_RECOVER
	movl	$-1, %eax
	ret
	.size	probe_fault, . - probe_fault

/*
 * int x86_probe_exec(uint32_t va): call va, which must hold a return
 * instruction.  of_pc = 0 tells x86_trap to match a fault whose EIP is va
 * (the instruction fetch at the target).  The call has pushed a return
 * address by then, so recovery restores ESP from callee-saved EBX.
 */
	.globl	x86_probe_exec
	.type	x86_probe_exec, @function
x86_probe_exec:
	pushl	%ebx
	movl	8(%esp), %edx
	movl	%esp, %ebx
	movl	$0, %fs:CPU_ONFAULT + OF_PC
	movl	%edx, %fs:CPU_ONFAULT + OF_TARGET
	movl	$probe_exec_fault, %fs:CPU_ONFAULT + OF_RECOVER
	call	*%edx
	movl	$0, %fs:CPU_ONFAULT + OF_RECOVER
	xorl	%eax, %eax
	popl	%ebx
	ret
probe_exec_fault:
	movl	%ebx, %esp
	movl	$0, %fs:CPU_ONFAULT + OF_RECOVER
	movl	$-1, %eax
	popl	%ebx
	ret
	.size	x86_probe_exec, . - x86_probe_exec
