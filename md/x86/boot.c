/*
 * x86_boot(): from entry.S to kmain().  Sets up CPU 0's descriptor
 * tables (and so plat_cpu_index), the console, the masked 8259s and the
 * user-probe trampoline, turns the multiboot information into a struct
 * boot_info, and implements plat_phys().
 *
 * The multiboot information, its command line and memory map are physical
 * and lie outside the kernel image (QEMU puts them below 1 MiB and just past
 * the image), i.e. in memory kern/ will treat as free: everything kmain
 * needs is copied into this file's statics first.
 */
#include <stdint.h>

#include <kern.h>
#include <cpufunc.h>

#include "multiboot.h"
#include "x86_guest.h"

_Static_assert(X86_KERNBASE == KERNBASE, "x86_guest.h and pmap_md.h disagree");
_Static_assert(X86_BOOTMAP_SIZE == PMAP_BOOTMAP_SIZE,
    "x86_guest.h and pmap_md.h disagree on the boot map");
_Static_assert(X86_BOOTMAP_SIZE <= PMAP_DIRECT_MAX,
    "boot map larger than the direct map");
/* entry.S's copies of C-only constants (x86_guest.h). */
_Static_assert(X86_EXIT_FAIL == KERN_EXIT_FAIL && X86_EXIT_NOCPU == KERN_EXIT_NOCPU,
    "x86_guest.h and kern.h disagree on exit statuses");
_Static_assert(X86_CR0_WP == CR0_WP && X86_CR0_PG == CR0_PG &&
    X86_CR4_PAE == CR4_PAE, "x86_guest.h and cpufunc.h disagree on CR bits");
_Static_assert(X86_CPUID_1_EDX_PAE == CPUID_1_EDX_PAE &&
    X86_CPUID_EXT_EDX_NX == CPUID_EXT_EDX_NX,
    "x86_guest.h and cpufunc.h disagree on CPUID bits");
_Static_assert(X86_MSR_EFER == MSR_EFER && X86_EFER_NXE == EFER_NXE,
    "x86_guest.h and cpufunc.h disagree on EFER");
_Static_assert(X86_MP_TRAMP_PA % PAGE_SIZE == 0 && X86_MP_TRAMP_PA < 0x100000,
    "the AP trampoline must be a page below 1 MiB (SIPI vector)");

#define BOOT_CMDLINE_MAX	256

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
		kpanic("plat_phys: pa %#llx not below the direct map limit %#x",
		    (unsigned long long)pa, (unsigned)PMAP_DIRECT_MAX);
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

/* Multiboot data at [pa, pa + len), which must be on the boot map. */
static const void *
boot_phys(uint32_t pa, uint32_t len, const char *what)
{
	if (pa >= X86_BOOTMAP_SIZE || len > X86_BOOTMAP_SIZE - pa)
		kpanic("x86_boot: multiboot %s at pa %#x len %#x outside the "
		    "boot map (%#x bytes)", what, pa, len, X86_BOOTMAP_SIZE);
	return plat_phys(pa);
}

/*
 * Copy the command line without its first word: QEMU's -kernel (like GRUB)
 * passes "<kernel path> <-append string>", and kern/ wants the arguments.
 * Truncated, with a warning, past BOOT_CMDLINE_MAX - 1 bytes.
 */
static void
boot_copy_cmdline(uint32_t pa)
{
	const char *s = boot_phys(pa, 1, "cmdline");
	size_t n = 0;

	while (*s == ' ')
		s++;
	while (*s != '\0' && *s != ' ')
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
	uint32_t end_pa = (uint32_t)(uintptr_t)_kernel_end_pa;

	mbi = boot_phys(mbinfo_pa, sizeof(*mbi), "information");
	if (mbi->flags & MBI_FLAG_CMDLINE)
		boot_copy_cmdline(mbi->cmdline);
	bi->cmdline = boot_cmdline;
	boot_parse_memory(bi, mbi);
	bi->kernel_end_pa = (end_pa + PAGE_MASK) & ~(uint32_t)PAGE_MASK;
	bi->text_start_pa = (paddr_t)(uintptr_t)_text_start_pa;
	bi->text_end_pa = (paddr_t)(uintptr_t)_text_end_pa;
	bi->platform = "qemu-x86";
}

/*
 * Contract: entered once from entry.S, on the boot map and boot stack, with
 * interrupts off and the physical address of the multiboot information.
 * Never returns.
 */
void
x86_boot(uint32_t mbinfo_pa)
{
	x86_desc_init();
	x86_cons_init();
	x86_pic_disable();
	x86_probe_init();
	if ((uintptr_t)_kernbase != KERNBASE)
		kpanic("x86_boot: kernel.ld KERNBASE %#x != pmap_md.h KERNBASE "
		    "%#x", (unsigned)(uintptr_t)_kernbase, (unsigned)KERNBASE);
	boot_parse(&boot_info, mbinfo_pa);
	kmain(&boot_info);
}

/* The pmap has loaded its own CR3: the double-fault task must use it too. */
void
plat_paging_ready(void)
{
	x86_df_set_cr3(x86_rcr3());
}
