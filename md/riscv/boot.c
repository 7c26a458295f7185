/*
 * rv_boot(): from entry.S's S-mode entry to kmain().  Sets up the
 * user-probe trampoline and CPU 0's IPI, turns entry.S's copy of the
 * device tree into a struct boot_info (and the harts, for smp.c), and
 * implements plat_phys() and plat_paging_ready().
 *
 * State at rv_boot (entry.S, riscv_guest.h): S-mode, satp = rv_boot_satp()
 * (the boot map, ASID 0), sstatus.SUM set, interrupts off, stvec =
 * rv_trap_vector, sscratch = &rv_trapcpus[0], on the boot stack.  QEMU's DTB lies outside the boot map
 * (at the end of RAM); entry.S copied it in M-mode, and everything kmain
 * needs from it is copied again into this file's statics.
 */
#include <stdint.h>

#include <kern.h>
#include <cpufunc.h>

#include "riscv_guest.h"

_Static_assert(RV_KERNBASE == KERNBASE, "riscv_guest.h and pmap_md.h disagree");
_Static_assert(RV_RAM_BASE == PMAP_RAM_BASE,
    "riscv_guest.h and pmap_md.h disagree on RAM_BASE");
_Static_assert(RV_BOOTMAP_SIZE == PMAP_BOOTMAP_SIZE,
    "riscv_guest.h and pmap_md.h disagree on the boot map");
_Static_assert(RV_BOOTMAP_SIZE <= PMAP_DIRECT_MAX,
    "boot map larger than the direct map");
_Static_assert(RV_SATP_SV32 == SATP_MODE_SV32,
    "riscv_guest.h and cpufunc.h disagree on satp");
_Static_assert(RV_EXIT_FAIL == KERN_EXIT_FAIL,
    "riscv_guest.h and kern.h disagree on exit statuses");
_Static_assert(RV_SSTATUS_SPP == (1u << 8) && RV_MSTATUS_SUM == SSTATUS_SUM,
    "riscv_guest.h and cpufunc.h disagree on sstatus bits");
_Static_assert(RV_MAXCPUS == PMAP_MAXCPUS,
    "riscv_guest.h and pmap_md.h disagree on the CPU limit");

static struct boot_info boot_info;
static bool paging_ready;		/* the pmap's direct map is live */

/* The satp entry.S loads: the boot map's root, sv32, ASID 0. */
uint32_t
rv_boot_satp(void)
{
	uint32_t root_pa = (uint32_t)(uintptr_t)rv_boot_root - RV_KOFF;

	return SATP_MODE_SV32 | root_pa >> PAGE_SHIFT;
}

/*
 * Contract (kern.h): kernel VA of physical byte pa.  Valid for pa in
 * [PMAP_RAM_BASE, PMAP_RAM_BASE + PMAP_BOOTMAP_SIZE) on the boot map and
 * [PMAP_RAM_BASE, PMAP_DIRECT_END) once the pmap has built its direct map
 * (plat_paging_ready); anything else panics.
 */
void *
plat_phys(paddr_t pa)
{
	paddr_t end = paging_ready ? PMAP_DIRECT_END :
	    (paddr_t)PMAP_RAM_BASE + PMAP_BOOTMAP_SIZE;

	if (pa < PMAP_RAM_BASE || pa >= end)
		kpanic("plat_phys: pa %#llx outside the %s [%#x, %#llx)",
		    (unsigned long long)pa, paging_ready ? "direct map" : "boot map",
		    (unsigned)PMAP_RAM_BASE, (unsigned long long)end);
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

/* Contract (kern.h): the pmap's tables are live; its direct map with them. */
void
plat_paging_ready(void)
{
	paging_ready = true;
}

/*
 * QEMU 7.2's sv32 walk keeps only the low 32 bits of a leaf's 34-bit
 * physical address (DESIGN.md; measured: a store through a user mapping of
 * a page at 4 GiB takes a store access fault, the pa it reaches being the
 * truncated one), so virt's RAM at and above 4 GiB, there with more than 2
 * GiB, cannot be used.  Drop it, saying so (the host model keeps 34 bits).
 */
#define RV_QEMU_PA_END		0x100000000ull

static void
boot_clip_ram(struct boot_info *bi)
{
	for (unsigned i = 0; i < bi->nregions; i++) {
		struct boot_region *r = &bi->regions[i];
		if (r->base + r->len <= RV_QEMU_PA_END)
			continue;
		uint64_t keep = r->base < RV_QEMU_PA_END ? RV_QEMU_PA_END - r->base : 0;
		kprintf("rv_boot: ignoring RAM %#llx-%#llx: QEMU's sv32 truncates physical "
		    "addresses to 32 bits\n", (unsigned long long)(r->base + keep),
		    (unsigned long long)(r->base + r->len));
		r->len = keep;
	}
}

/* The DTB entry.S found and copied, or a panic saying what it found. */
static void
boot_parse_fdt(struct boot_info *bi, uint32_t fdt_pa)
{
	const struct rv_boot_fdt_info *fi = &rv_boot_fdt_info;

	if (fi->fi_pa == 0 || (fi->fi_pa & 7) != 0)
		kpanic("rv_boot: no device tree: a1 at entry was %#x, not an "
		    "8-byte aligned address", fdt_pa);
	if (fi->fi_copied == 0)
		kpanic("rv_boot: no usable device tree at pa %#x: first words "
		    "%#x %#x as read (magic d00dfeed and the size, big-endian), "
		    "copy limit %u bytes", fi->fi_pa, fi->fi_magic,
		    fi->fi_totalsize, RV_FDT_MAX);
	rv_fdt_parse(bi, &rv_fdt_cpus, rv_boot_fdt, fi->fi_copied);
	boot_clip_ram(bi);
	kprintf("# rv_boot: device tree at pa %#x, %u bytes\n", fi->fi_pa,
	    fi->fi_copied);
}

/*
 * Contract: entered once from entry.S (riscv_guest.h: the boot map, boot
 * stack, interrupts off) on hart hartid with the DTB's physical address.
 * Never returns.
 */
void
rv_boot(uint32_t hartid, uint32_t fdt_pa)
{
	struct boot_info *bi = &boot_info;
	uint32_t end_pa = (uint32_t)(uintptr_t)_kernel_end_pa;

	if ((uintptr_t)_kernbase != KERNBASE || (uintptr_t)_ram_base != PMAP_RAM_BASE)
		kpanic("rv_boot: kernel.ld KERNBASE %#x RAM_BASE %#x != pmap_md.h "
		    "%#x %#x", (unsigned)(uintptr_t)_kernbase,
		    (unsigned)(uintptr_t)_ram_base, (unsigned)KERNBASE,
		    (unsigned)PMAP_RAM_BASE);
	if (rv_read_satp() != rv_boot_satp())
		kpanic("rv_boot: satp %#x, expected the boot map's %#x",
		    rv_read_satp(), rv_boot_satp());
	if (rv_curcpu() != &rv_trapcpus[0])
		kpanic("rv_boot: sscratch %p is not CPU 0's trap record %p",
		    (void *)rv_curcpu(), (void *)&rv_trapcpus[0]);
	rv_trapcpus[0].tc_hartid = hartid;
	rv_ipi_enable();
	rv_probe_init();
	boot_parse_fdt(bi, fdt_pa);
	bi->kernel_end_pa = (end_pa + PAGE_MASK) & ~(uint32_t)PAGE_MASK;
	bi->text_start_pa = (paddr_t)(uintptr_t)_text_start_pa;
	bi->text_end_pa = (paddr_t)(uintptr_t)_text_end_pa;
	bi->platform = "qemu-riscv32-virt";
	kmain(bi);
}
