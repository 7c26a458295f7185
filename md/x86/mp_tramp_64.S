/*
 * The application processors' way in, 64-bit build: from the real mode a
 * start-up IPI leaves them in (CS = page number << 8, IP = 0, SDM vol. 3A,
 * 8.4.4.1 and 10.6.1) through protected mode into long mode (SDM vol. 3A,
 * 9.8.5), then to x86_mp_start() on their own stack.
 *
 * mp.c copies [x86_mp_tramp, x86_mp_tramp_end) to X86_MP_TRAMP_PA, where
 * it is linked to run (its far jumps and GDT base are absolute), fills in
 * the struct x86_mp_args at x86_mp_tramp_args, and sends INIT-SIPI-SIPI to
 * all other CPUs at once.  Each AP takes a ticket (AP k becomes CPU k + 1,
 * in arrival order); those past X86_MAXCPUS halt here for good, with
 * interrupts off.  The rest enter protected mode on the trampoline's GDT,
 * set CR4 (PAE, and CPU 0's bits but PCIDE), CR3 = ma_cr3_boot (below 4
 * GiB; x86_boot_ap_root: the kernel's PML4 entries plus this page at its
 * own address, since the instructions after the MOV to CR0 must be
 * identity-mapped, SDM 9.9.1), EFER.LME (and NXE, without which the
 * kernel's NX bits are reserved bits), then CR0.PG: long mode, in
 * compatibility mode until the far jump to the trampoline's 64-bit code
 * segment.  Then an absolute jump to x86_mp_entry, high.  No stack is used
 * before x86_mp_entry switches to the CPU's own; the kernel's root is
 * loaded by pmap_cpu_init (kern_cpu_start), which also sets the rest of
 * the controls: CR4.PCIDE needs CR3[11:0] = 0, as ma_cr3_boot is.
 */
#include "x86_guest.h"

#define TRAMP_CSEL64	0x18		/* tramp_gdt[3]: 64-bit code */

	.section .rodata
	.p2align 4
	.globl	x86_mp_tramp, x86_mp_tramp_args, x86_mp_tramp_end
	X86_TRAMP_START
	/* CR4.PAE before CR0.PG: long mode is PAE-based (SDM 9.8.5). */
	movl	MA_CR4(%ebp), %eax
	movl	%eax, %cr4
	movl	MA_CR3_BOOT(%ebp), %eax
	movl	%eax, %cr3
	/* EFER.LME, and NXE if the pmap uses NX (SDM vol. 3A, 4.1.2). */
	movl	$X86_MSR_EFER, %ecx
	rdmsr
	orl	MA_EFER(%ebp), %eax
	wrmsr
	/* Paging on with LME: IA-32e mode (EFER.LMA), compatibility mode. */
	movl	MA_CR0(%ebp), %eax
	movl	%eax, %cr0
	ljmpl	$TRAMP_CSEL64, $TRAMP_PA(tramp_lm)

	.code64
tramp_lm:
	/* Upper halves are undefined after compatibility mode: zero-extend. */
	movl	$TRAMP_PA(x86_mp_tramp_args), %ebp
	movl	%ebx, %ebx
	movq	MA_ENTRY(%rbp), %rax
	jmp	*%rax

/*
 * Null; flat 4 GiB 32-bit code and data, DPL 0; 64-bit code, DPL 0 (SDM
 * vol. 3A, 3.4.5; L = 1, D = 0).
 */
	.p2align 3
tramp_gdt:
	.quad	0
	.quad	0x00CF9B000000FFFF
	.quad	0x00CF93000000FFFF
	.quad	0x00AF9B000000FFFF
tramp_gdtr:
	.word	4 * 8 - 1
	.long	TRAMP_PA(tramp_gdt)
	.p2align 3
x86_mp_tramp_args:
	.space	MA_SIZE
x86_mp_tramp_end:

/*
 * High, in 64-bit mode on ma_cr3_boot, %rbx = the ticket.  Take the CPU's
 * stack (16-byte aligned: the call makes the ABI's entry alignment), call
 * C.  The GDTR still holds the trampoline's GDT at its physical address,
 * which ma_cr3_boot maps; x86_mp_start loads the CPU's own first.
 */
	.text
	.globl	x86_mp_entry
	.type	x86_mp_entry, @function
x86_mp_entry:
	leal	1(%rbx), %edi
	leaq	x86_mp_stack_top(%rip), %rax
	movq	(%rax, %rdi, 8), %rsp
	xorl	%ebp, %ebp
	call	x86_mp_start
2:	cli
	hlt
	jmp	2b
	.size	x86_mp_entry, . - x86_mp_entry
