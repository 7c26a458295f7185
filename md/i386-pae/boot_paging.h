/*
 * i386-pae's part of the x86 platform's boot (md/x86/entry_32.S,
 * x86_guest.h): the boot map's paging format and how its root is put
 * together, so that the platform names no backend.  PAE paging (Intel SDM
 * vol. 3A, 4.4): 8-byte entries, a page table maps 2 MiB, a directory
 * 1 GiB, one PDPTE's worth.
 *
 * Root: x86_boot_pdpt, a 32-byte PDPT, CR3 = its physical address.
 * PDPTE 0 -> x86_boot_pdir_id, whose PDEs 0-1 hold the identity map of
 * [0, 4 MiB) while paging turns on (cleared by entry_32.S, whole, once
 * running high); PDPTE 3 -> x86_boot_pdir, whose PDEs 0-31 point at the 32
 * tables of x86_boot_ptab.  PDPTEs 1 and 2 are not present.  QEMU 7.2 sets
 * bit 5 (A) of the PDPTEs it walks, a reserved bit on real CPUs (SDM vol.
 * 3A, table 4-8): PDPTE 3 reads back 0x...021.  The CPU must have PAE and
 * NX (EFER.NXE is set by the pmap bootstrap), or the boot is refused.
 *
 * The AP trampoline's root is built in C: md/i386-pae/boot_guest.c.
 */
#ifndef MD_I386_PAE_BOOT_PAGING_H
#define MD_I386_PAE_BOOT_PAGING_H

#define X86_BOOT_PTE_SIZE	8
#define X86_BOOT_PT_SHIFT	21	/* a page table maps 2 MiB */
#define X86_BOOT_PDPT_SHIFT	30	/* a directory maps 1 GiB */

#ifdef __ASSEMBLER__
#define BOOT_ROOT	x86_boot_pdpt
#define BOOT_ID_PD	x86_boot_pdir_id
#define BOOT_KERN_PD	x86_boot_pdir
#define BOOT_KERN_PDPTE	(X86_KERNBASE >> X86_BOOT_PDPT_SHIFT)
#define PAE_CR4_PAE	0x00000020	/* CR4.PAE, SDM vol. 3A, 2.5 */
#define PAE_PG_V	0x001

/*
 * PAE paging and NX or no boot at all: CPUID leaf 1 EDX bit 6, and leaf
 * 80000001H EDX bit 20 if leaf 80000000H says that leaf exists (SDM vol.
 * 2A, CPUID).  The platform has checked CPUID exists.
 */
	.macro	BOOT_CPU_CHECKS
	xorl	%eax, %eax
	cpuid
	cmpl	$1, %eax
	jb	2f
	movl	$1, %eax
	cpuid
	testl	$X86_CPUID_1_EDX_PAE, %edx
	jz	2f
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	3f
	movl	$0x80000001, %eax
	cpuid
	testl	$X86_CPUID_EXT_EDX_NX, %edx
	jz	3f
	jmp	4f
2:	movl	$(pae_no_pae_msg - X86_KERNBASE), %esi
	jmp	boot_refuse
3:	movl	$(pae_no_nx_msg - X86_KERNBASE), %esi
	jmp	boot_refuse
4:
	.endm

/*
 * PDPTEs hold P and the address only: bits 1-2, 5-8 and 63 are reserved,
 * and a set one makes the PDPTE load #GP (SDM vol. 3A, 4.4.1, table 4-8).
 * CR4.PAE while paging is still off: setting CR0.PG then selects PAE
 * paging (4.1.2) and loads the PDPTEs.
 */
	.macro	BOOT_ROOT_LINK
	movl	$(x86_boot_pdpt - X86_KERNBASE), %edi
	movl	$(x86_boot_pdir_id - X86_KERNBASE + PAE_PG_V), (%edi)
	movl	$(x86_boot_pdir - X86_KERNBASE + PAE_PG_V), (BOOT_KERN_PDPTE * 8)(%edi)
	movl	%cr4, %eax
	orl	$PAE_CR4_PAE, %eax
	movl	%eax, %cr4
	.endm

/*
 * The identity directory (a page), then the PDPT: 32-byte alignment is
 * enough (SDM vol. 3A, 4.4.1), but it takes the rest of a page here.
 */
	.macro	BOOT_TABLES
	.globl	x86_boot_pdir_id, x86_boot_pdpt
x86_boot_pdir_id:
	.space	4096
x86_boot_pdpt:
	.space	4 * 8
	.p2align 12
	.endm

	.macro	BOOT_MESSAGES
pae_no_pae_msg:
	.asciz	"pmapkit: this CPU lacks PAE (CPUID.01H:EDX bit 6); the i386-pae backend needs PAE and NX (try -cpu max)\r\n"
pae_no_nx_msg:
	.asciz	"pmapkit: this CPU lacks NX (no-execute, CPUID.80000001H:EDX bit 20); the i386-pae backend needs PAE and NX (try -cpu max)\r\n"
	.endm
#else
#include <stdint.h>
/*
 * The root an AP turns paging on with (mp.c): the kernel's entries, those
 * of the kernel pmap's root cr3, plus one page table mapping the trampoline
 * page tramp_pa at its physical address.  Returns the CR3 value.
 */
uint32_t x86_boot_ap_root(uint32_t cr3, uint32_t tramp_pa);
#endif

#endif
