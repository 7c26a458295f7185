/*
 * Kernel-mode probes of the 64-bit build: one access that may fault, with
 * recovery.  Each routine arms this CPU's struct x86_onfault (x86_guest.h;
 * in its struct x86_cpu, reached through %gs) with the address of the
 * single instruction allowed to fault and a recovery label; x86_trap()
 * resumes a matching page fault at the label, having stored the error code
 * and CR2.  Faults are synchronous (SDM vol. 3A, 6.5: a fault is reported
 * before the instruction runs, with RIP pointing at it), so arming by
 * plain stores in program order is enough: only this CPU reads its record.
 * An interrupt (the IPI) taken while armed runs other code, whose RIPs
 * never match.  Labels are taken RIP-relative, which any code model links.
 *
 * Each returns 0 if the access completed and -1 if it faulted.  The word
 * accessed is 32 bits, as in the 32-bit build.
 */
#include "x86_guest.h"

	.text

/* int x86_probe_read(uintptr_t va, uint32_t *valp): *valp = *(uint32_t *)va */
	.globl	x86_probe_read
	.type	x86_probe_read, @function
x86_probe_read:
	leaq	probe_read_insn(%rip), %rax
	movq	%rax, %gs:CPU_ONFAULT + OF_PC
	leaq	probe_fault(%rip), %rax
	movq	%rax, %gs:CPU_ONFAULT + OF_RECOVER
probe_read_insn:
	movl	(%rdi), %eax
	movq	$0, %gs:CPU_ONFAULT + OF_RECOVER
	movl	%eax, (%rsi)
	xorl	%eax, %eax
	ret
	.size	x86_probe_read, . - x86_probe_read

/* int x86_probe_write(uintptr_t va, uint32_t val): *(uint32_t *)va = val */
	.globl	x86_probe_write
	.type	x86_probe_write, @function
x86_probe_write:
	leaq	probe_write_insn(%rip), %rax
	movq	%rax, %gs:CPU_ONFAULT + OF_PC
	leaq	probe_fault(%rip), %rax
	movq	%rax, %gs:CPU_ONFAULT + OF_RECOVER
probe_write_insn:
	movl	%esi, (%rdi)
	movq	$0, %gs:CPU_ONFAULT + OF_RECOVER
	xorl	%eax, %eax
	ret
	.size	x86_probe_write, . - x86_probe_write

/* Read and write recover here, with the stack as at the access. */
	.type	probe_fault, @function
probe_fault:
	movq	$0, %gs:CPU_ONFAULT + OF_RECOVER
	movl	$-1, %eax
	ret
	.size	probe_fault, . - probe_fault

/*
 * int x86_probe_exec(uintptr_t va): call va, which must hold a return
 * instruction.  of_pc = 0 tells x86_trap to match a fault whose RIP is va
 * (the instruction fetch at the target).  The call has pushed a return
 * address by then, so recovery restores RSP from callee-saved RBX.
 */
	.globl	x86_probe_exec
	.type	x86_probe_exec, @function
x86_probe_exec:
	pushq	%rbx
	movq	%rsp, %rbx
	movq	$0, %gs:CPU_ONFAULT + OF_PC
	movq	%rdi, %gs:CPU_ONFAULT + OF_TARGET
	leaq	probe_exec_fault(%rip), %rax
	movq	%rax, %gs:CPU_ONFAULT + OF_RECOVER
	call	*%rdi
	movq	$0, %gs:CPU_ONFAULT + OF_RECOVER
	xorl	%eax, %eax
	popq	%rbx
	ret
probe_exec_fault:
	movq	%rbx, %rsp
	movq	$0, %gs:CPU_ONFAULT + OF_RECOVER
	movl	$-1, %eax
	popq	%rbx
	ret
	.size	x86_probe_exec, . - x86_probe_exec
