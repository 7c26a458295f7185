/*
 * Multiboot v1 entry: from the loader's flat 32-bit protected mode, paging
 * off, to x86_boot() running high on the boot map.
 *
 * Machine state at _start (multiboot spec 3.2): EAX = 0x2BADB002, EBX = pa
 * of the multiboot information, CS/DS/ES/SS flat 4 GiB, CR0.PG = 0,
 * EFLAGS.IF = 0; ESP, GDTR and IDTR are undefined.  Everything before the
 * jump to x86_entry_high lives in .boot, which is linked at its physical
 * address, so it must name high symbols through PA().
 *
 * What depends on the backend's paging mode -- the entry format, which
 * directories hold the identity and kernel entries, the root and how it is
 * linked, CPU features it needs, its extra tables -- comes from the
 * backend's boot_paging.h (BOOT_* names; md/i386 and md/i386-pae), which
 * x86_guest.h includes: this file names no backend.
 */
#include "x86_guest.h"
#include "multiboot.h"

#define PA(sym)		((sym) - X86_KERNBASE)
#define PG_V		0x001	/* Intel SDM vol. 3A, 4.3 tables 4-5/4-6; 4.4.2 */
#define PG_RW		0x002
#define BOOT_PAGE_SIZE	4096
/* Slot of the first KERNBASE entry in BOOT_KERN_PD. */
#define KERN_PDE	((X86_KERNBASE >> X86_BOOT_PT_SHIFT) & (X86_BOOT_NPTE - 1))

/*
 * Fill %ecx entries from %edi up: %eax, %eax + 4 KiB, ...  Only the low
 * word of a PAE entry is written; the high word (address bits 32-51 and
 * NX) stays as .bss was zeroed.
 */
	.macro	FILL_ENTRIES
1:	movl	%eax, (%edi)
	addl	$X86_BOOT_PTE_SIZE, %edi
	addl	$BOOT_PAGE_SIZE, %eax
	loop	1b
	.endm

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
	 * The kernel is compiled for i686 (platform.mk: -march=i686), whose
	 * CMOV a 486 or Pentium lacks (an invalid-opcode trap at the first one).
	 * Refuse such a CPU here, before any compiled code: CPUID exists where
	 * EFLAGS.ID (bit 21) can be toggled, and leaf 1 EDX bit 15 is CMOV (SDM
	 * vol. 2A, CPUID, table 3-11; vol. 1, 3.4.3).
	 */
	X86_BOOT_CPUID_CHECK no_i686
	xorl	%eax, %eax
	cpuid
	cmpl	$1, %eax
	jb	no_i686
	movl	$1, %eax
	cpuid
	testl	$X86_CPUID_1_EDX_CMOV, %edx
	jz	no_i686

	/* What the backend's paging mode needs of the CPU (boot_paging.h). */
	BOOT_CPU_CHECKS

	/*
	 * Zero .bss, which holds the boot page tables and stack.  QEMU's
	 * loader already zeroes p_memsz beyond p_filesz; another loader need
	 * not.  The multiboot information lies outside the image, so this
	 * cannot clobber it.
	 */
	X86_BOOT_ZERO_BSS

	/* PTs: entry i maps pa i * 4 KiB, supervisor read/write. */
	movl	$PA(x86_boot_ptab), %edi
	movl	$(PG_V | PG_RW), %eax
	movl	$(X86_BOOTMAP_NPT * X86_BOOT_NPTE), %ecx
	FILL_ENTRIES

	/* No PTE for the guard page: a boot-stack overflow faults (#DF). */
	movl	$PA(x86_boot_stack_guard), %eax
	shrl	$12, %eax
	movl	$0, PA(x86_boot_ptab)(, %eax, X86_BOOT_PTE_SIZE)

	/* The identity map of [0, 4 MiB), for the next few instructions. */
	movl	$PA(BOOT_ID_PD), %edi
	movl	$(PA(x86_boot_ptab) + PG_V + PG_RW), %eax
	movl	$X86_BOOT_IDMAP_NPT, %ecx
	FILL_ENTRIES

	/* KERNBASE up: every PT in turn. */
	movl	$(PA(BOOT_KERN_PD) + KERN_PDE * X86_BOOT_PTE_SIZE), %edi
	movl	$(PA(x86_boot_ptab) + PG_V + PG_RW), %eax
	movl	$X86_BOOTMAP_NPT, %ecx
	FILL_ENTRIES

	/* The root above the directories, and the controls it needs (CR4). */
	BOOT_ROOT_LINK

	/*
	 * Paging on; CR0.WP so the kernel too honours read-only PTEs (SDM
	 * vol. 3A, 4.1.3).  No PSE/PGE/NXE: the pmap bootstrap decides those.
	 * An absolute indirect jump leaves the identity-mapped .boot.
	 */
	movl	$PA(BOOT_ROOT), %eax
	movl	%eax, %cr3
	movl	%cr0, %eax
	orl	$(X86_CR0_PG | X86_CR0_WP), %eax
	movl	%eax, %cr0
	movl	$x86_entry_high, %eax
	jmp	*%eax

/*
 * Cannot boot: say why and exit (X86_BOOT_FAIL, x86_guest.h), %esi the
 * message, %bl the status.
 */
no_i686:
	movl	$PA(no_i686_msg), %esi
/* A CPU the build cannot run on, %esi the message (BOOT_CPU_CHECKS too). */
boot_refuse:
	movb	$X86_EXIT_NOCPU, %bl
	jmp	boot_fail
bad_magic:
	movl	$PA(bad_magic_msg), %esi
	movb	$X86_EXIT_FAIL, %bl
	X86_BOOT_FAIL
	.size	_start, . - _start

	.section .rodata
bad_magic_msg:
	.asciz	"_start: EAX is not the multiboot magic 0x2BADB002\r\n"
no_i686_msg:
	.asciz	"pmapkit: this CPU lacks CMOV (CPUID.01H:EDX bit 15, or no CPUID at all): the kernel is built for i686 and cannot run on a 486 or Pentium (try -cpu pentium2 or later)\r\n"
	BOOT_MESSAGES

/*
 * Running high.  Drop the identity entry so stray low addresses fault (a
 * CR3 reload flushes it, SDM vol. 3A, 4.10.4.1, and reloads the PDPTEs,
 * 4.4.1), switch to the boot stack (16-byte aligned at the call, as the
 * i386 psABI asks), call C.
 */
	.text
	.type	x86_entry_high, @function
x86_entry_high:
	movl	$0, BOOT_ROOT
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
 * Boot page tables (physical addresses are PA() of these), and the boot
 * stack above an unmapped guard page.  In .bss, so they cost no file space;
 * the order keeps a stack overflow off the page tables.  The backend's
 * extra root tables (BOOT_TABLES) follow the directory.
 */
	.bss
	.p2align 12
	.globl	x86_boot_pdir, x86_boot_ptab, x86_boot_root
x86_boot_pdir:
	.space	BOOT_PAGE_SIZE
	BOOT_TABLES
	.p2align 12
x86_boot_ptab:
	.space	X86_BOOTMAP_NPT * BOOT_PAGE_SIZE
	.globl	x86_boot_stack_guard, x86_boot_stack, x86_boot_stack_top
x86_boot_stack_guard:
	.space	BOOT_PAGE_SIZE
x86_boot_stack:
	.space	X86_BOOT_STACK_SIZE
x86_boot_stack_top:
	.set	x86_boot_root, BOOT_ROOT
