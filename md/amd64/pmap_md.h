/*
 * amd64 (4-level paging, 48-bit VAs; Intel SDM vol. 3A, 4.5) address types
 * and virtual layout.  Every layout fact of this backend lives here; mi/,
 * kern/, the tests and the guest platform read them by name.
 *
 *   0x0000000000000000 +--------------------------+  PML4 slots 0-255: per pmap
 *                      | user space               |  VM_MIN_ADDRESS..VM_MAXUSER_ADDRESS
 *   0x0000800000000000 +--------------------------+  (the lower half's end)
 *                      | non-canonical hole       |  #GP on any access
 *   0xFFFF800000000000 +--------------------------+  KERNBASE, PML4 slot 256: the
 *                      | direct map of all RAM    |  direct map, 1 GiB pages (2 MiB
 *                      | (kernel image at +1 MiB) |  without them), text in 4 KiB pages
 *   0xFFFF808000000000 +--------------------------+  slots 257-510: reserved
 *   0xFFFFFF8000000000 +--------------------------+  VM_MIN_KERNEL_VA, slot 511
 *                      | kernel virtual space     |
 *   0xFFFFFFFF80000000 +--------------------------+  VM_MAX_KERNEL_VA; the top 2 GiB
 *                      | reserved                 |  are the pmap's (reserved_range)
 *
 * The kernel's PML4 entries (slots 256 and 511) are made at bootstrap and
 * never change, so every user PML4 copies them once, at creation.  No
 * recursive slot, no windows: every table is reached through the direct map.
 *
 * With CONFIG_AMD64_LA57 (5-level paging) a PML5 is the root: user space is
 * the lower half of a 57-bit space, 0 .. 0x0100000000000000, and the kernel
 * half holds one entry, slot 511, over a PML4 laid out as above, so every
 * kernel address is the same.
 */
#ifndef MD_AMD64_PMAP_MD_H
#define MD_AMD64_PMAP_MD_H

#include <stdint.h>

/* Installed, this header learns the Kconfig the library was built with from its neighbour. */
#if !defined(CONFIG_BACKEND_AMD64) && __has_include("pmapkit_config.h")
#include "pmapkit_config.h"
#endif

/* Public (<pmap/pmap.h> includes this): PMAP_ names only; <pmap/pmap_names.h> has the short ones. */
typedef uint64_t pmap_vaddr_t;
typedef uint64_t pmap_vsize_t;
typedef uint64_t pmap_paddr_t;
typedef uint64_t pmap_psize_t;
typedef uint64_t pmap_pte_t;

/* printf conversions of the address types, width-neutral: "%#" PMAP_PRIxVADDR. */
#define PMAP_PRIxVADDR		__UINT64_FMTx__
#define PMAP_PRIxPADDR		__UINT64_FMTx__

#ifdef CONFIG_AMD64_LA57
#define PMAP_MD_NAME		"amd64"
#define PMAP_MD_NLEVELS		5		/* PML5, PML4, PDPT, PD, PT */
#define PMAP_VM_MAXUSER_ADDRESS	0x0100000000000000ull	/* the lower half of 57 bits */
#else
#define PMAP_MD_NAME		"amd64"
#define PMAP_MD_NLEVELS		4		/* PML4, PDPT, PD, PT */
#define PMAP_VM_MAXUSER_ADDRESS	0x0000800000000000ull	/* the lower half of 48 bits */
#endif

/* Index bits of the root and of every table below it (the geometry: PORTING.md). */
#define PMAP_MD_ROOT_BITS	9
#define PMAP_MD_INDEX_BITS	9

/*
 * Every table page is reached through the direct map, the same on every CPU
 * and never changed: mi/ may keep a table's address, and pmap_extract may
 * read through it without the pmap's lock (PORTING.md).
 */
#define PMAP_MD_DIRECT_TABLES	1

#define PMAP_PAGE_SHIFT		12
#define PMAP_PAGE_SIZE		(1u << PMAP_PAGE_SHIFT)
#define PMAP_PAGE_MASK		(PMAP_PAGE_SIZE - 1)

/* The entry format holds 52 address bits; the CPU's MAXPHYADDR may be fewer. */
#define PMAP_PA_BITS		52
#define PMAP_PA_MAX		0xFFFFFFFFFFFFFull

#define PMAP_VM_MIN_ADDRESS	0x0000000000000000ull
#define PMAP_KERNBASE		0xFFFF800000000000ull
#define PMAP_VM_MIN_KERNEL_VA	0xFFFFFF8000000000ull
#define PMAP_VM_MAX_KERNEL_VA	0xFFFFFFFF80000000ull

/* The direct map: all RAM from pa 0, up to one PML4 slot (512 GiB). */
#define PMAP_RAM_BASE		0x0ull
#define PMAP_DIRECT_MAX		0x0000008000000000ull
#define PMAP_DIRECT_END		((pmap_paddr_t)PMAP_RAM_BASE + PMAP_DIRECT_MAX)
#define PMAP_DIRECT_VA(pa)	((pmap_vaddr_t)(PMAP_KERNBASE + ((pa) - PMAP_RAM_BASE)))

/*
 * The boot map the platform's entry code builds before pmap_bootstrap:
 * [PMAP_KERNBASE, + 1 GiB) to [0, 1 GiB), in 2 MiB pages.  Page records
 * and the bootstrap tables must fit in it.
 */
#define PMAP_BOOTMAP_SIZE	0x40000000ull

#define PMAP_MAXCPUS		8

/*
 * What a starting CPU loads to run on the kernel pmap (pmap_paging): its
 * trampoline has it in long mode on the boot map already; CR4 bits (PGE,
 * PCIDE) and EFER bits (NXE) to set, then CR3.
 */
struct pmap_paging {
	uint64_t	cr3;
	uint32_t	cr0_set;
	uint32_t	cr4_set;
	uint64_t	efer_set;
};

struct pmap;
struct pmap_md {
	pmap_paddr_t	 pm_pml4pa;	/* the root */
};

#endif /* MD_AMD64_PMAP_MD_H */
