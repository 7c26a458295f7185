/*
 * plat_probe() for the RISC-V guest: the access really happens and QEMU's
 * MMU is the oracle.
 *
 * Kernel probes run the access in place, in S-mode, through
 * probe_access.S, on any CPU, several at once; a page fault is recovered
 * by trap.c with the calling CPU's recovery record.  S-mode can read and
 * write user pages only while sstatus.SUM is set (entry.S sets it on
 * every hart, from CPU 0's at start-up for the others; tests may clear it
 * on the CPU they run on) and can never execute them (privileged spec
 * 4.3.1).
 *
 * User probes run it in U-mode, through probe_user.S: the trampoline page
 * (below) is mapped user read/write/execute at KERN_USER_TRAMPOLINE_VA in
 * the current pmap for the duration of one probe, and its code does the
 * access, then ecall.  That ecall, or a page fault on the access that
 * pmap_fault() does not resolve, reaches rv_uprobe_trap() through trap.c,
 * which leaves U-mode for good by rv_uprobe_leave().  The mapping is
 * removed again before the probe returns, so the pmap's counts are as
 * before it.  Each user probe costs a pmap_enter and a pmap_remove (and,
 * unless the test maps something else in the trampoline's 4 MiB, a
 * page-table page allocated and freed), two pmap_updates and two
 * privilege changes.  User probes run on CPU 0 only: the trampoline goes
 * into the pmap current on the calling CPU, and the pmap (kern_uprobe_map's
 * pmap_enter) is not used from other CPUs yet.  The platform's side is per
 * CPU already (tc_ksp, uprobes[]); probe_user_cpu_ok() is the one gate.
 */
#include <stdbool.h>
#include <stdint.h>

#include <kern.h>
#include <cpufunc.h>

#include "riscv_guest.h"

#define UTRAMP_VA	KERN_USER_TRAMPOLINE_VA
#define UTRAMP_STACK	64	/* bytes at the top of the page for U-mode's sp */

/*
 * The trampoline page: a page of the image (.bss) rather than one from the
 * page allocator, which kern/ would count as leaked by the test that ran
 * the first user probe.  Its kernel mapping (KERNBASE + offset) is
 * supervisor-only; U-mode sees the page only through the probe's mapping
 * at UTRAMP_VA.  Nothing else shares the page.
 */
static uint8_t utramp_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static paddr_t utramp_pa;

/* Each CPU's user probe in U-mode: what its end may look like, and its outcome. */
static struct uprobe {
	unsigned long	fault_pc;	/* the one sepc a page fault may have */
	uint32_t	a0;		/* at the ecall: the word read */
	uint32_t	code;		/* scause */
	vaddr_t		stval;
} uprobes[RV_MAXCPUS];

/*
 * Contract: called once by rv_boot, on the boot map.  Fills the trampoline
 * page; fence.i makes the stores visible to instruction fetch (unprivileged
 * spec, Zifencei).
 */
void
rv_probe_init(void)
{
	size_t len = (size_t)(rv_utramp_end - rv_utramp);

	if (len > PAGE_SIZE - UTRAMP_STACK)
		kpanic("rv_probe_init: trampoline code of %u bytes leaves no "
		    "room for its %u-byte stack", (unsigned)len, UTRAMP_STACK);
	utramp_pa = (paddr_t)((uintptr_t)utramp_page - KERNBASE) + PMAP_RAM_BASE;
	memcpy(plat_phys(utramp_pa), rv_utramp, len);
	rv_fence_i();
}

/* User probes may run on this CPU (see the top of the file). */
static bool
probe_user_cpu_ok(void)
{
	return plat_cpu_index() == 0;
}

/* Contract (kern.h): can plat_probe run as user?  In U-mode, on CPU 0. */
bool
plat_probe_user_supported(void)
{
	return probe_user_cpu_ok();
}

/* Contract (kern.h): the random tester's user probes run on CPU 0 only. */
bool
plat_probe_user_any_cpu(void)
{
	return false;
}

static void __attribute__((noreturn))
probe_bad_access(vaddr_t va, enum probe_access access)
{
	kpanic("plat_probe: bad access %d at va %#" PMAP_PRIxVADDR, (int)access, va);
}

/* One armed access; fills the fault fields of r if it faulted. */
static bool
probe_kernel(vaddr_t va, enum probe_access access, uint32_t wval,
    struct probe_result *r)
{
	int error;

	switch (access) {
	case PROBE_READ:
		error = rv_probe_read(va, &r->value);
		break;
	case PROBE_WRITE:
		error = rv_probe_write(va, wval);
		break;
	case PROBE_EXEC:
		rv_fence_i();	/* the test stored the `ret' it calls */
		error = rv_probe_exec(va);
		break;
	default:
		probe_bad_access(va, access);
	}
	if (error == 0)
		return true;
	r->fault_code = (uint32_t)rv_curcpu()->tc_onfault.of_code;
	r->fault_va = rv_curcpu()->tc_onfault.of_va;
	return false;
}

/* User VA at which the trampoline's entry for access starts. */
static unsigned long
utramp_entry(vaddr_t va, enum probe_access access)
{
	const char *e;

	switch (access) {
	case PROBE_READ:
		e = rv_utramp_read;
		break;
	case PROBE_WRITE:
		e = rv_utramp_write;
		break;
	case PROBE_EXEC:
		e = rv_utramp_exec;
		break;
	default:
		probe_bad_access(va, access);
	}
	return UTRAMP_VA + (unsigned long)(e - rv_utramp);
}

/* The access in U-mode in the current pmap; fills the fault fields of r if it faulted. */
static bool
probe_user(vaddr_t va, enum probe_access access, uint32_t wval,
    struct probe_result *r)
{
	struct uprobe *up = &uprobes[plat_cpu_index()];
	struct pmap *pm;
	unsigned long pc;
	int error;

	if (!probe_user_cpu_ok())
		kpanic("plat_probe: user probe at va %#" PMAP_PRIxVADDR " on CPU %u: "
		    "user probes run on CPU 0 only", va, plat_cpu_index());
	pc = utramp_entry(va, access);
	up->fault_pc = access == PROBE_EXEC ? va : pc;
	pm = kern_uprobe_map(va, utramp_pa);
	rv_fence_i();		/* the test may have stored the `ret' it calls */
	error = rv_uprobe_enter(pc, UTRAMP_VA + PAGE_SIZE, va, wval);
	kern_uprobe_unmap(pm);
	if (error == 0) {
		if (access == PROBE_READ)
			r->value = up->a0;
		return true;
	}
	r->fault_code = up->code;
	r->fault_va = up->stval;
	return false;
}

/*
 * Contract (riscv_guest.h): tf is a trap from U-mode that pmap_fault()
 * did not resolve.  The end of the user probe in U-mode -- its ecall, or a
 * page fault of its access -- leaves for the probe's caller and does not
 * return.  Anything else is a bug: returns what is wrong, for trap.c to
 * report.
 */
const char *
rv_uprobe_trap(const struct rv_trapframe *tf)
{
	struct uprobe *up = &uprobes[plat_cpu_index()];
	unsigned long sc = tf->tf_scause;

	if (rv_curcpu()->tc_ksp == 0)
		return "trap from U-mode with no user probe running";
	if (sc == RV_SCAUSE_ECALL_U) {
		if (tf->tf_sepc - UTRAMP_VA >= (unsigned long)(rv_utramp_end - rv_utramp))
			return "ecall from outside the user-probe trampoline";
		up->a0 = (uint32_t)tf->tf_x[RV_A0];
		rv_uprobe_leave(0);
	}
	if (sc != SCAUSE_FETCH_PAGE_FAULT && sc != SCAUSE_LOAD_PAGE_FAULT &&
	    sc != SCAUSE_STORE_PAGE_FAULT)
		return "exception in U-mode during a user probe";
	if ((tf->tf_stval & ~PAGE_MASK) == UTRAMP_VA)
		return "user probe faulted on its own trampoline page (a "
		    "platform or pmap bug)";
	if (tf->tf_sepc != up->fault_pc)
		return "user probe page fault at a pc other than its access";
	up->code = (uint32_t)sc;
	up->stval = tf->tf_stval;
	rv_uprobe_leave(-1);
}

/*
 * Contract (kern.h): access the word at va in the current address space:
 * READ (r->value set only if the read completed), WRITE (wval stored) or
 * EXEC (va called; it must hold `ret', 0x00008067), in S-mode or, if user,
 * in U-mode in the user pmap that is active (one must be; CPU 0 only).  A
 * page fault of the access is reported in r (fault_code = scause, fault_va
 * = stval), never fatal; any other exception is.  An IPI taken meanwhile
 * (interrupts enabled, or always in U-mode) changes nothing.
 */
void
plat_probe(vaddr_t va, enum probe_access access, bool user, uint32_t wval,
    struct probe_result *r)
{
	r->fault_code = 0;
	r->fault_va = 0;
	if (user)
		r->ok = probe_user(va, access, wval, r);
	else
		r->ok = probe_kernel(va, access, wval, r);
}

/*
 * scause tells the access (12 fetch, 13 load, 15 store/AMO; privileged
 * spec table 4.2) but neither the privilege of the access nor whether the
 * page was present.
 */
void
plat_fault_decode(uint32_t code, struct fault_info *f)
{
	RV_FAULT_DECODE(code, f);
}

/* `ret` (jalr x0, 0(ra) = 0x00008067): EXEC probes call their target. */
void
plat_plant_return(void *p)
{
	*(volatile uint32_t *)p = 0x00008067u;
	__asm__ volatile("fence.i" ::: "memory");
}

/* This CPU's sstatus.SUM: S-mode loads and stores to U pages (privileged spec 4.1.1.2). */
bool
plat_kernel_user_access(bool allow)
{
	if (allow)
		__asm__ volatile("csrs sstatus, %0" :: "r"(1u << 18) : "memory");
	else
		__asm__ volatile("csrc sstatus, %0" :: "r"(1u << 18) : "memory");
	return true;
}
