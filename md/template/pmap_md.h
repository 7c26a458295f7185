/*
 * TODO(port): the address types and virtual layout of this backend
 * (docs/PORTING.md step 2, "pmap_md.h: the constants other layers read").
 * Every layout fact of the backend lives here; mi/, kern/, the tests and
 * the guest platform read them by name.
 *
 * This header is public: <pmap/pmap.h> includes it and `make install`
 * installs it, so it defines only PMAP_-prefixed names (and struct
 * pmap_paging, struct pmap_md); <pmap/pmap_names.h> maps the short names
 * (vaddr_t, PAGE_SIZE, KERNBASE, VM_MAXUSER_ADDRESS, ...) onto them.  What
 * only the backend uses (self-map slots, window addresses) belongs in its
 * pmap_tmpl.c, not here.
 *
 * Every value below is a PLACEHOLDER marked TODO.  The placeholders are
 * those of the guest platform backend.mk names (md/riscv: RAM at
 * 0x80000000, the kernel at 0xC0000000, a 64 MiB boot map, 8 CPUs), so
 * that the skeleton builds and the platform's compile-time checks
 * (md/riscv/boot.c) pass.  Replace them with your MMU's and your platform's,
 * then draw the layout here as md/i386/pmap_md.h and md/riscv-sv32/pmap_md.h
 * do:
 *
 *   0x00000000 +-----------------------------+
 *              | user space                  |  VM_MIN_ADDRESS..VM_MAXUSER_ADDRESS
 *   0xC0000000 +-----------------------------+  KERNBASE
 *              | direct map of RAM           |  KERNBASE + (pa - PMAP_RAM_BASE)
 *   0xE0000000 +-----------------------------+  VM_MIN_KERNEL_VA
 *              | kernel virtual space        |  pmap_growkernel, kenter, steal
 *   0xFFC00000 +-----------------------------+  VM_MAX_KERNEL_VA
 *              | what the pmap keeps for     |  windows, self-map: reserved_range
 *              | itself                      |
 *   0xFFFFFFFF +-----------------------------+
 *
 * A backend on md/x86 includes "x86_layout.h" instead of defining the
 * layout and struct pmap_paging itself (md/i386/pmap_md.h).
 */
#ifndef MD_TEMPLATE_PMAP_MD_H
#define MD_TEMPLATE_PMAP_MD_H

#include <stdint.h>

/*
 * Address types.  TODO: the widths of your MMU (md/amd64/pmap_md.h has
 * 64-bit ones).  pmap_pte_t is one page-table entry; wider than
 * the CPU's plain stores, it needs __attribute__((aligned(8))) and a check
 * that the compiler makes its atomics lock-free (md/i386-pae/pmap_md.h).
 */
typedef uint32_t pmap_vaddr_t;		/* TODO: virtual address */
typedef uint32_t pmap_vsize_t;		/* TODO: virtual size */
typedef uint64_t pmap_paddr_t;		/* TODO: physical address */
typedef uint64_t pmap_psize_t;		/* TODO: physical size (unused so far) */
typedef uint32_t pmap_pte_t;		/* TODO: one entry (pt_entry_t) */

/* printf conversions of the address types: "%#" PMAP_PRIxVADDR.  TODO: follow the types. */
#define PMAP_PRIxVADDR		__UINT32_FMTx__
#define PMAP_PRIxPADDR		__UINT64_FMTx__

/* The backend's name: pmap_backend_name(), the test kernel's banner.  TODO */
#define PMAP_MD_NAME		"template"
/* Levels in the tree, root included; sizes pmap_md_levels[] (pmap_tmpl.c).  TODO */
#define PMAP_MD_NLEVELS		2
/*
 * Index bits of the root and of every table below it: the geometry
 * (PORTING.md, "Layer 1").  TODO
 */
#define PMAP_MD_ROOT_BITS	10
#define PMAP_MD_INDEX_BITS	10

/* The base page.  TODO: the leaf level's pl_shift must equal PMAP_PAGE_SHIFT. */
#define PMAP_PAGE_SHIFT		12
#define PMAP_PAGE_SIZE		(1u << PMAP_PAGE_SHIFT)
#define PMAP_PAGE_MASK		(PMAP_PAGE_SIZE - 1)

/*
 * Physical-address bits the entry format holds (pmap_md_ops.pa_bits; the
 * tests run t_high_memory when it is above 32), and the highest byte they
 * address (documentation for a kernel: docs/pmap.9.md).  TODO
 */
#define PMAP_PA_BITS		34
#define PMAP_PA_MAX		0x3FFFFFFFFull

/*
 * User space [PMAP_VM_MIN_ADDRESS, PMAP_VM_MAXUSER_ADDRESS); the kernel
 * half from PMAP_KERNBASE, where the direct map of RAM starts; the kernel
 * VA pmapkit manages [PMAP_VM_MIN_KERNEL_VA, PMAP_VM_MAX_KERNEL_VA).  The
 * shared tests assume the 32-bit split (docs/PORTING.md, "What the shared
 * tests assume about the layout").  TODO
 */
#define PMAP_VM_MIN_ADDRESS	0x00000000u
#define PMAP_VM_MAXUSER_ADDRESS	0xC0000000u
#define PMAP_KERNBASE		0xC0000000u
#define PMAP_VM_MIN_KERNEL_VA	0xE0000000u
#define PMAP_VM_MAX_KERNEL_VA	0xFFC00000u

/*
 * The direct map: RAM from PMAP_RAM_BASE (mapped at PMAP_KERNBASE), at
 * most PMAP_DIRECT_MAX bytes of it, so up to PMAP_DIRECT_END.  kern/ and
 * the tests take physical addresses relative to PMAP_RAM_BASE; the guest
 * platform checks PMAP_DIRECT_MAX against its boot map.  TODO: 0 where
 * your machine's RAM starts at 0 (x86), its start otherwise.
 */
#define PMAP_RAM_BASE		0x80000000u
#define PMAP_DIRECT_MAX		0x20000000u
#define PMAP_DIRECT_END		((pmap_paddr_t)PMAP_RAM_BASE + PMAP_DIRECT_MAX)
/* Kernel VA of a directly mapped pa (PMAP_RAM_BASE <= pa < PMAP_DIRECT_END); the tests use it. */
#define PMAP_DIRECT_VA(pa)	((pmap_vaddr_t)(PMAP_KERNBASE + ((pa) - PMAP_RAM_BASE)))

/*
 * The boot map the platform's entry code builds before pmap_bootstrap:
 * [PMAP_KERNBASE, + this) to [PMAP_RAM_BASE, + this).  mi/ takes bootstrap
 * tables below PMAP_RAM_BASE + this; it must equal the platform's own
 * (md/riscv/riscv_guest.h RV_BOOTMAP_SIZE, md/x86/x86_guest.h).  TODO
 */
#define PMAP_BOOTMAP_SIZE	0x04000000u

/* CPUs pmapkit serves, numbered from 0; at most 32.  Must equal the platform's.  TODO */
#define PMAP_MAXCPUS		8

/*
 * What a starting CPU loads to run on the kernel pmap (pmap_paging fills
 * it, the platform's CPU-start code reads it).  TODO: your MMU's root
 * register and controls.  The placeholder is md/riscv's (smp.c reads
 * satp); md/x86/mp.c reads cr3, cr0_set, cr4_set and efer_set.
 */
struct pmap_paging {
	uint32_t	satp;		/* TODO */
};

/*
 * The backend's part of struct pmap (pm_md), read by md/ only.  TODO: the
 * root's physical address, and what else a root needs: links on a list of
 * user pmaps (to copy kernel entries into), per-CPU ASIDs and their
 * generations (md/riscv-sv32/pmap_md.h).
 */
struct pmap;
struct pmap_md {
	pmap_paddr_t	 pm_rootpa;	/* TODO: the root table */
};

#endif /* MD_TEMPLATE_PMAP_MD_H */
