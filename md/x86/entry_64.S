/*
 * PVH entry of the 64-bit build: from the loader's flat 32-bit protected
 * mode, paging off, into long mode, to x86_boot() running high on the boot
 * map.
 *
 * QEMU's multiboot loader refuses an ELF64 image; its PVH boot (the "x86/HVM
 * direct boot ABI" of Xen, which QEMU's -kernel takes for an ELF file with a
 * XEN_ELFNOTE_PHYS32_ENTRY note and no multiboot header) loads the ELF
 * segments at their physical addresses (p_paddr) and enters the note's
 * address with: 32-bit protected mode, paging off, CS/DS/ES/SS flat 4 GiB
 * (CS execute/read, the others read/write), EFLAGS.IF = 0, EBX = pa of the
 * struct hvm_start_info (magic X86_PVH_MAGIC); ESP, GDTR and IDTR are
 * undefined.  Everything before the jump to x86_entry_high lives in .boot,
 * which is linked at its physical address, so it names high symbols
 * through PA().
 *
 * What depends on the backend's paging -- the entry format, the tables and
 * the root, the CPU features it needs -- comes from the backend's
 * boot_paging.h (BOOT_* names; md/amd64), which x86_guest.h includes: this
 * file names no backend.  Long mode itself is the ISA's: CR4.PAE, CR3 =
 * the root, EFER.LME, CR0.PG (SDM vol. 3A, 9.8.5), then a far jump to a
 * 64-bit code segment of the boot GDT here.
 */
#include "x86_guest.h"

#define PA(sym)		((sym) - X86_KERNBASE)
#define XEN_ELFNOTE_PHYS32_ENTRY 18	/* Xen's public/elfnote.h */
#define BOOT_CS64	0x08		/* boot_gdt[1]: 64-bit code, DPL 0 */
#define BOOT_DS		0x10		/* boot_gdt[2]: data, DPL 0 */

/*
 * The PVH entry note: name "Xen", type 18, the physical entry address.
 * 8 bytes of it, as Linux gives on x86-64: QEMU 7.2 reads a pointer-sized
 * value from an ELF64 note, at the name's end rounded up to the note
 * segment's alignment, so that alignment must be 4 (the standard note
 * layout's).  kernel_64.ld makes it a PT_NOTE segment.
 */
	.section .note.Xen, "a", @note
	.p2align 2
	.long	4			/* namesz: "Xen\0" */
	.long	8			/* descsz */
	.long	XEN_ELFNOTE_PHYS32_ENTRY
	.asciz	"Xen"
	.quad	_start

	.section .boot, "ax"
	.code32
	.globl	_start
	.type	_start, @function
_start:
	cli
	cld
	/*
	 * A stack for the CPUID check's pushes (the loader gives none): the
	 * boot stack, at its physical address, before .bss is zeroed -- the
	 * zeroing below clobbers nothing live.
	 */
	movl	$PA(x86_boot_stack_top), %esp
	cmpl	$X86_PVH_MAGIC, (%ebx)
	jne	bad_magic
	movl	%ebx, %esi		/* start info pa: callee-saved from here on */

	/*
	 * CPUID exists where EFLAGS.ID (bit 21) can be toggled (SDM vol. 1,
	 * 3.4.3); a CPU without it has no long mode either.
	 */
	X86_BOOT_CPUID_CHECK no_cpuid

	/* What the backend's paging needs of the CPU (boot_paging.h). */
	BOOT_CPU_CHECKS

	/*
	 * Zero .bss, which holds the boot page tables and stack.  QEMU's
	 * loader already zeroes p_memsz beyond p_filesz; another loader need
	 * not.  The start info lies outside the image, so this cannot
	 * clobber it.
	 */
	X86_BOOT_ZERO_BSS

	/* The boot map and its root (boot_paging.h). */
	BOOT_MAP

	/*
	 * Long mode (SDM vol. 3A, 9.8.5): CR4.PAE, CR3, EFER.LME, then
	 * CR0.PG, which activates it (EFER.LMA) in compatibility mode;
	 * CR0.WP so the kernel too honours read-only entries (4.1.3).  No
	 * PGE/NXE/PCIDE: the pmap bootstrap decides those.
	 */
	movl	%cr4, %eax
	orl	$X86_CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$PA(BOOT_ROOT), %eax
	movl	%eax, %cr3
	movl	$X86_MSR_EFER, %ecx
	rdmsr
	orl	$X86_EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(X86_CR0_PG | X86_CR0_WP), %eax
	movl	%eax, %cr0
	/* 64-bit mode: a far jump to a long-mode code segment. */
	lgdt	boot_gdtr
	ljmpl	$BOOT_CS64, $boot_64

/*
 * Cannot boot: say why and exit (X86_BOOT_FAIL, x86_guest.h), %esi the
 * message, %bl the status.
 */
no_cpuid:
	movl	$PA(no_cpuid_msg), %esi
/* A CPU the build cannot run on, %esi the message (BOOT_CPU_CHECKS too). */
boot_refuse:
	movb	$X86_EXIT_NOCPU, %bl
	jmp	boot_fail
bad_magic:
	movl	$PA(bad_magic_msg), %esi
	movb	$X86_EXIT_FAIL, %bl
	X86_BOOT_FAIL

	.code64
/* Identity-mapped 64-bit code: data segments, then up to the high half. */
boot_64:
	movw	$BOOT_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movabsq	$x86_entry_high, %rax
	jmp	*%rax
	.size	_start, . - _start

/*
 * The boot GDT (SDM vol. 3A, 3.4.5): null, 64-bit code (L = 1, D = 0),
 * data; enough until x86_desc_init loads the CPU's own.  The 32-bit
 * pseudo-descriptor holds its physical address, the 64-bit one (loaded
 * once running high) its KERNBASE alias, which outlives the identity map.
 */
	.p2align 3
boot_gdt:
	.quad	0
	.quad	0x00AF9A000000FFFF
	.quad	0x00CF92000000FFFF
boot_gdtr:
	.word	3 * 8 - 1
	.long	boot_gdt

	.section .rodata
	.p2align 3
boot_gdtr_high:
	.word	3 * 8 - 1
	.quad	boot_gdt + X86_KERNBASE
bad_magic_msg:
	.asciz	"_start: EBX does not point at a PVH start info (magic 0x336ec578)\r\n"
no_cpuid_msg:
	.asciz	"pmapkit: this CPU lacks CPUID, so long mode: the 64-bit build cannot run on it\r\n"
	BOOT_MESSAGES

/*
 * Running high.  The GDTR to the boot GDT's high alias, then drop the
 * identity entry so stray low addresses fault (a CR3 reload flushes it,
 * SDM vol. 3A, 4.10.4.1), switch to the boot stack (16-byte aligned at the
 * call, as the SysV ABI asks), call C with the start info's address.
 */
	.text
	.type	x86_entry_high, @function
x86_entry_high:
	lgdt	boot_gdtr_high(%rip)
	movq	$0, BOOT_ROOT(%rip)
	movq	%cr3, %rax
	movq	%rax, %cr3
	leaq	x86_boot_stack_top(%rip), %rsp
	xorl	%ebp, %ebp
	movl	%esi, %edi
	call	x86_boot
6:	cli
	hlt
	jmp	6b
	.size	x86_entry_high, . - x86_entry_high

/*
 * Boot page tables (the backend's BOOT_TABLES; physical addresses are PA()
 * of these), and the boot stack above an unmapped guard page.  In .bss,
 * so they cost no file space; the order keeps a stack overflow off the
 * page tables.
 */
	.bss
	.p2align 12
	BOOT_TABLES
	.p2align 12
	.globl	x86_boot_stack_guard, x86_boot_stack, x86_boot_stack_top, x86_boot_root
x86_boot_stack_guard:
	.space	4096
x86_boot_stack:
	.space	X86_BOOT_STACK_SIZE
x86_boot_stack_top:
	.set	x86_boot_root, BOOT_ROOT
