/*
 * The virtual layout both x86 backends (i386, i386-pae) share, because they
 * boot through the same platform (md/x86/entry.S, kernel.ld): the user/kernel
 * split, the direct map of low RAM at KERNBASE, the kernel's own space and
 * the boot map.  Each backend's <pmap_md.h> includes this after defining its
 * address types and adds what differs (levels, PA width, PTmap and windows).
 */
#ifndef MD_X86_X86_LAYOUT_H
#define MD_X86_X86_LAYOUT_H

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1u << PAGE_SHIFT)
#define PAGE_MASK		(PAGE_SIZE - 1)

#define VM_MIN_ADDRESS		0x00000000u
#define VM_MAXUSER_ADDRESS	0xC0000000u
#define KERNBASE		0xC0000000u	/* = KERNBASE in md/x86/kernel.ld */
#define PMAP_DIRECT_MAX		0x20000000u	/* 512 MiB of RAM direct-mapped */
#define PMAP_RAM_BASE		0x00000000u	/* the direct map starts at pa 0 */
#define PMAP_DIRECT_END		((paddr_t)PMAP_RAM_BASE + PMAP_DIRECT_MAX)
#define VM_MIN_KERNEL_VA	0xE0000000u
#define VM_MAX_KERNEL_VA	0xFF800000u	/* end of kernel virtual space */
#define PMAP_MAXCPUS		8

/* The boot code maps [KERNBASE, KERNBASE + this) to [0, this) before pmap_bootstrap. */
#define PMAP_BOOTMAP_SIZE	0x04000000u

/* Kernel VA of a directly mapped physical address. */
#define PMAP_DIRECT_VA(pa)	((vaddr_t)(KERNBASE + (pa)))

#endif /* MD_X86_X86_LAYOUT_H */
