/*
 * Exception and interrupt entry: one stub per vector 0-31, T_UPROBE and
 * T_IPI, all funnelling into alltraps, which builds a struct trapframe
 * (x86_guest.h) and calls x86_trap().  The IDT holds interrupt gates
 * (desc_32.c), so EFLAGS.IF is clear in here.
 */
#include "x86_guest.h"

/*
 * One stub per vector (X86_EXCEPTION_STUBS, x86_guest.h, says which push
 * an error code); the others push a zero so every frame has the same shape.
 */
	.macro	TRAP_NOERR v
	.p2align 3
trap_stub_\v:
	pushl	$0
	pushl	$\v
	jmp	alltraps
	.endm

	.macro	TRAP_ERR v
	.p2align 3
trap_stub_\v:
	pushl	$\v
	jmp	alltraps
	.endm

	.text
	.p2align 4
	X86_EXCEPTION_STUBS

/*
 * int $T_UPROBE, the trampoline's way back from ring 3 (probe.c).  Its
 * gate has DPL 3 (desc_32.c); like the exceptions it goes through alltraps,
 * so x86_trap() sees a full frame with the user's EAX.
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
 * 3A, 10.9: a spurious interrupt does not set the ISR bit).
 */
	.p2align 3
	.globl	x86_spurious_stub
x86_spurious_stub:
	iret

/*
 * The frame is complete once the segment registers are pushed; kernel data
 * segments, and %fs = this CPU's segment (x86_guest.h, struct x86_cpu), are
 * reloaded because a trap from ring 3 arrives with the user's.
 * x86_trap may change the frame (probe recovery rewrites tf_eip); a trap
 * that ends a user probe never comes back here (x86_uprobe_leave).
 */
	.type	alltraps, @function
alltraps:
	pushal
	pushl	%ds
	pushl	%es
	pushl	%fs
	pushl	%gs
	movw	$KDSEL, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %gs
	movw	$PCPUSEL, %ax
	movw	%ax, %fs
	cld
	pushl	%esp
	call	x86_trap
	addl	$4, %esp
	popl	%gs
	popl	%fs
	popl	%es
	popl	%ds
	popal
	addl	$8, %esp		/* vector, error code */
	iret
	.size	alltraps, . - alltraps

/*
 * void x86_load_segments(const void *gdtr): load GDTR from the 6-byte
 * pseudo-descriptor, then every segment register (%fs the per-CPU one),
 * CS by a far return (SDM vol. 3A, 3.4.3: a descriptor is cached only when
 * its register is loaded).
 */
	.globl	x86_load_segments
	.type	x86_load_segments, @function
x86_load_segments:
	movl	4(%esp), %eax
	lgdt	(%eax)
	movw	$KDSEL, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %gs
	movw	%ax, %ss
	movw	$PCPUSEL, %ax
	movw	%ax, %fs
	popl	%eax			/* return address */
	pushl	$KCSEL
	pushl	%eax
	lret
	.size	x86_load_segments, . - x86_load_segments

	.section .rodata
	.p2align 2
	.globl	x86_trap_stubs
x86_trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,\
		16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long	trap_stub_\v
	.endr
	.size	x86_trap_stubs, . - x86_trap_stubs
