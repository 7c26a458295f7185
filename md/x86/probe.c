/*
 * plat_probe() for the x86 guest: the access really happens and QEMU's MMU
 * is the oracle.
 *
 * Kernel probes run the access in place, through probe_access_*.S; a page
 * fault is recovered by trap.c.
 *
 * User probes run it in ring 3, through probe_user_*.S: the trampoline page
 * (below) is mapped user read/write/execute at KERN_USER_TRAMPOLINE_VA in
 * the current pmap for the duration of one probe, and its code does the
 * access, then int $T_UPROBE.  That interrupt, or a page fault on the
 * access, reaches x86_uprobe_trap() through trap.c, which leaves ring 3 for
 * good by x86_uprobe_leave().  The mapping is removed again before the
 * probe returns, so the pmap's counts are as before it.  Each user probe
 * costs a pmap_enter and a pmap_remove (and, unless the test maps
 * something else in the span of the trampoline's page table -- 4 MiB on
 * i386, 2 MiB on i386-pae and amd64 -- page-table pages allocated and freed), two
 * pmap_updates and two privilege changes.  With NX on (i386-pae, amd64) the
 * VM_PROT_ALL mapping is the executable one; the page's own direct-map
 * alias may be non-executable, and no one executes through it.
 */
#include <stdbool.h>
#include <stdint.h>

#include <kern.h>
#include <cpufunc.h>

#include "x86_guest.h"

#define UTRAMP_VA	KERN_USER_TRAMPOLINE_VA
#define UTRAMP_STACK	64	/* bytes at the top of the page for ring 3's stack */
/*
 * Ring 3's initial stack pointer: 16 bytes below the page's end, so that
 * it is a canonical address on amd64 too, where the page ends at the end
 * of the lower half.
 */
#define UTRAMP_SP	(UTRAMP_VA + PAGE_SIZE - 16)

/*
 * The trampoline page: a page of the image (.bss) rather than one from the
 * page allocator, which kern/ would count as leaked by the test that ran
 * the first user probe.  The image's own kernel mapping (KERNBASE + pa) is
 * supervisor-only and stays so; ring 3 sees the page only through the
 * probe's mapping at UTRAMP_VA.  Nothing else shares the page.
 */
static uint8_t utramp_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static paddr_t utramp_pa;

/* The user probe in ring 3: what its end may look like, and its outcome. */
static struct {
	uintptr_t	fault_pc;	/* the one PC a page fault may have */
	uint32_t	eax;		/* at int $T_UPROBE: the word read */
	uint32_t	code;		/* page-fault error code */
	uintptr_t	cr2;
} uprobe;

/* Contract: called once by x86_boot, on the boot map.  Fills the trampoline page. */
void
x86_probe_init(void)
{
	size_t len = (size_t)(x86_utramp_end - x86_utramp);

	if (len > PAGE_SIZE - UTRAMP_STACK)
		kpanic("x86_probe_init: trampoline code of %u bytes leaves no "
		    "room for its %u-byte stack", (unsigned)len, UTRAMP_STACK);
	utramp_pa = x86_image_pa(utramp_page);
	memcpy(plat_phys(utramp_pa), x86_utramp, len);
}

/* Contract (kern.h): can plat_probe run as user?  Yes, in ring 3 (CPU 0). */
bool
plat_probe_user_supported(void)
{
	return true;
}

/* Contract (kern.h): the random tester's user probes run on CPU 0 only. */
bool
plat_probe_user_any_cpu(void)
{
	return false;
}

/* One armed access; fills the fault fields of r if it faulted. */
static bool
probe_kernel(vaddr_t va, enum probe_access access, uint32_t wval,
    struct probe_result *r)
{
	int error;

	switch (access) {
	case PROBE_READ:
		error = x86_probe_read(va, &r->value);
		break;
	case PROBE_WRITE:
		error = x86_probe_write(va, wval);
		break;
	case PROBE_EXEC:
		error = x86_probe_exec(va);
		break;
	default:
		kpanic("plat_probe: bad access %d at va %#" PMAP_PRIxVADDR,
		    (int)access, va);
	}
	if (error == 0)
		return true;
	r->fault_code = (uint32_t)x86_curcpu()->cpu_onfault.of_code;
	r->fault_va = x86_curcpu()->cpu_onfault.of_va;
	return false;
}

/* User VA at which the trampoline's entry for access starts. */
static uintptr_t
utramp_entry(vaddr_t va, enum probe_access access)
{
	const char *e;

	switch (access) {
	case PROBE_READ:
		e = x86_utramp_read;
		break;
	case PROBE_WRITE:
		e = x86_utramp_write;
		break;
	case PROBE_EXEC:
		e = x86_utramp_exec;
		break;
	default:
		kpanic("plat_probe: bad access %d at va %#" PMAP_PRIxVADDR,
		    (int)access, va);
	}
	return UTRAMP_VA + (uintptr_t)(e - x86_utramp);
}

/* The access in ring 3 in the current pmap; fills the fault fields of r if it faulted. */
static bool
probe_user(vaddr_t va, enum probe_access access, uint32_t wval,
    struct probe_result *r)
{
	struct pmap *pm;
	struct x86_uprobe_entry e;
	int error;

	e.ue_pc = utramp_entry(va, access);
	e.ue_sp = UTRAMP_SP;
	e.ue_va = va;
	e.ue_val = wval;
	uprobe.fault_pc = access == PROBE_EXEC ? va : e.ue_pc;
	pm = kern_uprobe_map(va, utramp_pa);
	error = x86_uprobe_enter(&e);
	kern_uprobe_unmap(pm);
	if (error == 0) {
		if (access == PROBE_READ)
			r->value = uprobe.eax;
		return true;
	}
	r->fault_code = uprobe.code;
	r->fault_va = uprobe.cr2;
	return false;
}

/*
 * Contract (x86_guest.h): tf is a trap from ring 3, or int $T_UPROBE.  The
 * end of the user probe in ring 3 -- its int $T_UPROBE, or a page fault of
 * its access -- leaves for the probe's caller and does not return.
 * Anything else is a bug: returns what is wrong, for trap.c to report.
 */
const char *
x86_uprobe_trap(const struct trapframe *tf, uintptr_t cr2)
{
	if (x86_uprobe_ksp == 0)
		return "trap from ring 3 or int $0x80 with no user probe running";
	if (!trapframe_from_user(tf))
		return "int $0x80 from ring 0 during a user probe";
	if (tf->tf_trapno == T_UPROBE) {
		if (trapframe_pc(tf) - UTRAMP_VA >
		    (uintptr_t)(x86_utramp_end - x86_utramp))
			return "int $0x80 from outside the user-probe trampoline";
		uprobe.eax = (uint32_t)trapframe_ax(tf);
		x86_uprobe_leave(0);
	}
	if (tf->tf_trapno != T_PAGEFLT)
		return "exception in ring 3 during a user probe";
	if ((cr2 & ~PAGE_MASK) == UTRAMP_VA)
		return "user probe faulted on its own trampoline page or stack "
		    "(a platform bug)";
	if (trapframe_pc(tf) != uprobe.fault_pc)
		return "user probe page fault at a PC other than its access";
	uprobe.code = (uint32_t)tf->tf_err;
	uprobe.cr2 = cr2;
	x86_uprobe_leave(-1);
}

/*
 * Contract (kern.h): access the word at va in the current address space:
 * READ (r->value set only if the read completed), WRITE (wval stored) or
 * EXEC (va called; it must hold `ret`), in ring 0 or, if user, in ring 3
 * in the user pmap that is active (one must be).  A page fault of the
 * access is reported in r (fault_code = the #PF error code, fault_va =
 * CR2), never fatal; any other exception is.  Kernel probes run on any
 * CPU; user probes on CPU 0 only: one trampoline page at one user VA and
 * one saved kernel context (probe_user_*.S) serve them.
 */
void
plat_probe(vaddr_t va, enum probe_access access, bool user, uint32_t wval,
    struct probe_result *r)
{
	r->fault_code = 0;
	r->fault_va = 0;
	if (user && plat_cpu_index() != 0)
		kpanic("plat_probe: user probe of va %#" PMAP_PRIxVADDR " on CPU "
		    "%u; x86 user probes run on CPU 0 only", va, plat_cpu_index());
	if (user)
		r->ok = probe_user(va, access, wval, r);
	else
		r->ok = probe_kernel(va, access, wval, r);
}

/* The #PF error code; fetch is reported only once NX is on (PAE, amd64). */
void
plat_fault_decode(uint32_t code, struct fault_info *f)
{
	X86_PF_DECODE(code, f, (pmap_backend_caps() & PMAP_CAP_NX) != 0);
}

/* `ret` (0xC3): EXEC probes call their target. */
void
plat_plant_return(void *p)
{
	*(volatile uint8_t *)p = 0xC3;
}

/* SMAP is not enabled: the kernel always reaches user pages. */
bool
plat_kernel_user_access(bool allow)
{
	(void)allow;
	return false;
}
