/*
 * User-mode (ring 3) probes: the trampoline code that runs in ring 3, and
 * the kernel's way there and back.
 *
 * probe.c copies [x86_utramp, x86_utramp_end) to the start of a page of its
 * own, maps that page user read/write/execute at KERN_USER_TRAMPOLINE_VA in
 * the current pmap for the duration of one probe and calls
 * x86_uprobe_enter(), which irets to the entry for the access kind with ECX
 * = the probed VA and EDX = the value to write.  The user stack is the top
 * of the same page.  The trampoline ends with int $T_UPROBE; a fault on
 * the access ends it too.  Either way the trap path (trap.c, probe.c) calls
 * x86_uprobe_leave(), which restores the kernel context saved here and
 * returns from x86_uprobe_enter().
 */
#include "x86_guest.h"

/*
 * The trampoline: position-independent, so it runs wherever probe.c maps
 * it.  Each entry is one access and the trap back; the access is the first
 * instruction, which is the EIP of its page fault (SDM vol. 3A, 6.5).  EXEC
 * calls the target, whose `ret' comes back to the int; a fault on fetching
 * the target has EIP = the target.
 */
	.section .rodata
	.p2align 4
	.globl	x86_utramp, x86_utramp_end
	.globl	x86_utramp_read, x86_utramp_write, x86_utramp_exec
x86_utramp:
x86_utramp_read:
	movl	(%ecx), %eax
	int	$T_UPROBE
	.p2align 4
x86_utramp_write:
	movl	%edx, (%ecx)
	int	$T_UPROBE
	.p2align 4
x86_utramp_exec:
	call	*%ecx
	int	$T_UPROBE
x86_utramp_end:

/* Kernel ESP inside x86_uprobe_enter while a probe is in ring 3, else 0. */
	.bss
	.p2align 2
	.globl	x86_uprobe_ksp
x86_uprobe_ksp:
	.space	4

	.text
/*
 * int x86_uprobe_enter(const struct x86_uprobe_entry *e)
 *
 * Saves the callee-saved registers, makes the stack just below them the
 * ring-0 stack of the next trap from ring 3 (TSS.ESP0, SDM vol. 3A, 6.12.1),
 * so that trap's frame overwrites nothing live, and irets to ring 3: an
 * IRET to an outer level pops SS:ESP too (SDM vol. 2A, IRET).  DS and ES
 * must hold user selectors before it, or IRET nulls them and the access
 * raises #GP.  EFLAGS.IF stays clear: this kernel takes no interrupts.
 * The other registers are cleared so ring 3 sees no kernel pointers.
 */
	.globl	x86_uprobe_enter
	.type	x86_uprobe_enter, @function
x86_uprobe_enter:
	movl	4(%esp), %eax
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	%eax, %edi
	movl	%esp, %esi
	pushl	%esi
	call	x86_tss_set_sp0
	addl	$4, %esp
	movl	%esi, x86_uprobe_ksp

	pushl	$UDSEL
	pushl	UE_SP(%edi)
	pushl	$PSL_USER
	pushl	$UCSEL
	pushl	UE_PC(%edi)
	movl	UE_VA(%edi), %ecx
	movl	UE_VAL(%edi), %edx
	movw	$UDSEL, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	xorl	%eax, %eax
	xorl	%ebx, %ebx
	xorl	%esi, %esi
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	iret
	.size	x86_uprobe_enter, . - x86_uprobe_enter

/*
 * void x86_uprobe_leave(int rv): return rv from the x86_uprobe_enter() of
 * the probe in ring 3.  Called by the trap path on the ring-0 stack, which
 * lies below the saved context; alltraps has reloaded the kernel's data
 * segments, and CS/SS are the kernel's since the trap.
 */
	.globl	x86_uprobe_leave
	.type	x86_uprobe_leave, @function
x86_uprobe_leave:
	movl	4(%esp), %eax
	movl	x86_uprobe_ksp, %esp
	movl	$0, x86_uprobe_ksp
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
	.size	x86_uprobe_leave, . - x86_uprobe_leave
