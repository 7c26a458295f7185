/*
 * The part of a user-mode probe every guest platform shares: the probe runs
 * a trampoline page, mapped for its duration at KERN_USER_TRAMPOLINE_VA in
 * the current user pmap (the platforms enter user mode and come back; see
 * md/x86/probe.c, md/riscv/probe.c).
 */
#include "kern.h"

/* Map the trampoline at tramp_pa for a user probe of va; returns the pmap. */
struct pmap *
kern_uprobe_map(vaddr_t va, paddr_t tramp_pa)
{
	const vaddr_t tva = KERN_USER_TRAMPOLINE_VA;
	struct pmap *pm = pmap_current();
	int error;

	if (pm == NULL)
		kpanic("plat_probe: user probe at va %#" PMAP_PRIxVADDR " needs an active "
		    "user pmap", va);
	if (va < tva + PAGE_SIZE && (uint64_t)va + 4 > tva)
		kpanic("plat_probe: user probe at va %#" PMAP_PRIxVADDR " touches the "
		    "trampoline page at %#" PMAP_PRIxVADDR, va, tva);
	if (pmap_extract(pm, tva, NULL))
		kpanic("plat_probe: pmap %p maps va %#" PMAP_PRIxVADDR ", which is reserved for "
		    "the user-probe trampoline", (void *)pm, tva);
	error = pmap_enter(pm, tva, tramp_pa, VM_PROT_ALL, PMAP_WIRED);
	if (error != 0)
		kpanic("plat_probe: pmap_enter of the trampoline (va %#" PMAP_PRIxVADDR
		    " pa %#llx) failed: error %d", tva, (unsigned long long)tramp_pa, error);
	pmap_update(pm);
	return pm;
}

/* Take the trampoline away again: pm's counts are exactly as before the probe. */
void
kern_uprobe_unmap(struct pmap *pm)
{
	pmap_remove(pm, KERN_USER_TRAMPOLINE_VA, KERN_USER_TRAMPOLINE_VA + PAGE_SIZE);
	pmap_update(pm);
}
