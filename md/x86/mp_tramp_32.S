/*
 * The application processors' way in: from the real mode a start-up IPI
 * leaves them in (CS = page number << 8, IP = 0, SDM vol. 3A, 8.4.4.1 and
 * 10.6.1) to x86_mp_start() on the kernel's page tables and own stack.
 *
 * mp.c copies [x86_mp_tramp, x86_mp_tramp_end) to X86_MP_TRAMP_PA, where
 * it is linked to run (its far jump and GDT base are absolute), fills in
 * the struct x86_mp_args at x86_mp_tramp_args, and sends INIT-SIPI-SIPI to
 * all other CPUs at once.  Each AP takes a ticket (AP k becomes CPU k + 1,
 * in arrival order); those past X86_MAXCPUS halt here for good, with
 * interrupts off.  The rest enter protected mode on the trampoline's flat
 * GDT, load CPU 0's CR4 and EFER.NXE, then turn paging on with CPU 0's CR0
 * on ma_cr3_boot, which maps this page at its own address as well as the
 * kernel (SDM 9.9.1: the instructions right after the MOV to CR0 must be
 * identity-mapped), and jump to x86_mp_entry, high.  No stack is used
 * before x86_mp_entry switches to the CPU's own.
 */
#include "x86_guest.h"


	.section .rodata
	.p2align 4
	.globl	x86_mp_tramp, x86_mp_tramp_args, x86_mp_tramp_end
	X86_TRAMP_START
	/* CR4 first: CR4.PAE decides how the MOV to CR0 below reads CR3. */
	movl	MA_CR4(%ebp), %eax
	movl	%eax, %cr4
	/* EFER.NXE before paging, or the XD bits of the kernel's entries are
	 * reserved bits (SDM vol. 3A, 4.4.2). */
	cmpl	$0, MA_NXE(%ebp)
	je	1f
	movl	$X86_MSR_EFER, %ecx
	rdmsr
	orl	$X86_EFER_NXE, %eax
	wrmsr
1:	movl	MA_CR3_BOOT(%ebp), %eax
	movl	%eax, %cr3
	movl	MA_CR0(%ebp), %eax
	movl	%eax, %cr0
	movl	MA_ENTRY(%ebp), %eax
	jmp	*%eax

/* Flat 4 GiB code and data, DPL 0, 32-bit (SDM vol. 3A, 3.4.5). */
	.p2align 3
tramp_gdt:
	.quad	0
	.quad	0x00CF9B000000FFFF
	.quad	0x00CF93000000FFFF
tramp_gdtr:
	.word	3 * 8 - 1
	.long	TRAMP_PA(tramp_gdt)
	.p2align 2
x86_mp_tramp_args:
	.space	MA_SIZE
x86_mp_tramp_end:

/*
 * High, still on ma_cr3_boot, %ebp = the arguments' physical address (still
 * mapped), %ebx = the ticket.  Load the kernel's root (a PAE CR3 load also
 * reloads the PDPTEs, SDM 4.4.1), take the CPU's stack, call C.
 */
	.text
	.globl	x86_mp_entry
	.type	x86_mp_entry, @function
x86_mp_entry:
	movl	MA_CR3(%ebp), %eax
	movl	%eax, %cr3
	leal	1(%ebx), %eax
	movl	x86_mp_stack_top(, %eax, 4), %esp
	xorl	%ebp, %ebp
	subl	$12, %esp
	pushl	%eax
	call	x86_mp_start
2:	cli
	hlt
	jmp	2b
	.size	x86_mp_entry, . - x86_mp_entry
