/*
 * RISC-V Sv39 (3 levels, 39-bit VAs), Sv48 (4 levels, 48-bit VAs, with
 * CONFIG_RISCV_SV48) and Sv57 (5 levels, 57-bit VAs, CONFIG_RISCV_SV57)
 * address types and virtual layout (privileged spec 4.4, 4.5, 4.6).  Every
 * layout fact of this backend lives here; mi/, kern/, the tests and the
 * guest platform read them by name.  The modes differ only in the level
 * table, the user half's end and the satp mode: every kernel address is the
 * same.
 *
 *   0x0000000000000000 +--------------------------+  user space
 *   0x0000004000000000 +--------------------------+  VM_MAXUSER_ADDRESS (Sv48: 0x0000800000000000,
 *                      |                          |  Sv57: 0x0100000000000000)
 *                      | non-canonical hole       |  page fault on any access
 *   0xFFFFFFC000000000 +--------------------------+  KERNBASE: the direct map of RAM
 *                      | direct map of RAM        |  from PMAP_RAM_BASE (0x80000000), up to
 *                      | (kernel image at +0)     |  128 GiB, 1 GiB pages; image in 4 KiB
 *   0xFFFFFFE000000000 +--------------------------+  VM_MIN_KERNEL_VA
 *                      | kernel virtual space     |
 *   0xFFFFFFFFC0000000 +--------------------------+  VM_MAX_KERNEL_VA; the top GiB reserved
 */
#ifndef MD_RISCV_SV39_PMAP_MD_H
#define MD_RISCV_SV39_PMAP_MD_H

#include <stdint.h>

/* Installed, this header learns the Kconfig the library was built with from its neighbour. */
#if !defined(CONFIG_BACKEND_RISCV_SV39) && __has_include("pmapkit_config.h")
#include "pmapkit_config.h"
#endif

/* Public (<pmap/pmap.h> includes this): PMAP_ names only; <pmap/pmap_names.h> has the short ones. */
typedef uint64_t pmap_vaddr_t;
typedef uint64_t pmap_vsize_t;
typedef uint64_t pmap_paddr_t;
typedef uint64_t pmap_psize_t;
typedef uint64_t pmap_pte_t;

#define PMAP_PRIxVADDR		__UINT64_FMTx__
#define PMAP_PRIxPADDR		__UINT64_FMTx__

#define PMAP_MD_NAME		"riscv-sv39"
#if defined(CONFIG_RISCV_SV57)
#define PMAP_MD_NLEVELS		5
#define PMAP_VM_MAXUSER_ADDRESS	0x0100000000000000ull	/* the lower half of 57 bits */
#elif defined(CONFIG_RISCV_SV48)
#define PMAP_MD_NLEVELS		4
#define PMAP_VM_MAXUSER_ADDRESS	0x0000800000000000ull	/* the lower half of 48 bits */
#else
#define PMAP_MD_NLEVELS		3
#define PMAP_VM_MAXUSER_ADDRESS	0x0000004000000000ull	/* the lower half of 39 bits */
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

/* A PTE's PPN is 44 bits: 56-bit physical addresses. */
#define PMAP_PA_BITS		56
#define PMAP_PA_MAX		0x00FFFFFFFFFFFFFFull

#define PMAP_VM_MIN_ADDRESS	0x0000000000000000ull
#define PMAP_KERNBASE		0xFFFFFFC000000000ull
#define PMAP_VM_MIN_KERNEL_VA	0xFFFFFFE000000000ull
#define PMAP_VM_MAX_KERNEL_VA	0xFFFFFFFFC0000000ull

/*
 * QEMU virt: DRAM from 0x80000000; up to 128 GiB of it direct-mapped at
 * KERNBASE, more than the page records in the boot map cover (about 120 GiB
 * at 32 bytes a page), so every page the kernel manages is direct-mapped.
 */
#define PMAP_RAM_BASE		0x0000000080000000ull
#define PMAP_DIRECT_MAX		0x0000002000000000ull
#define PMAP_DIRECT_END		((pmap_paddr_t)PMAP_RAM_BASE + PMAP_DIRECT_MAX)
#define PMAP_DIRECT_VA(pa)	((pmap_vaddr_t)(PMAP_KERNBASE + ((pa) - PMAP_RAM_BASE)))

/*
 * The boot map the platform's entry code builds before pmap_bootstrap:
 * [PMAP_KERNBASE, + 1 GiB) to PMAP_RAM_BASE + [0, 1 GiB), one gigapage.
 */
#define PMAP_BOOTMAP_SIZE	0x0000000040000000ull

#define PMAP_MAXCPUS		8

/* What a starting hart loads to run on the kernel pmap (pmap_paging): satp, ASID 0. */
struct pmap_paging {
	uint64_t	satp;
};

/*
 * MMU extensions the kernel reports in pmap_bootstrap_args.md_features, as
 * firmware finds them (the device tree's riscv,isa): S-mode cannot probe
 * them.  Svpbmt also needs menvcfg.PBMTE set by M-mode first: report it
 * only then.  Without a bit the pmap does without the extension.
 */
#define PMAP_MD_FEAT_SVPBMT	0x1u	/* PMAP_NOCACHE mappings get PBMT = NC */
#define PMAP_MD_FEAT_SVINVAL	0x2u	/* batches invalidated with sinval.vma */

struct pmap;
struct pmap_md {
	pmap_paddr_t	 pm_rootpa;	/* root page table */
};

#endif /* MD_RISCV_SV39_PMAP_MD_H */
