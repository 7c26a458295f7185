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

/* Public (<pmap/pmap.h> includes this): PMAP_ names only; <pmap/pmap_names.h> has the short ones. */
typedef uint32_t pmap_vaddr_t;
typedef uint32_t pmap_vsize_t;
typedef uint32_t pmap_paddr_t;
typedef uint32_t pmap_psize_t;
typedef uint32_t pmap_pte_t;

#include "x86_layout.h"

/* printf conversions of the address types, width-neutral: "%#" PMAP_PRIxVADDR. */
#define PMAP_PRIxVADDR		__UINT32_FMTx__
#define PMAP_PRIxPADDR		__UINT32_FMTx__

#define PMAP_MD_NAME		"i386"
/*
 * Walks reach tables through the recursive slot and per-CPU windows, but
 * every table page also lies in the direct map (pmap_md_ops.table_direct):
 * mi/ may keep a leaf table's address, and pmap_extract may read through it
 * without the pmap's lock (PORTING.md; mi/ reads the generation by halves).
 */
#define PMAP_MD_DIRECT_TABLES	1
#define PMAP_MD_NLEVELS		2
/* Index bits of the root and of every table below it (the geometry: PORTING.md). */
#define PMAP_MD_ROOT_BITS	10
#define PMAP_MD_INDEX_BITS	10
#define PMAP_PA_BITS		32
#define PMAP_PA_MAX		0xFFFFFFFFull	/* highest addressable byte */

struct pmap;
struct pmap_md {
	pmap_paddr_t	 pm_pdirpa;	/* page directory */
};

#endif /* MD_I386_PMAP_MD_H */
