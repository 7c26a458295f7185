/*
 * The floor of the instruction counts (tests/floor.c): a bare walker over
 * the backend's geometry (PMAP_LEVEL_SHIFT, PMAP_LEVEL_ENTRIES) and entry helpers (<pte.h>),
 * with none of a pmap's bookkeeping.
 */
#ifndef TESTS_FLOOR_H
#define TESTS_FLOOR_H

#include <pmap/pmap.h>
#include <pmap/pmap_names.h>

struct floor {
	paddr_t		 root;
};

void	floor_init(struct floor *);
void	floor_enter(struct floor *, vaddr_t va, paddr_t pa, vm_prot_t prot);
paddr_t	floor_extract(struct floor *, vaddr_t va);	/* 0: not mapped */
void	floor_remove(struct floor *, vaddr_t sva, vaddr_t eva);
void	floor_protect(struct floor *, vaddr_t sva, vaddr_t eva, vm_prot_t prot);
void	floor_map_range(struct floor *, vaddr_t va, paddr_t pa, unsigned npages, vm_prot_t prot);

#endif
