/*
 * C side of exception and interrupt handling.  The IPI goes to kern/.
 * Every exception is fatal except a page fault raised by an armed kernel
 * probe (probe_access_*.S), which is turned into a return from the probe,
 * and the end of a user probe in ring 3 (int $T_UPROBE or its page
 * fault), which probe.c turns into a return from that probe.  A fatal
 * exception dumps the frame and panics, so the run ends with
 * KERN_EXIT_FAIL and a message naming the vector, error code, CR2, EIP
 * (RIP) and CPU -- never with a silent triple fault (QEMU exit 0).  The
 * 64-bit #DF comes here too, on its IST stack (desc_64.c); the 32-bit one
 * is a task of its own (desc_32.c).
 */
#include <stdbool.h>
#include <stdint.h>

#include <kern.h>
#include <cpufunc.h>

#include "x86_guest.h"

#ifdef __x86_64__
#define X86_PC_NAME	" rip "
#else
#define X86_PC_NAME	" eip "
#endif

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
trap_name(uintptr_t vector)
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
trap_probe_recover(struct trapframe *tf, uintptr_t cr2)
{
	volatile struct x86_onfault *of = &x86_curcpu()->cpu_onfault;
	uintptr_t allowed;

	if (of->of_recover == 0 || tf->tf_trapno != T_PAGEFLT ||
	    trapframe_from_user(tf))
		return false;
	allowed = of->of_pc != 0 ? of->of_pc : of->of_target;
	if (trapframe_pc(tf) != allowed)
		return false;
	of->of_code = tf->tf_err;
	of->of_va = cr2;
	trapframe_set_pc(tf, of->of_recover);
	of->of_recover = 0;
	return true;
}

/* A fault while reporting a fault: skip kprintf, which may be the culprit. */
static void __attribute__((noreturn))
trap_fatal_nested(const struct trapframe *tf, uintptr_t cr2)
{
	x86_cons_puts_raw("\nx86_trap: nested fatal trap: vector ");
	x86_cons_puthex_raw(tf->tf_trapno);
	x86_cons_puts_raw(" err ");
	x86_cons_puthex_raw(tf->tf_err);
	x86_cons_puts_raw(" cr2 ");
	x86_cons_puthex_raw(cr2);
	x86_cons_puts_raw(X86_PC_NAME);
	x86_cons_puthex_raw(trapframe_pc(tf));
	x86_cons_puts_raw("\n");
	plat_exit(KERN_EXIT_FAIL);
}

#ifdef __x86_64__
/*
 * #DF, on the CPU's IST stack (desc_64.c).  It usually means the kernel
 * stack is gone (overflow onto the guard page), so: raw console only,
 * kprintf may need the stack that is gone; the frame holds the interrupted
 * RIP and RSP (SDM vol. 3A, 6.14.2: in 64-bit mode the CPU always pushes
 * SS:RSP).  Then end the run, instead of the triple fault QEMU would report
 * as exit 0.
 */
static void __attribute__((noreturn))
trap_double_fault(const struct trapframe *tf)
{
	struct x86_cpu *ci = x86_curcpu();

	x86_cons_puts_raw("\nx86_trap: #DF double fault on CPU ");
	x86_cons_puthex_raw(ci->cpu_index);
	x86_cons_puts_raw(": rip ");
	x86_cons_puthex_raw(tf->tf_rip);
	x86_cons_puts_raw(" rsp ");
	x86_cons_puthex_raw(tf->tf_rsp);
	x86_cons_puts_raw(" cr2 ");
	x86_cons_puthex_raw(x86_rcr2());
	x86_cons_puts_raw(" (stack guard page ");
	x86_cons_puthex_raw(ci->cpu_stack_guard);
	x86_cons_puts_raw(")\n");
	plat_exit(KERN_EXIT_FAIL);
}
#endif

/* Decode of a page-fault error code (SDM vol. 3A, 4.7, figure 4-12). */
static void
trap_print_pgex(uintptr_t err)
{
	kprintf("x86_trap: page fault: %s, %s, %s mode%s%s\n",
	    (err & PGEX_P) ? "protection violation" : "page not present",
	    (err & PGEX_W) ? "write" : ((err & PGEX_I) ? "fetch" : "read"),
	    (err & PGEX_U) ? "user" : "supervisor",
	    (err & PGEX_RSV) ? ", reserved bit set" : "",
	    x86_curcpu()->cpu_onfault.of_recover != 0 ?
	    ", probe armed but the PC differs" : "");
}

/*
 * The paging state: CR3 is the page directory's physical address under
 * 32-bit paging, the PDPT's under PAE paging, the PML4's under 4-level
 * paging (SDM vol. 3A, 4.3, 4.4 and 4.5).
 */
static void
trap_print_paging(void)
{
	x86_reg_t cr4 = x86_rcr4();

#ifdef __x86_64__
	kprintf("x86_trap: cr0 %#lx cr3 %#lx cr4 %#lx efer %#llx (4-level paging)\n",
	    x86_rcr0(), x86_rcr3(), cr4,
	    (unsigned long long)x86_rdmsr(MSR_EFER));
#else
	kprintf("x86_trap: cr0 %#lx cr3 %#lx cr4 %#lx (%s paging)\n", x86_rcr0(),
	    x86_rcr3(), cr4, (cr4 & CR4_PAE) ? "PAE" : "32-bit");
#endif
}

static void __attribute__((noreturn))
trap_fatal(const struct trapframe *tf, uintptr_t cr2)
{
	if (x86_curcpu()->cpu_fatal_depth++ > 0)
		trap_fatal_nested(tf, cr2);
	trap_print_paging();
#ifdef __x86_64__
	kprintf("x86_trap: rax %#lx rbx %#lx rcx %#lx rdx %#lx\n",
	    tf->tf_rax, tf->tf_rbx, tf->tf_rcx, tf->tf_rdx);
	kprintf("x86_trap: rsi %#lx rdi %#lx rbp %#lx rsp %#lx\n",
	    tf->tf_rsi, tf->tf_rdi, tf->tf_rbp, tf->tf_rsp);
	kprintf("x86_trap: r8 %#lx r9 %#lx r10 %#lx r11 %#lx\n",
	    tf->tf_r8, tf->tf_r9, tf->tf_r10, tf->tf_r11);
	kprintf("x86_trap: r12 %#lx r13 %#lx r14 %#lx r15 %#lx\n",
	    tf->tf_r12, tf->tf_r13, tf->tf_r14, tf->tf_r15);
	if (tf->tf_trapno == T_PAGEFLT)
		trap_print_pgex(tf->tf_err);
	kpanic("x86_trap: unhandled %s (vector %lu) err %#lx cr2 %#lx rip %#lx "
	    "cs %#lx rflags %#lx on CPU %u", trap_name(tf->tf_trapno),
	    tf->tf_trapno, tf->tf_err, cr2, tf->tf_rip, tf->tf_cs & 0xFFFF,
	    tf->tf_rflags, plat_cpu_index());
#else
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
#endif
}

/*
 * Contract: called by vectors_*.S with the frame of an exception (vector
 * 0-31), of int $T_UPROBE or of the IPI, interrupts off.  Returns for the
 * IPI, once kern_ipi_intr() has run, and for a recovered kernel-probe
 * fault, with the frame's PC changed; the end of a user probe does not
 * return here (probe.c); everything else ends the run.
 */
void
x86_trap(struct trapframe *tf)
{
	uintptr_t cr2;
	const char *why;

	if (tf->tf_trapno == T_IPI) {
		/* EOI first: an IPI sent meanwhile waits in the IRR (SDM 10.8.4). */
		x86_lapic_eoi();
		kern_ipi_intr();
		return;
	}
#ifdef __x86_64__
	if (tf->tf_trapno == T_DOUBLEFLT)
		trap_double_fault(tf);
#endif
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
