/*
 * Multiboot specification version 0.6.96 (multiboot v1): the header a
 * kernel carries and the information structure the loader (QEMU's -kernel,
 * GRUB legacy) hands over in EBX.  Only the fields x86_boot() reads are
 * named; all addresses in them are physical.
 */
#ifndef MD_X86_MULTIBOOT_H
#define MD_X86_MULTIBOOT_H

#define MULTIBOOT_HEADER_MAGIC		0x1BADB002	/* spec 3.1.2 */
#define MULTIBOOT_BOOTLOADER_MAGIC	0x2BADB002	/* in EAX at entry, 3.2 */

/* Header flags (spec 3.1.2): we are ELF, so no a.out kludge (bit 16). */
#define MULTIBOOT_PAGE_ALIGN		0x00000001	/* modules page aligned */
#define MULTIBOOT_MEMORY_INFO		0x00000002	/* want mem_* and mmap_* */

#ifndef __ASSEMBLER__

#include <stdint.h>

/* Information-structure flags (spec 3.3). */
#define MBI_FLAG_MEM			0x00000001	/* mem_lower, mem_upper */
#define MBI_FLAG_CMDLINE		0x00000004	/* cmdline */
#define MBI_FLAG_MMAP			0x00000040	/* mmap_length, mmap_addr */

struct multiboot_info {
	uint32_t	flags;
	uint32_t	mem_lower;	/* KiB from 0 */
	uint32_t	mem_upper;	/* KiB from 1 MiB */
	uint32_t	boot_device;
	uint32_t	cmdline;	/* pa of a NUL-terminated string */
	uint32_t	mods_count;
	uint32_t	mods_addr;
	uint32_t	syms[4];
	uint32_t	mmap_length;	/* bytes of memory map */
	uint32_t	mmap_addr;	/* pa of the first entry */
};

/*
 * One memory-map entry (spec 3.3).  `size` does not count itself: the next
 * entry starts size + 4 bytes after this one.  Fields are unaligned.
 */
struct multiboot_mmap_entry {
	uint32_t	size;
	uint64_t	base_addr;
	uint64_t	length;
	uint32_t	type;		/* MULTIBOOT_MEMORY_AVAILABLE = RAM */
} __attribute__((packed));
#define MULTIBOOT_MEMORY_AVAILABLE	1

#endif /* !__ASSEMBLER__ */

#endif /* MD_X86_MULTIBOOT_H */
