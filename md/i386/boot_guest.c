/*
 * i386's part of the x86 guest platform that is not the library: the root
 * an application processor turns paging on with (boot_paging.h).  Built
 * into the test kernel with md/x86 (the Makefile's *_guest.c rule), never
 * into libpmapkit.a.
 */
#include <stdint.h>
#include <string.h>

#include <kern.h>

#include "boot_paging.h"
#include "pte.h"
#include "x86_guest.h"

/* In .bss, in the image: their physical addresses are x86_image_pa(). */
static uint32_t ap_pd[1024] __attribute__((aligned(4096)));
static uint32_t ap_pt[1024] __attribute__((aligned(4096)));

/*
 * A copy of the kernel page directory (every kernel PDE, self-map and
 * windows included) with one more PDE: a page table mapping tramp_pa at
 * its own address, read/write, supervisor.
 */
uint32_t
x86_boot_ap_root(uint32_t cr3, uint32_t tramp_pa)
{
	ap_pt[(tramp_pa >> 12) & 1023] = tramp_pa | PG_V | PG_RW;
	memcpy(ap_pd, plat_phys(cr3 & PG_FRAME), sizeof(ap_pd));
	ap_pd[tramp_pa >> 22] = x86_image_pa(ap_pt) | PG_V | PG_RW;
	return x86_image_pa(ap_pd);
}
