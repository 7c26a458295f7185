/*
 * Opt-in short names.  The public headers (<pmap/pmap.h>, <pmap/pmap_kern.h>
 * and the backend's <pmap_md.h>) define only PMAP_-prefixed names, so that
 * they never clash with a kernel's own vaddr_t, PAGE_SIZE, KERNBASE,
 * VM_PROT_READ and the like.  Code that has no such names of its own (the
 * library itself, the test kernel) includes this header to use pmap(9)'s
 * names for the same things.  A kernel that does define them must not
 * include it; its values need not match (docs/embedding.md).
 */
#ifndef PMAP_PMAP_NAMES_H
#define PMAP_PMAP_NAMES_H

#include <pmap/pmap.h>

typedef pmap_vaddr_t	vaddr_t;
typedef pmap_vsize_t	vsize_t;
typedef pmap_paddr_t	paddr_t;
typedef pmap_psize_t	psize_t;
typedef pmap_prot_t	vm_prot_t;

#define PAGE_SHIFT		PMAP_PAGE_SHIFT
#define PAGE_SIZE		PMAP_PAGE_SIZE
#define PAGE_MASK		PMAP_PAGE_MASK
#define VM_MIN_ADDRESS		PMAP_VM_MIN_ADDRESS
#define VM_MAXUSER_ADDRESS	PMAP_VM_MAXUSER_ADDRESS
#define KERNBASE		PMAP_KERNBASE
#define VM_MIN_KERNEL_VA	PMAP_VM_MIN_KERNEL_VA
#define VM_MAX_KERNEL_VA	PMAP_VM_MAX_KERNEL_VA

#define VM_PROT_NONE		PMAP_PROT_NONE
#define VM_PROT_READ		PMAP_PROT_READ
#define VM_PROT_WRITE		PMAP_PROT_WRITE
#define VM_PROT_EXECUTE		PMAP_PROT_EXECUTE
#define VM_PROT_ALL		PMAP_PROT_ALL

#ifndef ENOMEM
#define ENOMEM			PMAP_ENOMEM
#endif

#endif /* PMAP_PMAP_NAMES_H */
