/*
 * RISC-V sv32 (2 levels, 4-byte entries, 34-bit physical addresses; RISC-V
 * privileged spec, 4.3) address types and virtual layout.  Every layout fact
 * of this backend lives here; mi/ reads them by name.
 *
 *   0x00000000 +-----------------------------+
 *              | user space                  |  VM_MIN_ADDRESS..VM_MAXUSER_ADDRESS
 *   0xC0000000 +-----------------------------+  KERNBASE
 *              | direct map of RAM           |  4 MiB megapages: KERNBASE + (pa - RAM_BASE),
 *              | (kernel image at +0)        |  RAM_BASE = 0x80000000 on QEMU virt
 *   0xE0000000 +-----------------------------+  VM_MIN_KERNEL_VA
 *              | kernel virtual space        |
 *   0xFFC00000 +-----------------------------+  VM_MAX_KERNEL_VA: the top 4 MiB hold the
 *              | windows (zero/copy of pages  |  per-CPU windows' page table
 *              | beyond the direct map)       |
 *
 * No recursive map (a sv32 leaf cannot be told from a table by level alone,
 * and a self-reference would make the root a leaf): page tables are reached
 * through the direct map, so they are allocated below PMAP_DIRECT_END.
 */
#ifndef MD_RISCV_SV32_PMAP_MD_H
#define MD_RISCV_SV32_PMAP_MD_H

#include <stdint.h>

/* Public (<pmap/pmap.h> includes this): PMAP_ names only; <pmap/pmap_names.h> has the short ones. */
typedef uint32_t pmap_vaddr_t;
typedef uint32_t pmap_vsize_t;
typedef uint64_t pmap_paddr_t;
typedef uint64_t pmap_psize_t;
typedef uint32_t pmap_pte_t;

/* printf conversions of the address types, width-neutral: "%#" PMAP_PRIxVADDR. */
#define PMAP_PRIxVADDR		__UINT32_FMTx__
#define PMAP_PRIxPADDR		__UINT64_FMTx__

#define PMAP_MD_NAME		"riscv-sv32"
/*
 * Every table page is reached through the direct map, the same on every CPU
 * and never changed: mi/ may keep a table's address, and pmap_extract may
 * read through it without the pmap's lock (PORTING.md; rv32 has no 64-bit
 * atomic load, so mi/ reads the generation by halves).
 */
#define PMAP_MD_DIRECT_TABLES	1
#define PMAP_MD_NLEVELS		2
/* Index bits of the root and of every table below it (the geometry: PORTING.md). */
#define PMAP_MD_ROOT_BITS	10
#define PMAP_MD_INDEX_BITS	10
#define PMAP_PAGE_SHIFT		12
#define PMAP_PAGE_SIZE		(1u << PMAP_PAGE_SHIFT)
#define PMAP_PAGE_MASK		(PMAP_PAGE_SIZE - 1)
#define PMAP_PA_BITS		34
#define PMAP_PA_MAX		0x3FFFFFFFFull

#define PMAP_VM_MIN_ADDRESS	0x00000000u
#define PMAP_VM_MAXUSER_ADDRESS	0xC0000000u
#define PMAP_KERNBASE		0xC0000000u
#define PMAP_RAM_BASE		0x80000000u	/* QEMU virt: DRAM starts here */
#define PMAP_DIRECT_MAX		0x20000000u	/* bytes of RAM direct-mapped */
#define PMAP_DIRECT_END		((pmap_paddr_t)PMAP_RAM_BASE + PMAP_DIRECT_MAX)
#define PMAP_VM_MIN_KERNEL_VA	0xE0000000u
#define PMAP_VM_MAX_KERNEL_VA	0xFFC00000u

/* The boot code maps [PMAP_KERNBASE, + this) to PMAP_RAM_BASE + [0, this). */
#define PMAP_BOOTMAP_SIZE	0x04000000u

/* Kernel VA of a directly mapped physical address (RAM_BASE <= pa < DIRECT_END). */
#define PMAP_DIRECT_VA(pa)	((pmap_vaddr_t)(PMAP_KERNBASE + ((pa) - PMAP_RAM_BASE)))

#define PMAP_ASID_BITS		9

/*
 * MMU extensions the kernel reports in pmap_bootstrap_args.md_features, as
 * firmware finds them (the device tree's riscv,isa): S-mode cannot probe
 * them.  (Svpbmt is RV64's alone: Sv32 entries have no PBMT field.)
 */
#define PMAP_MD_FEAT_SVINVAL	0x2u	/* batches invalidated with sinval.vma */

/* What a starting hart loads to run on the kernel pmap (pmap_paging): satp, ASID 0. */
struct pmap_paging {
	uint32_t	satp;
};
#define PMAP_MAXCPUS		8

struct pmap;
struct pmap_md {
	pmap_paddr_t	 pm_rootpa;	/* root page table */
};

#endif /* MD_RISCV_SV32_PMAP_MD_H */
