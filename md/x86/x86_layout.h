/*
 * The virtual layout both x86 backends (i386, i386-pae) share, because they
 * boot through the same platform (md/x86/entry_32.S, kernel.ld): the user/kernel
 * split, the direct map of low RAM at PMAP_KERNBASE, the kernel's own space and
 * the boot map.  Each backend's <pmap_md.h> includes this after defining its
 * address types and adds what differs (levels, PA width, PTmap and windows).
 */
#ifndef MD_X86_X86_LAYOUT_H
#define MD_X86_X86_LAYOUT_H

#define PMAP_PAGE_SHIFT		12
#define PMAP_PAGE_SIZE		(1u << PMAP_PAGE_SHIFT)
#define PMAP_PAGE_MASK		(PMAP_PAGE_SIZE - 1)

#define PMAP_VM_MIN_ADDRESS		0x00000000u
#define PMAP_VM_MAXUSER_ADDRESS	0xC0000000u
#define PMAP_KERNBASE		0xC0000000u	/* = KERNBASE in md/x86/kernel.ld */
#define PMAP_DIRECT_MAX		0x20000000u	/* 512 MiB of RAM direct-mapped */
#define PMAP_RAM_BASE		0x00000000u	/* the direct map starts at pa 0 */
#define PMAP_DIRECT_END		((pmap_paddr_t)PMAP_RAM_BASE + PMAP_DIRECT_MAX)
#define PMAP_VM_MIN_KERNEL_VA	0xE0000000u
#define PMAP_VM_MAX_KERNEL_VA	0xFF800000u	/* end of kernel virtual space */
#define PMAP_MAXCPUS		8

/* The boot code maps [PMAP_KERNBASE, PMAP_KERNBASE + this) to [0, this) before pmap_bootstrap. */
#define PMAP_BOOTMAP_SIZE	0x04000000u

/*
 * What a starting CPU loads to run on the kernel pmap (pmap_paging): CR3,
 * the CR0 and CR4 bits to set (CR4.PAE selects the paging mode: a
 * trampoline sets it before CR0.PG), and the EFER bits to set (NXE).
 */
struct pmap_paging {
	uint32_t	cr3;
	uint32_t	cr0_set;
	uint32_t	cr4_set;
	uint64_t	efer_set;
};

/* Kernel VA of a directly mapped physical address. */
#define PMAP_DIRECT_VA(pa)	((pmap_vaddr_t)(PMAP_KERNBASE + (pa)))

#endif /* MD_X86_X86_LAYOUT_H */
