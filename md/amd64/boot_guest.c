/*
 * amd64's part of the x86 guest platform that is not the library: the root
 * an application processor turns paging on with (boot_paging.h).  Built
 * into the test kernel with md/x86 (the Makefile's *_guest.c rule), never
 * into libpmapkit.a.
 */
#include <stdint.h>
#include <string.h>

#include <kern.h>

#include "boot_paging.h"
#include "x86_guest.h"

#define AP_NPTE		512
#define AP_FRAME	0x000FFFFFFFFFF000ull	/* address bits 51:12 of an entry */
#define AP_KERN_SLOT	(AP_NPTE / 2)	/* the root's upper half is the kernel's */

_Static_assert(((X86_KERNBASE >> AMD64_BOOT_PML4_SHIFT) & (AP_NPTE - 1)) ==
    AMD64_BOOT_KERN_PML4E, "boot_paging.h: KERNBASE's PML4 slot");
_Static_assert(((X86_KERNBASE >> AMD64_BOOT_PML5_SHIFT) & (AP_NPTE - 1)) ==
    AMD64_BOOT_KERN_PML5E, "boot_paging.h: KERNBASE's PML5 slot");

/*
 * In .bss, in the image: their physical addresses are x86_image_pa(), below
 * the 1 GiB boot map, so below 4 GiB as the 32-bit MOV to CR3 of
 * mp_tramp_64.S needs.
 */
static uint64_t ap_pml4[AP_NPTE] __attribute__((aligned(4096)));
#ifdef CONFIG_AMD64_LA57
static uint64_t ap_pml5[AP_NPTE] __attribute__((aligned(4096)));
#define AP_ROOT		ap_pml5
#else
#define AP_ROOT		ap_pml4
#endif
static uint64_t ap_pdpt[AP_NPTE] __attribute__((aligned(4096)));
static uint64_t ap_pd[AP_NPTE] __attribute__((aligned(4096)));
static uint64_t ap_pt[AP_NPTE] __attribute__((aligned(4096)));

/*
 * A root (the PML4, or with CONFIG_AMD64_LA57 the PML5) whose kernel half
 * (entries 256-511) is the kernel root's, and whose lower half maps only
 * tramp_pa at its own address, read/write, supervisor, through tables of
 * its own.  The kernel root's entries are made at bootstrap and never
 * change (md/amd64/pmap_md.h), so the copy stays right while APs run on it.
 */
uint64_t
x86_boot_ap_root(uint64_t cr3, uint32_t tramp_pa)
{
	const uint64_t *kroot = plat_phys(cr3 & AP_FRAME);
	const uint64_t rw = AMD64_BOOT_PG_V | AMD64_BOOT_PG_RW;
	uint64_t pa = tramp_pa & ~(uint64_t)0xFFF;

	const unsigned kslot = (X86_KERNBASE >> (AP_ROOT == ap_pml4 ? AMD64_BOOT_PML4_SHIFT :
	    AMD64_BOOT_PML5_SHIFT)) & (AP_NPTE - 1);

	if ((kroot[kslot] & AMD64_BOOT_PG_V) == 0)
		kpanic("x86_boot_ap_root: the kernel root's entry %u is %#llx, not present",
		    kslot, (unsigned long long)kroot[kslot]);
	memset(AP_ROOT, 0, sizeof(AP_ROOT));
	memcpy(&AP_ROOT[AP_KERN_SLOT], &kroot[AP_KERN_SLOT],
	    (AP_NPTE - AP_KERN_SLOT) * sizeof(AP_ROOT[0]));
	ap_pt[(pa >> 12) & (AP_NPTE - 1)] = pa | rw;
	ap_pd[(pa >> X86_BOOT_PT_SHIFT) & (AP_NPTE - 1)] = x86_image_pa(ap_pt) | rw;
	ap_pdpt[(pa >> AMD64_BOOT_PD_SHIFT) & (AP_NPTE - 1)] = x86_image_pa(ap_pd) | rw;
	ap_pml4[(pa >> AMD64_BOOT_PML4_SHIFT) & (AP_NPTE - 1)] = x86_image_pa(ap_pdpt) | rw;
#ifdef CONFIG_AMD64_LA57
	ap_pml5[(pa >> AMD64_BOOT_PML5_SHIFT) & (AP_NPTE - 1)] = x86_image_pa(ap_pml4) | rw;
#endif
	return x86_image_pa(AP_ROOT);
}
