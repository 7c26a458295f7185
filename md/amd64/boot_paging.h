/*
 * amd64's part of the x86 platform's boot (md/x86/entry_64.S, x86_guest.h):
 * the boot map's paging format, its tables and root, and the CPU features
 * the mode needs, so that the platform names no backend.  4-level paging
 * (Intel SDM vol. 3A, 4.5): 8-byte entries, a page directory entry maps
 * 2 MiB with PS, a page table 2 MiB in 4 KiB pages.
 *
 * Root: x86_boot_pml4 (BOOT_ROOT), CR3 = its physical address.  PML4
 * entries 0 (the identity map, while long mode turns on: entry_64.S clears
 * it, whole, once running high) and 256 (KERNBASE) both point at
 * x86_boot_pdpt, whose entry 0 points at x86_boot_pd: 512 2 MiB pages
 * mapping [0, 1 GiB) supervisor read/write, no NX, not global -- except
 * the 2 MiB around the boot stack's guard page, which x86_boot_pt maps in
 * 4 KiB pages, the guard page left out (a boot-stack overflow faults, then
 * takes the #DF IST stack).  The CPU must have long mode, PAE and NX
 * (EFER.NXE is set by the pmap bootstrap), or the boot is refused.
 *
 * With CONFIG_AMD64_LA57 the root is x86_boot_pml5 instead, entries 0
 * (identity) and 511 (the kernel half) pointing at that PML4, and the CPU
 * must also have LA57 (CPUID.07H:ECX bit 16); CR4.LA57 is set here, paging
 * still off (it cannot change in long mode).
 *
 * The AP trampoline's root is built in C: md/amd64/boot_guest.c.
 */
#ifndef MD_AMD64_BOOT_PAGING_H
#define MD_AMD64_BOOT_PAGING_H

#define X86_BOOT_PTE_SIZE	8
#define X86_BOOT_PT_SHIFT	21	/* a page table maps 2 MiB */
#define AMD64_BOOT_PD_SHIFT	30	/* a directory maps 1 GiB */
#define AMD64_BOOT_PML4_SHIFT	39	/* a PDPT maps 512 GiB */
#define AMD64_BOOT_KERN_PML4E	256	/* (X86_KERNBASE >> 39) & 511; boot_guest.c checks */
#define AMD64_BOOT_KERN_PML5E	511	/* (X86_KERNBASE >> 48) & 511; boot_guest.c checks */
#define AMD64_BOOT_PML5_SHIFT	48	/* a PML4 maps 256 TiB */
#define AMD64_CR4_LA57		0x1000	/* CR4.LA57, SDM vol. 3A, 2.5 */
#define AMD64_CPUID_7_ECX_LA57	0x00010000	/* CPUID_7_ECX_LA57 */

/* Entry bits (SDM vol. 3A, 4.5, tables 4-15 to 4-20). */
#define AMD64_BOOT_PG_V		0x001
#define AMD64_BOOT_PG_RW	0x002
#define AMD64_BOOT_PG_PS	0x080	/* 2 MiB page, in a PDE */

#ifdef __ASSEMBLER__
#ifdef CONFIG_AMD64_LA57
#define BOOT_ROOT	x86_boot_pml5	/* what CR3 loads; its entry 0: the identity map */
#else
#define BOOT_ROOT	x86_boot_pml4	/* what CR3 loads; its entry 0: the identity map */
#endif
#define AMD64_PA(sym)	((sym) - X86_KERNBASE)

/*
 * Long mode, PAE and NX or no boot at all: CPUID leaf 80000001H EDX bits
 * 29 and 20 if leaf 80000000H says that leaf exists, leaf 1 EDX bit 6 (SDM
 * vol. 2A, CPUID).  The platform has checked CPUID exists.  In 32-bit code;
 * may use EAX-EDX; jumps to boot_refuse with %esi the message's physical
 * address.
 */
	.macro	BOOT_CPU_CHECKS
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	2f
	movl	$0x80000001, %eax
	cpuid
	testl	$X86_CPUID_EXT_EDX_LM, %edx
	jz	2f
	testl	$X86_CPUID_EXT_EDX_NX, %edx
	jz	3f
	movl	$1, %eax
	cpuid
	testl	$X86_CPUID_1_EDX_PAE, %edx
	jz	5f
#ifdef CONFIG_AMD64_LA57
	xorl	%eax, %eax
	cpuid
	cmpl	$7, %eax
	jb	6f
	movl	$7, %eax
	xorl	%ecx, %ecx
	cpuid
	testl	$AMD64_CPUID_7_ECX_LA57, %ecx
	jz	6f
#endif
	jmp	4f
2:	movl	$AMD64_PA(amd64_no_lm_msg), %esi
	jmp	boot_refuse
3:	movl	$AMD64_PA(amd64_no_nx_msg), %esi
	jmp	boot_refuse
5:	movl	$AMD64_PA(amd64_no_pae_msg), %esi
	jmp	boot_refuse
#ifdef CONFIG_AMD64_LA57
6:	movl	$AMD64_PA(amd64_no_la57_msg), %esi
	jmp	boot_refuse
#endif
4:
	.endm

/*
 * The boot map, described above, in the zeroed .bss, paging still off
 * (32-bit code).  Writes only the low word of each entry: the high word
 * (address bits 32-51, NX) stays 0.  May use EAX, ECX, EDX, EDI.
 */
	.macro	BOOT_MAP
	/* PD: entry i maps the 2 MiB page at pa i * 2 MiB. */
	movl	$AMD64_PA(x86_boot_pd), %edi
	movl	$(AMD64_BOOT_PG_V | AMD64_BOOT_PG_RW | AMD64_BOOT_PG_PS), %eax
	movl	$512, %ecx
1:	movl	%eax, (%edi)
	addl	$8, %edi
	addl	$0x200000, %eax
	loop	1b
	/* PT: the 2 MiB holding the guard page, in 4 KiB pages... */
	movl	$AMD64_PA(x86_boot_stack_guard), %edx
	andl	$~0x1FFFFF, %edx
	movl	$AMD64_PA(x86_boot_pt), %edi
	movl	%edx, %eax
	orl	$(AMD64_BOOT_PG_V | AMD64_BOOT_PG_RW), %eax
	movl	$512, %ecx
1:	movl	%eax, (%edi)
	addl	$8, %edi
	addl	$0x1000, %eax
	loop	1b
	/* ...but the guard page, */
	movl	$AMD64_PA(x86_boot_stack_guard), %eax
	shrl	$12, %eax
	andl	$511, %eax
	movl	$0, AMD64_PA(x86_boot_pt)(, %eax, 8)
	/* in place of that 2 MiB page. */
	movl	$AMD64_PA(x86_boot_stack_guard), %eax
	shrl	$X86_BOOT_PT_SHIFT, %eax
	movl	$(AMD64_PA(x86_boot_pt) + AMD64_BOOT_PG_V + AMD64_BOOT_PG_RW), \
		AMD64_PA(x86_boot_pd)(, %eax, 8)
	/* PDPT entry 0, PML4 entries 0 (identity) and 256 (KERNBASE). */
	movl	$(AMD64_PA(x86_boot_pd) + AMD64_BOOT_PG_V + AMD64_BOOT_PG_RW), \
		AMD64_PA(x86_boot_pdpt)
	movl	$(AMD64_PA(x86_boot_pdpt) + AMD64_BOOT_PG_V + AMD64_BOOT_PG_RW), \
		AMD64_PA(x86_boot_pml4)
	movl	$(AMD64_PA(x86_boot_pdpt) + AMD64_BOOT_PG_V + AMD64_BOOT_PG_RW), \
		AMD64_PA(x86_boot_pml4) + AMD64_BOOT_KERN_PML4E * 8
#ifdef CONFIG_AMD64_LA57
	/* PML5 entries 0 (identity) and 511 (the kernel half), then CR4.LA57. */
	movl	$(AMD64_PA(x86_boot_pml4) + AMD64_BOOT_PG_V + AMD64_BOOT_PG_RW), \
		AMD64_PA(x86_boot_pml5)
	movl	$(AMD64_PA(x86_boot_pml4) + AMD64_BOOT_PG_V + AMD64_BOOT_PG_RW), \
		AMD64_PA(x86_boot_pml5) + AMD64_BOOT_KERN_PML5E * 8
	movl	%cr4, %eax
	orl	$AMD64_CR4_LA57, %eax
	movl	%eax, %cr4
#endif
	.endm

/* The tables (.bss, page aligned on entry). */
	.macro	BOOT_TABLES
	.globl	x86_boot_pml4, x86_boot_pdpt, x86_boot_pd, x86_boot_pt
x86_boot_pml4:
	.space	4096
#ifdef CONFIG_AMD64_LA57
	.globl	x86_boot_pml5
x86_boot_pml5:
	.space	4096
#endif
x86_boot_pdpt:
	.space	4096
x86_boot_pd:
	.space	4096
x86_boot_pt:
	.space	4096
	.endm

/* Messages BOOT_CPU_CHECKS names (.rodata). */
	.macro	BOOT_MESSAGES
amd64_no_lm_msg:
	.asciz	"pmapkit: this CPU lacks long mode (CPUID.80000001H:EDX bit 29); the amd64 backend needs a 64-bit CPU (qemu-system-x86_64's default qemu64 or -cpu max)\r\n"
amd64_no_nx_msg:
	.asciz	"pmapkit: this CPU lacks NX (no-execute, CPUID.80000001H:EDX bit 20); the amd64 backend needs long mode, PAE and NX (try -cpu max)\r\n"
amd64_no_pae_msg:
	.asciz	"pmapkit: this CPU lacks PAE (CPUID.01H:EDX bit 6); the amd64 backend needs long mode, PAE and NX (try -cpu max)\r\n"
#ifdef CONFIG_AMD64_LA57
amd64_no_la57_msg:
	.asciz	"pmapkit: this CPU lacks LA57 (5-level paging, CPUID.07H:ECX bit 16), which this build (CONFIG_AMD64_LA57) needs (try -cpu max)\r\n"
#endif
	.endm
#else
#include <stdint.h>
/*
 * The root an AP turns paging on with (mp.c, mp_tramp_64.S): below 4 GiB,
 * the kernel's PML4 entries 256-511, those of the kernel pmap's root cr3,
 * plus the trampoline page tramp_pa at its physical address.  Returns the
 * CR3 value (PCID 0).
 */
uint64_t x86_boot_ap_root(uint64_t cr3, uint32_t tramp_pa);
#endif

#endif
