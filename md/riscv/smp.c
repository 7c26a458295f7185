/*
 * The RISC-V guest's multiprocessor side (kern.h, "Multiprocessor"):
 * starting the harts of QEMU's virt machine, IPIs, the idle wait.
 *
 * CPUs.  CPU 0 is the boot hart.  The others are the harts /cpus lists
 * (fdt.c), numbered 1, 2, ... in device-tree order as they are released,
 * RV_MAXCPUS in all at most; the rest stay parked in M-mode (entry.S) and
 * are named once.  Hart ids are not taken to be CPU numbers:
 * rv_trapcpus[cpu].tc_hartid maps a CPU to its hart, and a CPU finds its
 * own number in its trap record (sscratch), so no map the other way is
 * needed.
 *
 * Start-up (riscv_guest.h, "Secondary harts"), one hart at a time, after
 * pmap_init: CPU 0 gives the CPU a kernel stack and trap stack (static,
 * below), a trap record, an M-mode stack, its own satp (the kernel pmap's
 * root and ASID) and sstatus.SUM/MXR, and releases the hart with an IPI;
 * the hart goes to S-mode and rv_cpu_start(), and CPU 0 waits until it
 * idles in kern_cpu_start (RV_CPU_IDLE), at most SMP_START_SECONDS of
 * `time' (the DT's timebase-frequency), or panics naming the CPU and how
 * far it got.
 *
 * IPIs go through the M-mode firmware (RV_FW_IPI: CLINT MSIP, turned into
 * the supervisor software interrupt on the target; riscv_guest.h), as an
 * SBI firmware does: S-mode has no register that interrupts another hart
 * in the privileged spec, and this works on the default virt machine,
 * which the ACLINT SSWI device (virt,aclint=on) would not.  Its cost is an
 * ecall on the sender and an M-mode trap on the target.
 *
 * Stacks.  No guard page: after pmap_bootstrap the kernel pmap maps the
 * whole image (CPU 0's boot guard included), and a hole in the direct map
 * is the pmap's business.  The trap entry's sp check (vectors.S) reports
 * an overflow that traps; a canary at the bottom of each started CPU's
 * kernel stack, checked in every idle wait, reports one that overwrote it
 * without trapping.
 */
#include <stdbool.h>
#include <stdint.h>

#include <kern.h>
#include <cpufunc.h>

#include "riscv_guest.h"

#define SMP_START_SECONDS	10
#define SMP_STACK_CANARY	0x5ac4ca9au

/* A started CPU's stacks; its kernel stack lies just below its trap stack (vectors.S). */
struct smp_stacks {
	uint8_t	ss_mstack[RV_MSTACK_SIZE];
	uint8_t	ss_kstack[RV_BOOT_STACK_SIZE];
	uint8_t	ss_trapstack[RV_TRAP_STACK_SIZE];
} __attribute__((aligned(16)));

struct rv_fdt_cpus rv_fdt_cpus;
static struct smp_stacks smp_stacks[RV_MAXCPUS - 1];	/* CPUs 1 .. */
static struct rv_cpu_boot smp_boot[RV_MAXCPUS];
static unsigned smp_ncpus = 1;		/* started and idling, CPU 0 included */
static bool smp_started;

/* Physical address of a kernel-image byte (kernel.ld: va = pa + RV_KOFF). */
static unsigned long
smp_image_pa(const void *p)
{
	return (unsigned long)p - RV_KOFF;
}

static unsigned long
smp_va(const void *p)
{
	return (unsigned long)p;
}

/*
 * The `time' CSR (unprivileged spec, Zicntr): one read on rv64, two halves
 * on rv32.
 */
static uint64_t
smp_read_time(void)
{
#if __riscv_xlen == 64
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
#else
	uint32_t hi, lo, hi2;

	do {
		__asm__ volatile("rdtimeh %0" : "=r"(hi));
		__asm__ volatile("rdtime %0" : "=r"(lo));
		__asm__ volatile("rdtimeh %0" : "=r"(hi2));
	} while (hi != hi2);
	return (uint64_t)hi << 32 | lo;
#endif
}

/* Contract (kern.h): this CPU's number, from its trap record. */
unsigned
plat_cpu_index(void)
{
	return rv_curcpu()->tc_cpu;
}

/* Contract (riscv_guest.h): this CPU takes the IPI when sstatus.SIE allows. */
void
rv_ipi_enable(void)
{
	__asm__ volatile("csrs sie, %0" :: "r"(RV_SIP_SSIP) : "memory");
}

/*
 * Contract (riscv_guest.h): the supervisor software interrupt, from
 * rv_trap, interrupts off.  SSIP is cleared before the messages are read,
 * so an IPI sent meanwhile posts it again and is taken after the sret.
 */
void
rv_ipi_intr(void)
{
	__asm__ volatile("csrc sip, %0" :: "r"(RV_SIP_SSIP) : "memory");
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	kern_ipi_intr();
}

/* Contract (kern.h): interrupt `cpu`, a started CPU other than the caller. */
void
plat_ipi(unsigned cpu)
{
	unsigned me = plat_cpu_index();
	unsigned n = __atomic_load_n(&smp_ncpus, __ATOMIC_ACQUIRE);

	if (cpu >= n || cpu == me)
		kpanic("plat_ipi: CPU %u from CPU %u (%u CPUs running)", cpu, me, n);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* the message before the IPI */
	rv_fw_call(RV_FW_IPI, rv_trapcpus[cpu].tc_hartid);
}

/* Contract (kern.h): sstatus.SIE; sie has SSIE alone (rv_ipi_enable). */
bool
plat_intr_enable(bool on)
{
	unsigned long old;

	if (on)
		__asm__ volatile("csrrsi %0, sstatus, %1" : "=r"(old) :
		    "i"(RV_SSTATUS_SIE) : "memory");
	else
		__asm__ volatile("csrrci %0, sstatus, %1" : "=r"(old) :
		    "i"(RV_SSTATUS_SIE) : "memory");
	return (old & RV_SSTATUS_SIE) != 0;
}

/* Contract (kern.h): a spin-loop hint, Zihintpause's pause (a no-op fence without it). */
void
plat_cpu_relax(void)
{
	__asm__ volatile(".4byte 0x0100000f");
}

/*
 * A started CPU in its idle wait: its stack's canary is intact, and the
 * first time, tell plat_start_cpus it got here.  kern_cpu_start marks
 * itself running before its first wait, so CPU 0 sees that too (release
 * here, acquire there).
 */
static void
smp_idle_check(unsigned cpu)
{
	const uint32_t *canary = (const uint32_t *)smp_stacks[cpu - 1].ss_kstack;
	struct rv_cpu_boot *cb = &smp_boot[cpu];

	if (*canary != SMP_STACK_CANARY)
		kpanic("plat_cpu_wait: CPU %u: kernel stack overflow: canary at %p "
		    "is %#x", cpu, (const void *)canary, *canary);
	if (cb->cb_state != RV_CPU_IDLE)
		__atomic_store_n(&cb->cb_state, RV_CPU_IDLE, __ATOMIC_RELEASE);
}

/*
 * Contract (kern.h): called with interrupts off; returns with them off
 * after an interrupt was pending or taken.  wfi ends on a pending interrupt
 * that sie enables even while sstatus.SIE is clear (privileged spec
 * 3.3.3), and an IPI sent before the wfi has already set SSIP (the M-mode
 * interrupt that sets it is taken at once in S-mode), so none is lost;
 * the SIE window then takes it.  wfi may also end for no reason.
 */
void
plat_cpu_wait(void)
{
	unsigned cpu = plat_cpu_index();

	if (rv_read_sstatus() & RV_SSTATUS_SIE)
		kpanic("plat_cpu_wait: CPU %u: interrupts are on", cpu);
	if (cpu != 0)
		smp_idle_check(cpu);
	__asm__ volatile("wfi" ::: "memory");
	__asm__ volatile("csrsi sstatus, %0\n\tcsrci sstatus, %0" ::
	    "i"(RV_SSTATUS_SIE) : "memory");
}

/*
 * Contract (riscv_guest.h): a released hart's first C, in S-mode on its
 * own stack, with its trap record in sscratch and CPU 0's satp.  Enables
 * its IPI (sstatus.SIE stays clear) and becomes a kern/ CPU.
 */
void
rv_cpu_start(unsigned long cpu)
{
	struct rv_trapcpu *tc = rv_curcpu();
	struct rv_cpu_boot *cb;

	if (cpu == 0 || cpu >= RV_MAXCPUS || tc != &rv_trapcpus[cpu] ||
	    tc->tc_cpu != cpu)
		kpanic("rv_cpu_start: CPU %lu with trap record %p (CPU %lu's is %p)",
		    cpu, (void *)tc, cpu, cpu < RV_MAXCPUS ?
		    (void *)&rv_trapcpus[cpu] : NULL);
	cb = &smp_boot[cpu];
	if (rv_read_satp() != cb->cb_satp)
		kpanic("rv_cpu_start: CPU %lu: satp %#lx, the kernel pmap's is %#lx", cpu,
		    rv_read_satp(), cb->cb_satp);
	rv_ipi_enable();
	__atomic_store_n(&cb->cb_state, RV_CPU_IN_S, __ATOMIC_RELEASE);
	kern_cpu_start();
}

static const char *
smp_state_name(unsigned long state)
{
	switch (state) {
	case RV_CPU_RELEASED:
		return "it never left its M-mode park";
	case RV_CPU_LEFT_PARK:
		return "it left its park but never ran C in S-mode";
	case RV_CPU_IN_S:
		return "it ran C in S-mode but never idled in kern_cpu_start";
	default:
		return "its start record is corrupt";
	}
}

/* Wait for CPU `cpu` (hart `hartid`) to idle, or panic saying how far it got. */
static void
smp_wait_idle(unsigned cpu, uint32_t hartid)
{
	const struct rv_cpu_boot *cb = &smp_boot[cpu];
	uint64_t limit = (uint64_t)SMP_START_SECONDS * rv_fdt_cpus.fc_timebase_hz;
	uint64_t t0 = smp_read_time();
	unsigned long state;

	while ((state = __atomic_load_n(&cb->cb_state, __ATOMIC_ACQUIRE)) !=
	    RV_CPU_IDLE) {
		if (smp_read_time() - t0 > limit)
			kpanic("plat_start_cpus: CPU %u (hart %u) did not reach "
			    "kern_cpu_start within %u s: %s (state %lu)", cpu, hartid,
			    SMP_START_SECONDS, smp_state_name(state), state);
		kern_spin_poll();
	}
}

/* Release hart `hartid` as CPU `cpu` and wait until it idles. */
static void
smp_start_cpu(unsigned cpu, uint32_t hartid)
{
	struct smp_stacks *ss = &smp_stacks[cpu - 1];
	struct rv_trapcpu *tc = &rv_trapcpus[cpu];
	struct rv_cpu_boot *cb = &smp_boot[cpu];
	unsigned long trap_top = smp_va(ss->ss_trapstack + RV_TRAP_STACK_SIZE);
	struct pmap_paging pg;

	pmap_paging(&pg);		/* the kernel pmap's satp */
	*tc = (struct rv_trapcpu){
		.tc_stack_lo = smp_va(ss->ss_kstack) + TF_SIZE,
		.tc_stack_hi = trap_top,
		.tc_trap_sp = trap_top,
		.tc_cpu = cpu,
		.tc_hartid = hartid,
	};
	*(uint32_t *)ss->ss_kstack = SMP_STACK_CANARY;
	*cb = (struct rv_cpu_boot){
		.cb_state = RV_CPU_RELEASED,
		.cb_cpu = cpu,
		.cb_satp = pg.satp,
		.cb_sstatus = rv_read_sstatus() & (SSTATUS_SUM | SSTATUS_MXR),
		.cb_sp = smp_va(ss->ss_kstack + RV_BOOT_STACK_SIZE),
		.cb_tc = smp_va(tc),
		.cb_mstack_pa = smp_image_pa(ss->ss_mstack + RV_MSTACK_SIZE),
	};
	rv_release.rl_boot_pa = smp_image_pa(cb);
	__atomic_store_n(&rv_release.rl_hartid, hartid, __ATOMIC_RELEASE);
	rv_fw_call(RV_FW_IPI, hartid);
	smp_wait_idle(cpu, hartid);
	__atomic_store_n(&smp_ncpus, cpu + 1, __ATOMIC_RELEASE);
}

/*
 * The harts to start: panics if /cpus does not list the boot hart (when
 * all of it was recorded) or lists a hart twice; returns how many it lists.
 */
static unsigned
smp_check_harts(uint32_t boot)
{
	const struct rv_fdt_cpus *fc = &rv_fdt_cpus;
	unsigned listed = fc->fc_nharts < RV_FDT_MAXHARTS ? fc->fc_nharts :
	    RV_FDT_MAXHARTS;
	bool found = false;

	for (unsigned i = 0; i < listed; i++) {
		found |= fc->fc_hartid[i] == boot;
		for (unsigned j = 0; j < i; j++)
			if (fc->fc_hartid[j] == fc->fc_hartid[i])
				kpanic("plat_start_cpus: the device tree lists hart %u "
				    "twice in /cpus", fc->fc_hartid[i]);
	}
	if (!found && fc->fc_nharts <= RV_FDT_MAXHARTS)
		kpanic("plat_start_cpus: the boot hart %u is not among the %u "
		    "usable harts of the device tree's /cpus", boot, fc->fc_nharts);
	if (listed > 1 && fc->fc_timebase_hz == 0)
		kpanic("plat_start_cpus: the device tree's /cpus has no "
		    "timebase-frequency (for the start-up timeout)");
	return listed;
}

/* Which hart each CPU is, and the harts left parked, named. */
static void
smp_report(uint32_t boot, unsigned ncpus, unsigned listed)
{
	const struct rv_fdt_cpus *fc = &rv_fdt_cpus;
	unsigned cpu = 1, ignored = 0;

	kprintf("# plat_start_cpus: %u hart%s in the device tree; CPU 0 is hart %u",
	    fc->fc_nharts, fc->fc_nharts == 1 ? "" : "s", boot);
	for (unsigned c = 1; c < ncpus; c++)
		kprintf(", CPU %u hart %lu", c, rv_trapcpus[c].tc_hartid);
	kprintf("\n");
	if (fc->fc_nharts <= ncpus)
		return;
	kprintf("# plat_start_cpus: PMAP_MAXCPUS is %u: %u hart%s ignored, left "
	    "parked in M-mode: hart%s", (unsigned)RV_MAXCPUS,
	    fc->fc_nharts - ncpus, fc->fc_nharts - ncpus == 1 ? "" : "s",
	    fc->fc_nharts - ncpus == 1 ? "" : "s");
	for (unsigned i = 0; i < listed; i++) {
		if (fc->fc_hartid[i] == boot || cpu++ < ncpus)
			continue;
		kprintf(" %u", fc->fc_hartid[i]);
		ignored++;
	}
	if (ignored < fc->fc_nharts - ncpus)
		kprintf(" and %u more", fc->fc_nharts - ncpus - ignored);
	kprintf("\n");
}

/*
 * Contract (kern.h): start every other hart, RV_MAXCPUS CPUs in all at
 * most; once, on CPU 0, after pmap_init.  Returns the number running.
 */
unsigned
plat_start_cpus(void)
{
	const struct rv_fdt_cpus *fc = &rv_fdt_cpus;
	uint32_t boot = (uint32_t)rv_trapcpus[0].tc_hartid;
	unsigned listed, ncpus = 1;

	if (plat_cpu_index() != 0 || smp_started)
		kpanic("plat_start_cpus: called on CPU %u, %s", plat_cpu_index(),
		    smp_started ? "again" : "not CPU 0");
	smp_started = true;
	listed = smp_check_harts(boot);
	for (unsigned i = 0; i < listed && ncpus < RV_MAXCPUS; i++)
		if (fc->fc_hartid[i] != boot)
			smp_start_cpu(ncpus++, fc->fc_hartid[i]);
	__atomic_store_n(&rv_release.rl_hartid, ~0ul, __ATOMIC_RELEASE);

	smp_report(boot, ncpus, listed);
	return ncpus;
}

/* Real TLBs cannot be read out: the guest's check is its probes on every CPU. */
int
plat_tlb_audit(void (*print)(const char *, ...))
{
	(void)print;
	return -1;
}
