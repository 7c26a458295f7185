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

typedef uint32_t vaddr_t;
typedef uint32_t vsize_t;
typedef uint64_t paddr_t;
typedef uint64_t psize_t;
typedef uint32_t pt_entry_t;

#define PMAP_MD_NAME		"riscv-sv32"
#define PMAP_MD_NLEVELS		2
#define PAGE_SHIFT		12
#define PAGE_SIZE		(1u << PAGE_SHIFT)
#define PAGE_MASK		(PAGE_SIZE - 1)
#define PMAP_PA_BITS		34
#define PMAP_PA_MAX		0x3FFFFFFFFull

#define VM_MIN_ADDRESS		0x00000000u
#define VM_MAXUSER_ADDRESS	0xC0000000u
#define KERNBASE		0xC0000000u
#define PMAP_RAM_BASE		0x80000000u	/* QEMU virt: DRAM starts here */
#define PMAP_DIRECT_MAX		0x20000000u	/* bytes of RAM direct-mapped */
#define PMAP_DIRECT_END		((paddr_t)PMAP_RAM_BASE + PMAP_DIRECT_MAX)
#define VM_MIN_KERNEL_VA	0xE0000000u
#define VM_MAX_KERNEL_VA	0xFFC00000u

/* The boot code maps [KERNBASE, KERNBASE + this) to RAM_BASE + [0, this). */
#define PMAP_BOOTMAP_SIZE	0x04000000u

/* Kernel VA of a directly mapped physical address (RAM_BASE <= pa < DIRECT_END). */
#define PMAP_DIRECT_VA(pa)	((vaddr_t)(KERNBASE + ((pa) - PMAP_RAM_BASE)))

#define PMAP_ASID_BITS		9
#define PMAP_MAXCPUS		8

struct pmap;
struct pmap_md {
	paddr_t		 pm_rootpa;	/* root page table */
	uint32_t	 pm_asid[PMAP_MAXCPUS];	/* per CPU, valid while */
	uint32_t	 pm_asid_gen[PMAP_MAXCPUS];	/* this is that CPU's generation */
	struct pmap	*pm_next;	/* all user pmaps, for kernel root sync */
	struct pmap	*pm_prev;
};

#endif /* MD_RISCV_SV32_PMAP_MD_H */
