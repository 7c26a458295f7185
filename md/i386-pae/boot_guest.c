/*
 * i386-pae's part of the x86 guest platform that is not the library: the
 * root an application processor turns paging on with (boot_paging.h).
 * Built into the test kernel with md/x86 (the Makefile's *_guest.c rule),
 * never into libpmapkit.a.
 */
#include <stdint.h>

#include <kern.h>

#include "boot_paging.h"
#include "pte.h"
#include "x86_guest.h"

#define AP_KERN_PDPTE	(X86_KERNBASE >> X86_BOOT_PDPT_SHIFT)

/* In .bss, in the image: their physical addresses are x86_image_pa(). */
static uint64_t ap_pd[512] __attribute__((aligned(4096)));
static uint64_t ap_pt[512] __attribute__((aligned(4096)));
static uint64_t ap_pdpt[4] __attribute__((aligned(32)));

/*
 * A PDPT whose entry 0 holds a directory with one page table mapping
 * tramp_pa at its own address, and whose entry 3 is the kernel directory
 * every pmap shares.  PDPTEs hold P and the address only (SDM vol. 3A,
 * table 4-8).
 */
uint32_t
x86_boot_ap_root(uint32_t cr3, uint32_t tramp_pa)
{
	const uint64_t *kpdpt = plat_phys(cr3 & ~0x1Fu);

	if ((kpdpt[AP_KERN_PDPTE] & PG_V) == 0)
		kpanic("x86_boot_ap_root: kernel PDPTE %u is %#llx, not present",
		    AP_KERN_PDPTE, (unsigned long long)kpdpt[AP_KERN_PDPTE]);
	ap_pt[(tramp_pa >> 12) & 511] = tramp_pa | PG_V | PG_RW;
	ap_pd[(tramp_pa >> 21) & 511] = x86_image_pa(ap_pt) | PG_V | PG_RW;
	ap_pdpt[0] = x86_image_pa(ap_pd) | PG_V;
	ap_pdpt[AP_KERN_PDPTE] = (kpdpt[AP_KERN_PDPTE] & PG_FRAME) | PG_V;
	return x86_image_pa(ap_pdpt);
}
