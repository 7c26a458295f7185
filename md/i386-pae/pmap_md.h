/*
 * i386-PAE (PDPT + 2 levels, 8-byte entries; Intel SDM vol. 3A, 4.4)
 * address types and virtual layout.  Every layout fact of this backend
 * lives here; mi/ reads them by name.
 *
 *   0x00000000 +-----------------------------+  PDPT slots 0-2: per pmap
 *              | user space                  |  VM_MIN_ADDRESS..VM_MAXUSER_ADDRESS
 *   0xC0000000 +-----------------------------+  KERNBASE, PDPT slot 3: ONE page
 *              | direct map of low RAM       |  directory shared by every pmap, so
 *              | (kernel image at +1 MiB)    |  kernel growth needs no copying
 *   0xE0000000 +-----------------------------+  VM_MIN_KERNEL_VA
 *              | kernel virtual space        |
 *   0xFF800000 +-----------------------------+  PTE_BASE: kernel PD slot 508 points
 *              | kernel page tables (2 MiB)  |  at the kernel PD itself
 *   0xFF9FC000 |   ..the kernel PD           |  PDP_BASE
 *   0xFFA00000 +-----------------------------+  WIN_BASE: slot 509, per-CPU windows
 *              | windows                     |  (PDPT, PD, PT, zero/copy src, dst)
 *   0xFFC00000 +-----------------------------+  slots 510-511 unused
 *
 * User page tables have no recursive alias (the shared kernel PD cannot
 * point at per-pmap directories): they are reached through the windows.
 */
#ifndef MD_I386_PAE_PMAP_MD_H
#define MD_I386_PAE_PMAP_MD_H

#include <stdint.h>

/* Public (<pmap/pmap.h> includes this): PMAP_ names only; <pmap/pmap_names.h> has the short ones. */
typedef uint32_t pmap_vaddr_t;
typedef uint32_t pmap_vsize_t;
typedef uint64_t pmap_paddr_t;
typedef uint64_t pmap_psize_t;
/*
 * i386's ABI aligns uint64_t to 4 bytes; entries are 8-aligned in their
 * tables, and saying so lets every access be one lock-free 8-byte atomic
 * (cmpxchg8b) instead of a library call that could tear.
 */
typedef uint64_t pmap_pte_t __attribute__((aligned(8)));

#include "x86_layout.h"

/* printf conversions of the address types, width-neutral: "%#" PMAP_PRIxVADDR. */
#define PMAP_PRIxVADDR		__UINT32_FMTx__
#define PMAP_PRIxPADDR		__UINT64_FMTx__

#define PMAP_MD_NAME		"i386-pae"
/*
 * Walks reach tables through the recursive slot and per-CPU windows, but
 * every table page also lies in the direct map (pmap_md_ops.table_direct):
 * mi/ may keep a leaf table's address, and pmap_extract may read through it
 * without the pmap's lock (PORTING.md; mi/ reads the generation by halves).
 */
#define PMAP_MD_DIRECT_TABLES	1
#define PMAP_MD_NLEVELS		3
/* Index bits of the root (the 4-entry PDPT) and of every table below it (PORTING.md). */
#define PMAP_MD_ROOT_BITS	2
#define PMAP_MD_INDEX_BITS	9
#define PMAP_PA_BITS		36		/* classic PAE; QEMU's -cpu max has more */
#define PMAP_PA_MAX		0xFFFFFFFFFull

struct pmap;
struct pmap_md {
	pmap_paddr_t	 pm_pdptpa;	/* the PDPT's page, below 4 GiB (CR3 is 32 bits) */
};

#endif /* MD_I386_PAE_PMAP_MD_H */
