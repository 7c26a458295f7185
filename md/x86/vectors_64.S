/*
 * Exception and interrupt entry of the 64-bit build: one stub per vector
 * 0-31, T_UPROBE and T_IPI, all funnelling into alltraps, which builds a
 * struct trapframe (x86_guest.h) and calls x86_trap().  The IDT holds
 * interrupt gates (desc_64.c), so RFLAGS.IF is clear in here.
 */
#include "x86_guest.h"

/*
 * One stub per vector (X86_EXCEPTION_STUBS, x86_guest.h, says which push
 * an error code); the others push a zero so every frame has the same
 * shape.  pushq $imm pushes 8 bytes.
 */
	.macro	TRAP_NOERR v
	.p2align 3
trap_stub_\v:
	pushq	$0
	pushq	$\v
	jmp	alltraps
	.endm

	.macro	TRAP_ERR v
	.p2align 3
trap_stub_\v:
	pushq	$\v
	jmp	alltraps
	.endm

	.text
	.p2align 4
	X86_EXCEPTION_STUBS

/*
 * int $T_UPROBE, the trampoline's way back from ring 3 (probe.c).  Its
 * gate has DPL 3 (desc_64.c); like the exceptions it goes through
 * alltraps, so x86_trap() sees a full frame with the user's RAX.
 */
	TRAP_NOERR 128
	.globl	x86_trap_stub_uprobe
	.set	x86_trap_stub_uprobe, trap_stub_128

/* The local APIC's IPI (lapic.c): an external interrupt, no error code. */
	TRAP_NOERR 240
	.globl	x86_trap_stub_ipi
	.set	x86_trap_stub_ipi, trap_stub_240

/*
 * The local APIC's spurious vector: nothing to do, and no EOI (SDM vol.
 * 3A, 10.9: a spurious interrupt does not set the ISR bit).  Taken only
 * in ring 0 (the kernel enables interrupts nowhere else), so no swapgs.
 */
	.p2align 3
	.globl	x86_spurious_stub
x86_spurious_stub:
	iretq

/*
 * The CPU has aligned RSP to 16 bytes and pushed 5 words (SDM vol. 3A,
 * 6.14.2), the stub 2, alltraps pushes 15: 22 words, so RSP is 16-byte
 * aligned at the call, as the SysV ABI asks.  A trap from ring 3 arrives
 * with ring 3's %gs base: swapgs makes it this CPU's (x86_guest.h, struct
 * x86_cpu), and again on the way back.  x86_trap may change the frame
 * (probe recovery rewrites tf_rip); a trap that ends a user probe never
 * comes back here (x86_uprobe_leave).
 */
	.type	alltraps, @function
alltraps:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rbx
	pushq	%rbp
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	testb	$3, TF_CS(%rsp)
	jz	1f
	swapgs
1:	cld
	movq	%rsp, %rdi
	call	x86_trap
	testb	$3, TF_CS(%rsp)
	jz	2f
	swapgs
2:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rbp
	popq	%rbx
	popq	%rdx
	popq	%rcx
	popq	%rax
	addq	$16, %rsp		/* vector, error code */
	iretq
	.size	alltraps, . - alltraps

/*
 * void x86_load_segments(const void *gdtr): load GDTR from the 10-byte
 * pseudo-descriptor, then the segment registers: SS, DS, ES the kernel's
 * data segment, FS and GS null (their bases are MSRs in 64-bit mode; the
 * caller sets the %gs base after this), CS by a far return (SDM vol. 3A,
 * 3.4.3: a descriptor is cached only when its register is loaded).
 */
	.globl	x86_load_segments
	.type	x86_load_segments, @function
x86_load_segments:
	lgdt	(%rdi)
	movw	$KDSEL, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorl	%eax, %eax
	movw	%ax, %fs
	movw	%ax, %gs
	popq	%rax			/* return address */
	pushq	$KCSEL
	pushq	%rax
	lretq
	.size	x86_load_segments, . - x86_load_segments

	.section .rodata
	.p2align 3
	.globl	x86_trap_stubs
x86_trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,\
		16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	trap_stub_\v
	.endr
	.size	x86_trap_stubs, . - x86_trap_stubs
