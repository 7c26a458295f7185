/*
 * C side of exception and interrupt handling.  The IPI goes to kern/.
 * Every exception is fatal except a page fault raised by an armed kernel
 * probe (probe_access.S), which is turned into a return from the probe,
 * and the end of a user probe in ring 3 (int $T_UPROBE or its page
 * fault), which probe.c turns into a return from that probe.  A fatal
 * exception dumps the frame and panics, so the run ends with
 * KERN_EXIT_FAIL and a message naming the vector, error code, CR2, EIP
 * and CPU -- never with a silent triple fault (QEMU exit 0).
 */
#include <stdbool.h>
#include <stdint.h>

#include <kern.h>
#include <cpufunc.h>

#include "x86_guest.h"

/* Mnemonics of vectors 0-31 (SDM vol. 3A, table 6-1; AMD APM vol. 2, 8.2). */
static const char *const trap_names[X86_NEXCEPTIONS] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault",
	"coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization", "#CP control protection",
	"reserved 22", "reserved 23", "reserved 24", "reserved 25",
	"reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

static const char *
trap_name(uint32_t vector)
{
	if (vector < X86_NEXCEPTIONS)
		return trap_names[vector];
	if (vector == T_UPROBE)
		return "int $0x80 (user probe return)";
	if (vector == T_IPI)
		return "IPI";
	return "unexpected vector";
}

/*
 * If tf is the page fault an armed probe allows (x86_guest.h), record it in
 * x86_onfault, disarm, and make the trap return to the recovery label.
 */
static bool
trap_probe_recover(struct trapframe *tf, uint32_t cr2)
{
	volatile struct x86_onfault *of = &x86_curcpu()->cpu_onfault;
	uint32_t allowed;

	if (of->of_recover == 0 || tf->tf_trapno != T_PAGEFLT ||
	    trapframe_from_user(tf))
		return false;
	allowed = of->of_pc != 0 ? of->of_pc : of->of_target;
	if (tf->tf_eip != allowed)
		return false;
	of->of_code = tf->tf_err;
	of->of_va = cr2;
	tf->tf_eip = of->of_recover;
	of->of_recover = 0;
	return true;
}

/* A fault while reporting a fault: skip kprintf, which may be the culprit. */
static void __attribute__((noreturn))
trap_fatal_nested(const struct trapframe *tf, uint32_t cr2)
{
	x86_cons_puts_raw("\nx86_trap: nested fatal trap: vector ");
	x86_cons_puthex_raw(tf->tf_trapno);
	x86_cons_puts_raw(" err ");
	x86_cons_puthex_raw(tf->tf_err);
	x86_cons_puts_raw(" cr2 ");
	x86_cons_puthex_raw(cr2);
	x86_cons_puts_raw(" eip ");
	x86_cons_puthex_raw(tf->tf_eip);
	x86_cons_puts_raw("\n");
	plat_exit(KERN_EXIT_FAIL);
}

/* Decode of a page-fault error code (SDM vol. 3A, 4.7, figure 4-12). */
static void
trap_print_pgex(uint32_t err)
{
	kprintf("x86_trap: page fault: %s, %s, %s mode%s%s\n",
	    (err & PGEX_P) ? "protection violation" : "page not present",
	    (err & PGEX_W) ? "write" : ((err & PGEX_I) ? "fetch" : "read"),
	    (err & PGEX_U) ? "user" : "supervisor",
	    (err & PGEX_RSV) ? ", reserved bit set" : "",
	    x86_curcpu()->cpu_onfault.of_recover != 0 ?
	    ", probe armed but EIP differs" : "");
}

/*
 * The paging state: CR3 is the page directory's physical address under
 * 32-bit paging, the PDPT's under PAE paging (SDM vol. 3A, 4.3 and 4.4).
 */
static void
trap_print_paging(void)
{
	x86_reg_t cr4 = x86_rcr4();

	kprintf("x86_trap: cr0 %#lx cr3 %#lx cr4 %#lx (%s paging)\n", x86_rcr0(),
	    x86_rcr3(), cr4, (cr4 & CR4_PAE) ? "PAE" : "32-bit");
}

static void __attribute__((noreturn))
trap_fatal(const struct trapframe *tf, uint32_t cr2)
{
	if (x86_curcpu()->cpu_fatal_depth++ > 0)
		trap_fatal_nested(tf, cr2);
	trap_print_paging();
	kprintf("x86_trap: eax %#x ebx %#x ecx %#x edx %#x\n",
	    tf->tf_eax, tf->tf_ebx, tf->tf_ecx, tf->tf_edx);
	kprintf("x86_trap: esi %#x edi %#x ebp %#x esp %#x\n", tf->tf_esi,
	    tf->tf_edi, tf->tf_ebp, trapframe_from_user(tf) ?
	    tf->tf_esp : (uint32_t)(uintptr_t)&tf->tf_esp);
	if (tf->tf_trapno == T_PAGEFLT)
		trap_print_pgex(tf->tf_err);
	kpanic("x86_trap: unhandled %s (vector %u) err %#x cr2 %#x eip %#x "
	    "cs %#x eflags %#x on CPU %u", trap_name(tf->tf_trapno),
	    tf->tf_trapno, tf->tf_err, cr2, tf->tf_eip, tf->tf_cs & 0xFFFF,
	    tf->tf_eflags, plat_cpu_index());
}

/*
 * Contract: called by vectors.S with the frame of an exception (vector
 * 0-31), of int $T_UPROBE or of the IPI, interrupts off.  Returns for the
 * IPI, once kern_ipi_intr() has run, and for a recovered kernel-probe
 * fault, with tf->tf_eip changed; the end of a user probe does not return
 * here (probe.c); everything else ends the run.
 */
void
x86_trap(struct trapframe *tf)
{
	uint32_t cr2;
	const char *why;

	if (tf->tf_trapno == T_IPI) {
		/* EOI first: an IPI sent meanwhile waits in the IRR (SDM 10.8.4). */
		x86_lapic_eoi();
		kern_ipi_intr();
		return;
	}
	cr2 = tf->tf_trapno == T_PAGEFLT ? x86_rcr2() : 0;
	if (trap_probe_recover(tf, cr2))
		return;
	if (trapframe_from_user(tf) || tf->tf_trapno == T_UPROBE) {
		why = x86_uprobe_trap(tf, cr2);
		if (x86_curcpu()->cpu_fatal_depth == 0)
			kprintf("x86_trap: %s\n", why);
	}
	trap_fatal(tf, cr2);
}
