/*
 * Multiboot v1 entry: from the loader's flat 32-bit protected mode, paging
 * off, to x86_boot() running high on the boot map.
 *
 * Machine state at _start (multiboot spec 3.2): EAX = 0x2BADB002, EBX = pa
 * of the multiboot information, CS/DS/ES/SS flat 4 GiB, CR0.PG = 0,
 * EFLAGS.IF = 0; ESP, GDTR and IDTR are undefined.  Everything before the
 * jump to x86_entry_high lives in .boot, which is linked at its physical
 * address, so it must name high symbols through PA().
 */
#include "x86_guest.h"
#include "multiboot.h"

#define PA(sym)		((sym) - X86_KERNBASE)
#define PG_V		0x001	/* Intel SDM vol. 3A, 4.3, tables 4-5/4-6 */
#define PG_RW		0x002
#define PDE_SHIFT	22
#define BOOT_PAGE_SIZE	4096
#define PTE_PER_PT	1024
#define COM1		0x3f8
#define DEBUG_EXIT_PORT	0xf4
#define EXIT_FAIL	0x11	/* KERN_EXIT_FAIL */
#define CR0_PG		0x80000000
#define CR0_WP		0x00010000

/*
 * The header must lie 4-byte aligned in the first 8 KiB of the file (spec
 * 3.1.1); kernel.ld puts .multiboot first.
 */
	.section .multiboot, "a"
	.p2align 2
multiboot_header:
	.long	MULTIBOOT_HEADER_MAGIC
	.long	MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO
	.long	-(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_PAGE_ALIGN + MULTIBOOT_MEMORY_INFO)

	.section .boot, "ax"
	.code32
	.globl	_start
	.type	_start, @function
_start:
	cli
	cld
	cmpl	$MULTIBOOT_BOOTLOADER_MAGIC, %eax
	jne	bad_magic
	movl	%ebx, %esi		/* mbinfo pa: callee-saved from here on */

	/*
	 * Zero .bss, which holds the boot page tables and stack.  QEMU's
	 * loader already zeroes p_memsz beyond p_filesz; another loader need
	 * not.  The multiboot information lies outside the image, so this
	 * cannot clobber it.
	 */
	movl	$PA(__bss_start), %edi
	movl	$PA(__bss_end), %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl

	/* PTs: entry i maps pa i * 4 KiB, supervisor read/write. */
	movl	$PA(x86_boot_ptab), %edi
	movl	$(PG_V | PG_RW), %eax
	movl	$(X86_BOOTMAP_NPT * PTE_PER_PT), %ecx
1:	stosl
	addl	$BOOT_PAGE_SIZE, %eax
	loop	1b

	/* No PTE for the guard page: a boot-stack overflow faults (#DF). */
	movl	$PA(x86_boot_stack_guard), %eax
	shrl	$12, %eax
	movl	$0, PA(x86_boot_ptab)(, %eax, 4)

	/* PD: slot 0 identity (for the next few instructions), KERNBASE up. */
	movl	$PA(x86_boot_pdir), %edi
	movl	$(PA(x86_boot_ptab) + PG_V + PG_RW), %eax
	movl	%eax, (%edi)
	leal	((X86_KERNBASE >> PDE_SHIFT) * 4)(%edi), %edx
	movl	$X86_BOOTMAP_NPT, %ecx
2:	movl	%eax, (%edx)
	addl	$BOOT_PAGE_SIZE, %eax
	addl	$4, %edx
	loop	2b

	/*
	 * Paging on; CR0.WP so the kernel too honours read-only PTEs (SDM
	 * vol. 3A, 4.1.3).  No PSE/PGE: the pmap bootstrap decides those.
	 * An absolute indirect jump leaves the identity-mapped .boot.
	 */
	movl	%edi, %cr3
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_WP), %eax
	movl	%eax, %cr0
	movl	$x86_entry_high, %eax
	jmp	*%eax

/* Not booted by multiboot: say so on COM1 (no init needed in QEMU), exit. */
bad_magic:
	movl	$PA(bad_magic_msg), %esi
3:	lodsb
	testb	%al, %al
	jz	4f
	movw	$COM1, %dx
	outb	%al, %dx
	jmp	3b
4:	movb	$EXIT_FAIL, %al
	movw	$DEBUG_EXIT_PORT, %dx
	outb	%al, %dx
5:	cli
	hlt
	jmp	5b
	.size	_start, . - _start

	.section .rodata
bad_magic_msg:
	.asciz	"_start: EAX is not the multiboot magic 0x2BADB002\r\n"

/*
 * Running high.  Drop the identity slot so stray low addresses fault (a
 * CR3 reload flushes it: SDM vol. 3A, 4.10.4.1), switch to the boot stack
 * (16-byte aligned at the call, as the i386 psABI asks), call C.
 */
	.text
	.type	x86_entry_high, @function
x86_entry_high:
	movl	$0, x86_boot_pdir
	movl	%cr3, %eax
	movl	%eax, %cr3
	movl	$x86_boot_stack_top, %esp
	xorl	%ebp, %ebp
	subl	$12, %esp
	pushl	%esi
	call	x86_boot
6:	cli
	hlt
	jmp	6b
	.size	x86_entry_high, . - x86_entry_high

/*
 * Boot page directory and tables (physical addresses are PA() of these),
 * and the boot stack above an unmapped guard page.  In .bss, so they cost
 * no file space; the order keeps a stack overflow off the page tables.
 */
	.bss
	.p2align 12
	.globl	x86_boot_pdir, x86_boot_ptab
x86_boot_pdir:
	.space	BOOT_PAGE_SIZE
x86_boot_ptab:
	.space	X86_BOOTMAP_NPT * BOOT_PAGE_SIZE
	.globl	x86_boot_stack_guard, x86_boot_stack, x86_boot_stack_top
x86_boot_stack_guard:
	.space	BOOT_PAGE_SIZE
x86_boot_stack:
	.space	X86_BOOT_STACK_SIZE
x86_boot_stack_top:
