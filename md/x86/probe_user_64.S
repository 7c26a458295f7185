/*
 * User-mode (ring 3) probes of the 64-bit build: the trampoline code that
 * runs in ring 3, and the kernel's way there and back.
 *
 * probe.c copies [x86_utramp, x86_utramp_end) to the start of a page of its
 * own, maps that page user read/write/execute at KERN_USER_TRAMPOLINE_VA in
 * the current pmap for the duration of one probe and calls
 * x86_uprobe_enter(), which irets to the entry for the access kind with RCX
 * = the probed VA and EDX = the value to write, in 64-bit mode (UCSEL is a
 * long-mode code segment).  The user stack is the top of the same page.
 * The trampoline ends with int $T_UPROBE; a fault on the access ends it
 * too.  Either way the trap path (trap.c, probe.c) calls
 * x86_uprobe_leave(), which restores the kernel context saved here and
 * returns from x86_uprobe_enter().
 */
#include "x86_guest.h"

/*
 * The trampoline: position-independent, so it runs wherever probe.c maps
 * it.  Each entry is one access and the trap back; the access is the first
 * instruction, which is the RIP of its page fault (SDM vol. 3A, 6.5).  EXEC
 * calls the target, whose `ret' comes back to the int; a fault on fetching
 * the target has RIP = the target.
 */
	.section .rodata
	.p2align 4
	.globl	x86_utramp, x86_utramp_end
	.globl	x86_utramp_read, x86_utramp_write, x86_utramp_exec
x86_utramp:
x86_utramp_read:
	movl	(%rcx), %eax
	int	$T_UPROBE
	.p2align 4
x86_utramp_write:
	movl	%edx, (%rcx)
	int	$T_UPROBE
	.p2align 4
x86_utramp_exec:
	call	*%rcx
	int	$T_UPROBE
x86_utramp_end:

/* Kernel RSP inside x86_uprobe_enter while a probe is in ring 3, else 0. */
	.bss
	.p2align 3
	.globl	x86_uprobe_ksp
x86_uprobe_ksp:
	.space	8

	.text
/*
 * int x86_uprobe_enter(const struct x86_uprobe_entry *e)
 *
 * Saves the callee-saved registers, makes the stack just below them the
 * ring-0 stack of the next trap from ring 3 (TSS.RSP0, SDM vol. 3A,
 * 6.14.3), so that trap's frame overwrites nothing live, and irets to
 * ring 3: IRETQ pops SS:RSP always (SDM vol. 2A, IRET).  swapgs first, so
 * that ring 3 runs with %gs base 0 and the trap back swaps this CPU's in
 * again (vectors_64.S).  RFLAGS.IF stays clear: this kernel takes no
 * interrupts in ring 3.  The other registers are cleared so ring 3 sees no
 * kernel pointers.
 */
	.globl	x86_uprobe_enter
	.type	x86_uprobe_enter, @function
x86_uprobe_enter:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp		/* 16-byte aligned for the call */
	movq	%rdi, %r12
	movq	%rsp, %rdi
	call	x86_tss_set_sp0
	movq	%rsp, x86_uprobe_ksp(%rip)

	pushq	$UDSEL
	pushq	UE_SP(%r12)
	pushq	$PSL_USER
	pushq	$UCSEL
	pushq	UE_PC(%r12)
	movq	UE_VA(%r12), %rcx
	movq	UE_VAL(%r12), %rdx
	xorl	%eax, %eax
	xorl	%ebx, %ebx
	xorl	%esi, %esi
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
	swapgs
	iretq
	.size	x86_uprobe_enter, . - x86_uprobe_enter

/*
 * void x86_uprobe_leave(int rv): return rv from the x86_uprobe_enter() of
 * the probe in ring 3.  Called by the trap path on the ring-0 stack, which
 * lies below the saved context; alltraps has swapped this CPU's %gs base
 * back in, and CS is the kernel's since the trap (SS is null, which 64-bit
 * mode allows in ring 0).
 */
	.globl	x86_uprobe_leave
	.type	x86_uprobe_leave, @function
x86_uprobe_leave:
	movl	%edi, %eax
	movq	x86_uprobe_ksp(%rip), %rsp
	movq	$0, x86_uprobe_ksp(%rip)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	x86_uprobe_leave, . - x86_uprobe_leave
