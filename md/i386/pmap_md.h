/*
 * i386 (2-level, 4-byte entries) address types and virtual layout.
 * Every layout fact of this backend lives here; mi/ reads them by name.
 *
 *   0x00000000 +-----------------------------+
 *              | user space                  |  VM_MIN_ADDRESS..VM_MAXUSER_ADDRESS
 *   0xC0000000 +-----------------------------+  KERNBASE
 *              | direct map of low RAM       |  4 MiB PSE pages when available;
 *              | (kernel image at +1 MiB)    |  at most PMAP_DIRECT_MAX bytes
 *   0xE0000000 +-----------------------------+  VM_MIN_KERNEL_VA
 *              | kernel virtual space        |  pmap_growkernel, kenter, steal
 *   0xFF800000 +-----------------------------+  PTE_BASE: recursive slot 1022
 *              | PTmap: current page tables  |  (supervisor-only)
 *   0xFFBFE000 |   ..its page directory      |  PDP_BASE
 *   0xFFC00000 +-----------------------------+  slot 1023
 *              | per-CPU windows             |  foreign page tables, zero/copy
 *   0xFFFFFFFF +-----------------------------+
 */
#ifndef MD_I386_PMAP_MD_H
#define MD_I386_PMAP_MD_H

#include <stdint.h>

typedef uint32_t vaddr_t;
typedef uint32_t vsize_t;
typedef uint32_t paddr_t;
typedef uint32_t psize_t;
typedef uint32_t pt_entry_t;

#include "../x86/x86_layout.h"

#define PMAP_MD_NAME		"i386"
#define PMAP_MD_NLEVELS		2
#define PMAP_PA_BITS		32
#define PMAP_PA_MAX		0xFFFFFFFFull	/* highest addressable byte */

#define PDIR_SLOT_PTE		1022u		/* recursive PDE */
#define PDIR_SLOT_WIN		1023u		/* window page table */
#define PTE_BASE		(PDIR_SLOT_PTE << 22)
#define PDP_BASE		(PTE_BASE + (PDIR_SLOT_PTE << PAGE_SHIFT))
#define WIN_BASE		(PDIR_SLOT_WIN << 22)
#define PMAP_NWINDOWS		4		/* per CPU: PD, PT, zero/copy src, dst */

struct pmap;
struct pmap_md {
	paddr_t		 pm_pdirpa;	/* page directory */
	struct pmap	*pm_next;	/* all user pmaps, for kernel PDE sync */
	struct pmap	*pm_prev;
};

#endif /* MD_I386_PMAP_MD_H */
