/*
 * C side of S-mode trap handling, on every CPU.  The supervisor software
 * interrupt is the IPI (smp.c).  A page fault goes first to the pmap
 * (pmap_fault: software referenced/modified emulation, RISC-V Svade), and
 * is retried if the pmap says it only recorded an access.  Otherwise the
 * only traps that are not fatal are a page fault of this CPU's armed
 * kernel probe (probe_access.S), turned into a return from the probe, and
 * the end of a user probe in U-mode (its ecall or its page fault), which
 * probe.c turns into a return from that probe.  A fatal trap dumps the
 * frame and panics: the run ends with KERN_EXIT_FAIL and a message naming
 * the CPU, scause, stval and sepc.
 */
#include <stdbool.h>
#include <stdint.h>

#include <kern.h>
#include <cpufunc.h>

#include "riscv_guest.h"

/* Exception codes 0-15 (privileged spec, table 4.2). */
static const char *const trap_names[16] = {
	"instruction address misaligned", "instruction access fault",
	"illegal instruction", "breakpoint", "load address misaligned",
	"load access fault", "store/AMO address misaligned",
	"store/AMO access fault", "ecall from U-mode", "ecall from S-mode",
	"reserved 10", "ecall from M-mode", "instruction page fault",
	"load page fault", "reserved 14", "store/AMO page fault",
};

static int trap_fatal_depth[RV_MAXCPUS];	/* per CPU: fatal traps being reported */

/* This CPU's number, for the fatal-trap bookkeeping even if its record is bad. */
static unsigned
trap_cpu(void)
{
	unsigned cpu = rv_curcpu()->tc_cpu;

	return cpu < RV_MAXCPUS ? cpu : 0;
}

static const char *
trap_name(unsigned long scause)
{
	if (scause & RV_SCAUSE_INTR)
		return "interrupt";
	if (scause < 16)
		return trap_names[scause];
	return "unknown exception";
}

/* The access a page fault was for; 0 if scause is not a page fault. */
static vm_prot_t
trap_fault_access(unsigned long scause)
{
	switch (scause) {
	case SCAUSE_FETCH_PAGE_FAULT:
		return VM_PROT_EXECUTE;
	case SCAUSE_LOAD_PAGE_FAULT:
		return VM_PROT_READ;
	case SCAUSE_STORE_PAGE_FAULT:
		return VM_PROT_WRITE;
	default:
		return VM_PROT_NONE;
	}
}

/*
 * Offer the fault to the pmap of the faulting address: the user pmap live
 * on this CPU below VM_MAXUSER_ADDRESS, the kernel's above.  Not while the
 * boot map is live: its leaves have A and D set, so every fault on it is
 * real, and the pmap may not be bootstrapped yet.
 */
static bool
trap_pmap_fault(const struct rv_trapframe *tf, vm_prot_t access)
{
	struct pmap *pm;

	if (rv_read_satp() == rv_boot_satp())
		return false;
	pm = tf->tf_stval < VM_MAXUSER_ADDRESS ? pmap_current() : pmap_kernel();
	if (pm == NULL)
		return false;
	return pmap_fault(pm, tf->tf_stval, access, trapframe_from_user(tf));
}

/*
 * If tf is the page fault this CPU's armed kernel probe allows
 * (riscv_guest.h), record it in the CPU's rv_onfault, disarm, and make the
 * trap return to the recovery label.
 */
static bool
trap_probe_recover(struct rv_trapframe *tf)
{
	volatile struct rv_onfault *of = &rv_curcpu()->tc_onfault;
	unsigned long allowed;

	if (of->of_recover == 0 || trapframe_from_user(tf))
		return false;
	allowed = of->of_pc != 0 ? of->of_pc : of->of_target;
	if (tf->tf_sepc != allowed)
		return false;
	of->of_code = tf->tf_scause;
	of->of_va = tf->tf_stval;
	tf->tf_sepc = of->of_recover;
	of->of_recover = 0;
	return true;
}

/* A trap while reporting a trap: skip kprintf, which may be the culprit. */
static void __attribute__((noreturn))
trap_fatal_nested(const struct rv_trapframe *tf)
{
	rv_cons_puts_raw("\nrv_trap: nested fatal trap: scause ");
	rv_cons_puthex_raw(tf->tf_scause);
	rv_cons_puts_raw(" stval ");
	rv_cons_puthex_raw(tf->tf_stval);
	rv_cons_puts_raw(" sepc ");
	rv_cons_puthex_raw(tf->tf_sepc);
	rv_cons_puts_raw("\n");
	plat_exit(KERN_EXIT_FAIL);
}

static void
trap_print_regs(const struct rv_trapframe *tf)
{
	static const char *const names[32] = {
		"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1",
		"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3",
		"s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
		"t5", "t6",
	};

	for (int r = 1; r < 32; r += 4) {
		kprintf("rv_trap:");
		for (int i = r; i < r + 4 && i < 32; i++)
			kprintf(" %s %#lx", names[i], tf->tf_x[i]);
		kprintf("\n");
	}
}

static void __attribute__((noreturn))
trap_fatal(const struct rv_trapframe *tf)
{
	const struct rv_trapcpu *tc = rv_curcpu();
	volatile const struct rv_onfault *of = &tc->tc_onfault;
	unsigned long sc = tf->tf_scause;

	if (trap_fatal_depth[trap_cpu()]++ > 0)
		trap_fatal_nested(tf);
	kprintf("rv_trap: CPU %lu (hart %lu) satp %#lx (boot map %#lx) sstatus %#lx\n",
	    tc->tc_cpu, tc->tc_hartid, rv_read_satp(), rv_boot_satp(),
	    tf->tf_sstatus);
	trap_print_regs(tf);
	if (trap_fault_access(sc) != VM_PROT_NONE && of->of_recover != 0)
		kprintf("rv_trap: a kernel probe is armed, but for sepc %#lx\n",
		    of->of_pc != 0 ? of->of_pc : of->of_target);
	kpanic("rv_trap: CPU %lu: unhandled %s (scause %#lx) stval %#lx sepc %#lx "
	    "from %s-mode", tc->tc_cpu, trap_name(sc), sc, tf->tf_stval,
	    tf->tf_sepc, trapframe_from_user(tf) ? "U" : "S");
}

/*
 * vectors.S moved to this CPU's trap stack: the S-mode sp was outside its
 * kernel stack.  Says so and ends the run, unless a fatal trap is being
 * reported already (that report may overflow).
 */
static void
trap_check_stack(const struct rv_trapframe *tf)
{
	const struct rv_trapcpu *tc = rv_curcpu();
	unsigned long p = (unsigned long)tf;
	unsigned long kstack_top = tc->tc_trap_sp - RV_TRAP_STACK_SIZE;

	if (trapframe_from_user(tf) || p < kstack_top || p >= tc->tc_trap_sp ||
	    trap_fatal_depth[trap_cpu()] != 0)
		return;
	kprintf("rv_trap: CPU %lu: kernel stack overflow or wild sp: sp %#lx "
	    "outside the kernel stack [%#lx, %#lx)\n", tc->tc_cpu,
	    tf->tf_x[RV_SP], tc->tc_stack_lo - TF_SIZE, kstack_top);
	trap_fatal(tf);
}

/*
 * Contract: called by vectors.S with the frame of a trap, interrupts off.
 * Returns after the IPI (interrupted code resumes, in S or U), to retry the
 * access (pmap_fault) or, for a recovered kernel-probe fault, with
 * tf->tf_sepc changed; the end of a user probe does not return here
 * (probe.c); everything else ends the run.
 */
void
rv_trap(struct rv_trapframe *tf)
{
	vm_prot_t access = trap_fault_access(tf->tf_scause);
	const char *why;

	trap_check_stack(tf);
	if (tf->tf_scause == RV_SCAUSE_SSI) {
		rv_ipi_intr();
		return;
	}
	if (access != VM_PROT_NONE && trap_pmap_fault(tf, access))
		return;
	if (access != VM_PROT_NONE && trap_probe_recover(tf))
		return;
	if (trapframe_from_user(tf)) {
		why = rv_uprobe_trap(tf);
		if (trap_fatal_depth[trap_cpu()] == 0)
			kprintf("rv_trap: %s\n", why);
	}
	trap_fatal(tf);
}
