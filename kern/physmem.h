/* The test kernel's physical page allocator (kern/physmem.c). */
#ifndef KERN_PHYSMEM_H
#define KERN_PHYSMEM_H

#include "kern.h"

uint64_t physmem_init(const struct boot_info *);	/* returns the end of RAM */
paddr_t	physmem_direct_end(void);	/* end of the RAM below PMAP_DIRECT_END */
int	physmem_alloc(paddr_t *pap);		/* 0 or ENOMEM */
/* A direct-mapped page (reachable through plat_phys). */
int	physmem_alloc_direct(paddr_t *pap);
/* A page in [lo, hi) (e.g. above 4 GiB for tests, below it for a PDPT). */
int	physmem_alloc_range(paddr_t lo, paddr_t hi, paddr_t *pap);
/* size bytes of free, size-aligned, direct-mapped RAM (tests of large pages); ENOMEM if none. */
int	physmem_alloc_block(paddr_t size, paddr_t *pap);
void	physmem_free(paddr_t pa);
unsigned long physmem_free_count(void);
unsigned long physmem_managed_count(void);
unsigned long physmem_alloc_count(void);	/* successful allocations so far */
/* Fault injection: the allocation n from now (0 = next) fails; -1 disables. */
void	physmem_fail_after(long n);
/*
 * Fault injection: the next pmap_kern_page_alloc_below answers pa (taken
 * from nobody, whatever its limit), as a kernel that ignores the limit
 * would; 0 disables.
 */
void	physmem_misplace_next(paddr_t pa);

#endif
