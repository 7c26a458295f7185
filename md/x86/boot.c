/*
 * x86_boot(): from entry_*.S to kmain().  Sets up CPU 0's descriptor
 * tables (and so plat_cpu_index), the console, the masked 8259s and the
 * user-probe trampoline, turns the loader's information -- multiboot v1
 * in the 32-bit build, the PVH start info in the 64-bit one -- into a
 * struct boot_info, and implements plat_phys().
 *
 * The loader's information, its command line and memory map are physical
 * and lie outside the kernel image (QEMU puts them below 1 MiB and just past
 * the image), i.e. in memory kern/ will treat as free: everything kmain
 * needs is copied into this file's statics first.
 */
#include <stdint.h>

#include <kern.h>
#include <cpufunc.h>

#ifndef __x86_64__
#include "multiboot.h"
#endif
#include "x86_guest.h"

_Static_assert(X86_KERNBASE == KERNBASE, "x86_guest.h and pmap_md.h disagree");
_Static_assert(X86_BOOTMAP_SIZE == PMAP_BOOTMAP_SIZE,
    "x86_guest.h and pmap_md.h disagree on the boot map");
_Static_assert(X86_BOOTMAP_SIZE <= PMAP_DIRECT_MAX,
    "boot map larger than the direct map");
/* entry_*.S's copies of C-only constants (x86_guest.h). */
_Static_assert(X86_EXIT_FAIL == KERN_EXIT_FAIL && X86_EXIT_NOCPU == KERN_EXIT_NOCPU,
    "x86_guest.h and kern.h disagree on exit statuses");
_Static_assert(X86_CR0_WP == CR0_WP && X86_CR0_PG == CR0_PG &&
    X86_CR4_PAE == CR4_PAE, "x86_guest.h and cpufunc.h disagree on CR bits");
_Static_assert(X86_CPUID_1_EDX_PAE == CPUID_1_EDX_PAE &&
    X86_CPUID_EXT_EDX_NX == CPUID_EXT_EDX_NX,
    "x86_guest.h and cpufunc.h disagree on CPUID bits");
_Static_assert(X86_MSR_EFER == MSR_EFER && X86_EFER_NXE == EFER_NXE &&
    X86_EFER_LME == EFER_LME, "x86_guest.h and cpufunc.h disagree on EFER");
_Static_assert(X86_CPUID_EXT_EDX_LM == CPUID_EXT_EDX_LM,
    "x86_guest.h and cpufunc.h disagree on CPUID bits");
_Static_assert(X86_MP_TRAMP_PA % PAGE_SIZE == 0 && X86_MP_TRAMP_PA < 0x100000,
    "the AP trampoline must be a page below 1 MiB (SIPI vector)");

#define BOOT_CMDLINE_MAX	256
#ifdef __x86_64__
#define BOOT_LOADER		"PVH"
#else
#define BOOT_LOADER		"multiboot"
#endif

static char boot_cmdline[BOOT_CMDLINE_MAX];
static struct boot_info boot_info;
bool x86_mp_tramp_is_ram;		/* the firmware listed it as usable RAM */

/*
 * Contract (kern.h): kernel VA of physical byte pa.  Valid for pa below
 * X86_BOOTMAP_SIZE on the boot map and below PMAP_DIRECT_MAX once the pmap
 * has built its direct map; pa at or above PMAP_DIRECT_MAX panics.
 */
void *
plat_phys(paddr_t pa)
{
	if (pa >= PMAP_DIRECT_MAX)
		kpanic("plat_phys: pa %#llx not below the direct map limit %#llx",
		    (unsigned long long)pa, (unsigned long long)PMAP_DIRECT_MAX);
	return (void *)(uintptr_t)PMAP_DIRECT_VA(pa);
}

/* Contract (kern.h): this platform takes no command-line words of its own. */
bool
plat_cmdline_word(const char *w, size_t len)
{
	(void)w;
	(void)len;
	return false;
}

/* Loader data at [pa, pa + len), which must be on the boot map. */
static const void *
boot_phys(uint64_t pa, uint64_t len, const char *what)
{
	if (pa >= X86_BOOTMAP_SIZE || len > X86_BOOTMAP_SIZE - pa)
		kpanic("x86_boot: %s %s at pa %#llx len %#llx outside the "
		    "boot map (%#x bytes)", BOOT_LOADER, what,
		    (unsigned long long)pa, (unsigned long long)len,
		    (unsigned)X86_BOOTMAP_SIZE);
	return plat_phys(pa);
}

/*
 * Copy the command line, without its first word if skip_first: QEMU's
 * multiboot -kernel (like GRUB) passes "<kernel path> <-append string>",
 * its PVH boot the -append string alone, and kern/ wants the arguments.
 * Truncated, with a warning, past BOOT_CMDLINE_MAX - 1 bytes.
 */
static void
boot_copy_cmdline(uint64_t pa, bool skip_first)
{
	const char *s = boot_phys(pa, 1, "cmdline");
	size_t n = 0;

	while (*s == ' ')
		s++;
	while (skip_first && *s != '\0' && *s != ' ')
		s++;
	while (*s == ' ')
		s++;
	while (s[n] != '\0' && n < BOOT_CMDLINE_MAX - 1) {
		boot_cmdline[n] = s[n];
		n++;
	}
	boot_cmdline[n] = '\0';
	if (s[n] != '\0')
		kprintf("x86_boot: command line truncated to %u bytes\n",
		    (unsigned)n);
}

/* Append usable RAM [base, base + len); past BOOT_MAXREGIONS warn, drop. */
static void
boot_append_region(struct boot_info *bi, uint64_t base, uint64_t len)
{
	if (len == 0)
		return;
	if (bi->nregions == BOOT_MAXREGIONS) {
		kprintf("x86_boot: more than %d RAM regions, dropping "
		    "base %#llx len %#llx\n", BOOT_MAXREGIONS,
		    (unsigned long long)base, (unsigned long long)len);
		return;
	}
	bi->regions[bi->nregions].base = base;
	bi->regions[bi->nregions].len = len;
	bi->nregions++;
}

/*
 * Usable RAM [base, base + len), less the AP trampoline page: kern/ never
 * gets it, so it stays free for mp.c (and for the CPUs that halt in it).
 */
static void
boot_add_region(struct boot_info *bi, uint64_t base, uint64_t len)
{
	const uint64_t tb = X86_MP_TRAMP_PA, te = tb + PAGE_SIZE;

	if (base >= te || base + len <= tb) {
		boot_append_region(bi, base, len);
		return;
	}
	if (base <= tb && base + len >= te)
		x86_mp_tramp_is_ram = true;
	if (base < tb)
		boot_append_region(bi, base, tb - base);
	if (base + len > te)
		boot_append_region(bi, te, base + len - te);
}

#ifdef __x86_64__
/*
 * The PVH start info (Xen's public/arch-x86/hvm/start_info.h, the "x86/HVM
 * direct boot ABI"), version 1: what QEMU's PVH option ROM gives the
 * kernel's XEN_ELFNOTE_PHYS32_ENTRY in %ebx.  Addresses are physical.
 */
struct pvh_start_info {
	uint32_t	magic;		/* X86_PVH_MAGIC */
	uint32_t	version;	/* 1: the memory map fields exist */
	uint32_t	flags;
	uint32_t	nr_modules;
	uint64_t	modlist_paddr;
	uint64_t	cmdline_paddr;	/* NUL-terminated, 0 if none */
	uint64_t	rsdp_paddr;
	uint64_t	memmap_paddr;	/* struct pvh_memmap_entry[memmap_entries] */
	uint32_t	memmap_entries;
	uint32_t	reserved;
};
_Static_assert(__builtin_offsetof(struct pvh_start_info, cmdline_paddr) == 24 &&
    __builtin_offsetof(struct pvh_start_info, memmap_paddr) == 40 &&
    __builtin_offsetof(struct pvh_start_info, memmap_entries) == 48 &&
    sizeof(struct pvh_start_info) == 56, "PVH start info layout");

struct pvh_memmap_entry {
	uint64_t	addr;
	uint64_t	size;
	uint32_t	type;		/* PVH_MEMMAP_RAM: usable, as E820 type 1 */
	uint32_t	reserved;
};
#define PVH_MEMMAP_RAM		1

/*
 * The firmware memory map (the E820 map, as the PVH start info passes it):
 * keep type-1 (RAM) entries, all of them, in firmware order; kern/
 * decides what it can use.
 */
static void
boot_parse_memory(struct boot_info *bi, const struct pvh_start_info *si)
{
	const struct pvh_memmap_entry *map;

	if (si->version < 1 || si->memmap_paddr == 0 || si->memmap_entries == 0)
		kpanic("x86_boot: the PVH start info (version %u) has no memory "
		    "map (%u entries at pa %#llx)", si->version,
		    si->memmap_entries, (unsigned long long)si->memmap_paddr);
	map = boot_phys(si->memmap_paddr,
	    (uint64_t)si->memmap_entries * sizeof(*map), "memory map");
	for (uint32_t i = 0; i < si->memmap_entries; i++)
		if (map[i].type == PVH_MEMMAP_RAM)
			boot_add_region(bi, map[i].addr, map[i].size);
	if (bi->nregions == 0)
		kpanic("x86_boot: no usable RAM in the PVH memory map (%u "
		    "entries)", si->memmap_entries);
}

/*
 * struct boot_info from the PVH start info at info_pa (entry_64.S has
 * checked its magic).
 */
static void
boot_parse(struct boot_info *bi, uint32_t info_pa)
{
	const struct pvh_start_info *si;

	si = boot_phys(info_pa, sizeof(*si), "start info");
	if (si->magic != X86_PVH_MAGIC)
		kpanic("x86_boot: PVH start info at pa %#x has magic %#x, not "
		    "%#x", info_pa, si->magic, X86_PVH_MAGIC);
	if (si->cmdline_paddr != 0)
		boot_copy_cmdline(si->cmdline_paddr, false);
	bi->cmdline = boot_cmdline;
	boot_parse_memory(bi, si);
	bi->platform = "qemu-x86_64";
}
#else
/*
 * The firmware memory map (multiboot spec 3.3): keep type-1 (available)
 * entries, all of them, in firmware order; kern/ decides what it can use.
 */
static void
boot_parse_mmap(struct boot_info *bi, const struct multiboot_info *mbi)
{
	const uint8_t *map;
	const struct multiboot_mmap_entry *e;
	uint32_t off;

	map = boot_phys(mbi->mmap_addr, mbi->mmap_length, "memory map");
	for (off = 0; off + sizeof(*e) <= mbi->mmap_length; off += e->size + 4) {
		e = (const struct multiboot_mmap_entry *)(map + off);
		if (e->size < sizeof(*e) - 4)
			kpanic("x86_boot: memory map entry at offset %u has "
			    "size %u < %u", off, e->size,
			    (unsigned)(sizeof(*e) - 4));
		if (e->type == MULTIBOOT_MEMORY_AVAILABLE)
			boot_add_region(bi, e->base_addr, e->length);
	}
}

/* Memory from the multiboot information: the map, else mem_lower/upper. */
static void
boot_parse_memory(struct boot_info *bi, const struct multiboot_info *mbi)
{
	if (mbi->flags & MBI_FLAG_MMAP) {
		boot_parse_mmap(bi, mbi);
	} else if (mbi->flags & MBI_FLAG_MEM) {
		boot_add_region(bi, 0, (uint64_t)mbi->mem_lower << 10);
		boot_add_region(bi, 0x100000, (uint64_t)mbi->mem_upper << 10);
	} else {
		kpanic("x86_boot: multiboot flags %#x carry no memory "
		    "information", mbi->flags);
	}
	if (bi->nregions == 0)
		kpanic("x86_boot: no usable RAM in the multiboot information "
		    "(flags %#x)", mbi->flags);
}

/* struct boot_info from the multiboot information at mbinfo_pa. */
static void
boot_parse(struct boot_info *bi, uint32_t mbinfo_pa)
{
	const struct multiboot_info *mbi;

	mbi = boot_phys(mbinfo_pa, sizeof(*mbi), "information");
	if (mbi->flags & MBI_FLAG_CMDLINE)
		boot_copy_cmdline(mbi->cmdline, true);
	bi->cmdline = boot_cmdline;
	boot_parse_memory(bi, mbi);
	bi->platform = "qemu-x86";
}
#endif

/*
 * Contract: entered once from entry_*.S, on the boot map and boot stack,
 * with interrupts off and the physical address of the loader's
 * information (x86_guest.h).  Never returns.
 */
void
x86_boot(uint32_t info_pa)
{
	paddr_t end_pa = (paddr_t)(uintptr_t)_kernel_end_pa;

	x86_desc_init();
	x86_cons_init();
	x86_pic_disable();
	x86_probe_init();
	if ((uintptr_t)_kernbase != KERNBASE)
		kpanic("x86_boot: the linker script's KERNBASE %#lx != pmap_md.h "
		    "KERNBASE %#lx", (unsigned long)(uintptr_t)_kernbase,
		    (unsigned long)KERNBASE);
	boot_parse(&boot_info, info_pa);
	boot_info.kernel_end_pa = (end_pa + PAGE_MASK) & ~(paddr_t)PAGE_MASK;
	boot_info.text_start_pa = (paddr_t)(uintptr_t)_text_start_pa;
	boot_info.text_end_pa = (paddr_t)(uintptr_t)_text_end_pa;
	kmain(&boot_info);
}

/*
 * The pmap has loaded its own CR3: the 32-bit double-fault task must use
 * it too.  The 64-bit #DF runs in whatever root is live (an IST stack,
 * desc_64.c): nothing to do there, but say what the pmap could use of the
 * CPU's paging and what it did (CR4.PCIDE is the pmap's choice): QEMU 7.2's
 * TCG has no PCID, so a guest run proves the untagged path only.
 */
void
plat_paging_ready(void)
{
#ifndef __x86_64__
	x86_df_set_cr3(x86_rcr3());
#else
	uint32_t id[4], l7[4] = { 0 }, ext[4];

	x86_cpuid(0, id);
	if (id[0] >= 7)
		x86_cpuid(7, l7);
	x86_cpuid(1, id);
	x86_cpuid(0x80000001u, ext);
	bool offered = (id[2] & CPUID_1_ECX_PCID) != 0;
	kprintf("# x86-64 paging: %d levels%s; PCID %s, INVPCID %s; 1 GiB pages %s\n",
	    (x86_rcr4() & CR4_LA57) ? 5 : 4, (x86_rcr4() & CR4_LA57) ? " (CR4.LA57)" : "",
	    (x86_rcr4() & CR4_PCIDE) ? "on (CR4.PCIDE): a switch keeps the new space's entries" :
	    offered ? "offered, not used by the pmap: every address-space switch flushes" :
	    "absent (CPUID.01H:ECX[17] clear): address spaces untagged, every switch flushes",
	    (l7[1] & CPUID_7_EBX_INVPCID) ? "offered" : "absent",
	    (ext[3] & CPUID_EXT_EDX_PAGE1GB) ? "offered" : "absent (2 MiB is the largest leaf)");
#endif
}
