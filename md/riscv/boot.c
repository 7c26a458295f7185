/*
 * rv_boot(): from entry.S's S-mode entry to kmain().  Sets up the
 * user-probe trampoline and CPU 0's IPI, turns entry.S's copy of the
 * device tree into a struct boot_info (and the harts, for smp.c), and
 * implements plat_phys() and plat_paging_ready().
 *
 * State at rv_boot (entry.S, riscv_guest.h): S-mode, satp = rv_boot_satp()
 * (the boot map in the backend's mode, ASID 0), sstatus.SUM set,
 * interrupts off, stvec = rv_trap_vector, sscratch = &rv_trapcpus[0], on
 * the boot stack.  QEMU's DTB may lie outside the boot map (near the end of
 * RAM); entry.S copied it in M-mode, and everything kmain needs from it is
 * copied again into this file's statics.
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
_Static_assert(RV_PAGE_SHIFT == PAGE_SHIFT, "riscv_guest.h and pmap_md.h disagree on pages");
_Static_assert(RV_EXIT_FAIL == KERN_EXIT_FAIL && RV_EXIT_NOCPU == KERN_EXIT_NOCPU,
    "riscv_guest.h and kern.h disagree on exit statuses");
_Static_assert(RV_SSTATUS_SPP == (1u << 8) && RV_MSTATUS_SUM == SSTATUS_SUM,
    "riscv_guest.h and cpufunc.h disagree on sstatus bits");
_Static_assert(RV_MAXCPUS == PMAP_MAXCPUS,
    "riscv_guest.h and pmap_md.h disagree on the CPU limit");
_Static_assert(sizeof(((struct pmap_paging *)0)->satp) <= sizeof(unsigned long),
    "pmap_md.h's satp is wider than the register");

static struct boot_info boot_info;
static bool paging_ready;		/* the pmap's direct map is live */

/* The satp entry.S loads: the boot map's root, the backend's mode, ASID 0. */
unsigned long
rv_boot_satp(void)
{
	unsigned long root_pa = (unsigned long)rv_boot_root - RV_KOFF;

	return (unsigned long)RV_BOOT_SATP_MODE | root_pa >> RV_PAGE_SHIFT;
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
		kpanic("plat_phys: pa %#" PMAP_PRIxPADDR " outside the %s [%#"
		    PMAP_PRIxPADDR ", %#" PMAP_PRIxPADDR ")", pa,
		    paging_ready ? "direct map" : "boot map",
		    (paddr_t)PMAP_RAM_BASE, end);
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
 * RAM the backend's paging mode cannot reach on QEMU, if its boot_paging.h
 * says there is any (RV_BOOT_PA_END: md/riscv-sv32's, QEMU's sv32 walk
 * keeps only 32 bits of a physical address), is dropped, saying so.
 */
static void
boot_clip_ram(struct boot_info *bi)
{
#ifdef RV_BOOT_PA_END
	for (unsigned i = 0; i < bi->nregions; i++) {
		struct boot_region *r = &bi->regions[i];
		if (r->base + r->len <= RV_BOOT_PA_END)
			continue;
		uint64_t keep = r->base < RV_BOOT_PA_END ? RV_BOOT_PA_END - r->base : 0;
		kprintf("rv_boot: ignoring RAM %#llx-%#llx: %s\n",
		    (unsigned long long)(r->base + keep),
		    (unsigned long long)(r->base + r->len), RV_BOOT_PA_END_WHY);
		r->len = keep;
	}
#else
	(void)bi;
#endif
}

/* The DTB entry.S found and copied, or a panic saying what it found. */
static void
boot_parse_fdt(struct boot_info *bi, unsigned long fdt_pa)
{
	const struct rv_boot_fdt_info *fi = &rv_boot_fdt_info;

	if (fi->fi_pa == 0 || (fi->fi_pa & 7) != 0)
		kpanic("rv_boot: no device tree: a1 at entry was %#lx, not an "
		    "8-byte aligned address", fdt_pa);
	if (fi->fi_copied == 0)
		kpanic("rv_boot: no usable device tree at pa %#lx: first words "
		    "%#x %#x as read (magic d00dfeed and the size, big-endian), "
		    "copy limit %u bytes", fi->fi_pa, fi->fi_magic,
		    fi->fi_totalsize, RV_FDT_MAX);
	rv_fdt_parse(bi, &rv_fdt_cpus, rv_boot_fdt, fi->fi_copied);
	boot_clip_ram(bi);
	kprintf("# rv_boot: device tree at pa %#lx, %u bytes\n", fi->fi_pa,
	    fi->fi_copied);
}

/* The backend's bits for the extensions it uses (pmap_md.h); 0 for the others. */
#ifdef PMAP_MD_FEAT_SVPBMT
#define BOOT_FEAT_SVPBMT	PMAP_MD_FEAT_SVPBMT
#else
#define BOOT_FEAT_SVPBMT	0u
#endif
#ifdef PMAP_MD_FEAT_SVINVAL
#define BOOT_FEAT_SVINVAL	PMAP_MD_FEAT_SVINVAL
#else
#define BOOT_FEAT_SVINVAL	0u
#endif

/*
 * The MMU extensions every hart's riscv,isa names, said on the console,
 * as the backend's PMAP_MD_FEAT_* bits where it has them.  Svpbmt counts
 * only where M-mode's menvcfg.PBMTE stayed set (entry.S): without it the
 * PBMT bits are reserved, whatever the device tree says.
 */
static unsigned
boot_md_features(unsigned ext)
{
	bool pbmte = false;

#if __riscv_xlen == 64
	pbmte = (rv_boot_menvcfg & RV_MENVCFG_PBMTE) != 0;
#endif
	unsigned md = ((ext & RV_EXT_SVPBMT) && pbmte ? BOOT_FEAT_SVPBMT : 0) |
	    (ext & RV_EXT_SVINVAL ? BOOT_FEAT_SVINVAL : 0);
	kprintf("# riscv: Svpbmt %s, Svinval %s, Svnapot %s (device tree riscv,isa); "
	    "menvcfg.PBMTE %s; the pmap uses %s%s%s\n", ext & RV_EXT_SVPBMT ? "present" :
	    "absent", ext & RV_EXT_SVINVAL ? "present" : "absent", ext & RV_EXT_SVNAPOT ?
	    "present (no NAPOT pages made)" : "absent", __riscv_xlen == 32 ? "n/a (RV32)" :
	    pbmte ? "set" : "clear", md & BOOT_FEAT_SVPBMT ? "Svpbmt (PMAP_NOCACHE: PBMT NC) " :
	    "", md & BOOT_FEAT_SVINVAL ? "Svinval (batches: sinval.vma) " : "", md == 0 ?
	    "neither" : "");
	return md;
}

/*
 * Contract: entered once from entry.S (riscv_guest.h: the boot map, boot
 * stack, interrupts off) on hart hartid with the DTB's physical address.
 * Never returns.
 */
void
rv_boot(unsigned long hartid, unsigned long fdt_pa)
{
	struct boot_info *bi = &boot_info;
	const struct rv_link_info *li = &rv_link_info;

	if (li->li_kernbase != KERNBASE || li->li_ram_base != PMAP_RAM_BASE)
		kpanic("rv_boot: the linker script's KERNBASE %#lx RAM_BASE %#lx != "
		    "pmap_md.h's %#lx %#lx", li->li_kernbase, li->li_ram_base,
		    (unsigned long)KERNBASE, (unsigned long)PMAP_RAM_BASE);
	if (rv_read_satp() != rv_boot_satp())
		kpanic("rv_boot: satp %#lx, expected the boot map's %#lx",
		    rv_read_satp(), rv_boot_satp());
	if (rv_curcpu() != &rv_trapcpus[0])
		kpanic("rv_boot: sscratch %p is not CPU 0's trap record %p",
		    (void *)rv_curcpu(), (void *)&rv_trapcpus[0]);
	rv_trapcpus[0].tc_hartid = hartid;
	rv_ipi_enable();
	rv_probe_init();
	boot_parse_fdt(bi, fdt_pa);
	bi->kernel_end_pa = (li->li_kernel_end_pa + PAGE_MASK) & ~(unsigned long)PAGE_MASK;
	bi->text_start_pa = li->li_text_start_pa;
	bi->text_end_pa = li->li_text_end_pa;
	bi->md_features = boot_md_features(rv_fdt_cpus.fc_ext);
#if __riscv_xlen == 64
	bi->platform = "qemu-riscv64-virt";
#else
	bi->platform = "qemu-riscv32-virt";
#endif
	kmain(bi);
}
