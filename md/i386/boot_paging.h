/*
 * i386's part of the x86 platform's boot (md/x86/entry_32.S, x86_guest.h):
 * the boot map's paging format and how its root is put together, so that
 * the platform names no backend.  32-bit paging (Intel SDM vol. 3A, 4.3):
 * 4-byte entries, a page table maps 4 MiB.
 *
 * Root: x86_boot_pdir, one page directory, CR3 = its physical address.
 * PDE 0 holds the identity map of [0, 4 MiB) while paging turns on
 * (BOOT_ID_PD, cleared by entry_32.S once running high); PDEs 768-783 point
 * at the 16 tables of x86_boot_ptab (BOOT_KERN_PD).  No CPU feature beyond
 * the platform's i686 check is needed, and nothing in CR4.
 *
 * The AP trampoline's root is built in C: md/i386/boot_guest.c.
 */
#ifndef MD_I386_BOOT_PAGING_H
#define MD_I386_BOOT_PAGING_H

#define X86_BOOT_PTE_SIZE	4
#define X86_BOOT_PT_SHIFT	22	/* a page table maps 4 MiB */

#ifdef __ASSEMBLER__
#define BOOT_ROOT	x86_boot_pdir	/* what CR3 loads */
#define BOOT_ID_PD	x86_boot_pdir	/* the directory holding the identity PDE */
#define BOOT_KERN_PD	x86_boot_pdir	/* the directory holding the KERNBASE PDEs */

/* CPU checks beyond i686 (may jump to boot_refuse with %esi a message). */
	.macro	BOOT_CPU_CHECKS
	.endm
/* After the directories are filled, before CR3 and CR0.PG. */
	.macro	BOOT_ROOT_LINK
	.endm
/* The root tables beyond x86_boot_pdir (.bss, page aligned on entry). */
	.macro	BOOT_TABLES
	.endm
/* Messages BOOT_CPU_CHECKS names (.rodata). */
	.macro	BOOT_MESSAGES
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
