/*
 * Interrupt controllers.  The 8259 pair is masked for good at boot: the
 * firmware leaves the PIT wired to IRQ 0, which the 8259 would deliver on
 * vector 8 (#DF) to any CPU that enables interrupts.  Each CPU's local
 * APIC (xAPIC mode, memory-mapped; Intel SDM vol. 3A, chapter 10) carries
 * the one IPI, T_IPI, and starts the application processors; it is
 * touched only when there is more than one CPU.
 *
 * Every CPU sees its own local APIC at the same physical page (SDM 10.4.1),
 * so the one kernel mapping made here on CPU 0 serves every CPU.
 */
#include <stdbool.h>
#include <stdint.h>

#include <kern.h>
#include <cpufunc.h>

#include "x86_guest.h"

/* 8259A: command and data (mask) ports of the master and the slave. */
#define PIC1_DATA		0x21
#define PIC2_DATA		0xA1

#define LAPIC_PA		0xFEE00000u	/* the power-up default (SDM 10.4.1) */
#define MSR_APIC_BASE		0x1Bu		/* IA32_APIC_BASE (SDM 10.4.4) */
#define APIC_BASE_ENABLE	(1u << 11)
#define APIC_BASE_ADDR		0xFFFFF000u	/* bits 31:12 (35:12 hold 0 here) */
#define CPUID_1_EDX_APIC	(1u << 9)

/* Register offsets (SDM vol. 3A, 10.4.1, table 10-1). */
#define LAPIC_ID		0x020		/* bits 31:24 (10.4.6) */
#define LAPIC_TPR		0x080
#define LAPIC_EOI		0x0B0
#define LAPIC_SVR		0x0F0
#define LAPIC_ICR_LO		0x300
#define LAPIC_ICR_HI		0x310		/* destination in bits 31:24 */
#define LAPIC_LVT_LINT0		0x350

#define SVR_ENABLE		(1u << 8)	/* APIC software enable (10.9) */
#define LVT_MASKED		(1u << 16)	/* (10.5.1) */

/* Interrupt command register, low word (SDM vol. 3A, 10.6.1, figure 10-12). */
#define ICR_FIXED		(0u << 8)
#define ICR_INIT		(5u << 8)
#define ICR_STARTUP		(6u << 8)
#define ICR_PENDING		(1u << 12)	/* delivery status: send pending */
#define ICR_ASSERT		(1u << 14)
#define ICR_ALL_BUT_SELF	(3u << 18)

/* Polls of a pending ICR before plat_ipi gives up (QEMU never sets it). */
#define ICR_PENDING_POLLS	1000000u

static volatile uint32_t *lapic;	/* kernel VA of the local APIC page */

static uint32_t
lapic_read(unsigned reg)
{
	return lapic[reg / 4];
}

static void
lapic_write(unsigned reg, uint32_t v)
{
	lapic[reg / 4] = v;
}

/*
 * Mask every IRQ of both 8259s (OCW1, 8259A datasheet).  A masked 8259
 * raises nothing, so its vector base need not move; the IDT has no gates
 * there, and a stray one would end the run as #NP.
 */
void
x86_pic_disable(void)
{
	outb(PIC1_DATA, 0xFF);
	outb(PIC2_DATA, 0xFF);
}

/*
 * Contract: on CPU 0, after pmap_init, before any AP runs.  Checks that
 * the CPU has an enabled local APIC at LAPIC_PA and maps that page, once,
 * uncached (SDM 10.4.1: strong uncacheable), at kernel VA taken with
 * pmap_steal_memory; the page stolen with it is not used.
 */
void
x86_lapic_map(void)
{
	uint32_t id[4];
	uint64_t base;
	vaddr_t va;

	x86_cpuid(1, id);
	if ((id[3] & CPUID_1_EDX_APIC) == 0)
		kpanic("x86_lapic_map: no local APIC (CPUID.01H:EDX %#x), "
		    "needed to start other CPUs", id[3]);
	base = x86_rdmsr(MSR_APIC_BASE);
	if ((base & APIC_BASE_ENABLE) == 0 ||
	    (base & ~(uint64_t)0xFFF) != LAPIC_PA)
		kpanic("x86_lapic_map: IA32_APIC_BASE %#llx: want the local "
		    "APIC enabled at %#x", (unsigned long long)base, LAPIC_PA);
	va = pmap_steal_memory(PAGE_SIZE, NULL, NULL);
	pmap_kremove(va, PAGE_SIZE);
	pmap_update(pmap_kernel());
	pmap_kenter_pa(va, LAPIC_PA, VM_PROT_READ | VM_PROT_WRITE, PMAP_NOCACHE);
	pmap_update(pmap_kernel());
	lapic = (volatile uint32_t *)va;
}

/*
 * Contract: on each CPU for itself, interrupts off, after x86_lapic_map.
 * Accept every priority (TPR 0), mask LINT0 (where the 8259 would come
 * in, SDM 10.5.1), software-enable the APIC with T_SPURIOUS as its
 * spurious vector (10.4.7.2, 10.9; QEMU delivers no fixed interrupt
 * through a software-disabled APIC), and record the APIC ID, through
 * which plat_ipi reaches this CPU.
 */
void
x86_lapic_cpu_init(struct x86_cpu *ci)
{
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_LINT0, lapic_read(LAPIC_LVT_LINT0) | LVT_MASKED);
	lapic_write(LAPIC_SVR, SVR_ENABLE | T_SPURIOUS);
	ci->cpu_lapic_id = lapic_read(LAPIC_ID) >> 24;
}

/* End of the IPI's service (SDM 10.8.5: write 0 to the EOI register). */
void
x86_lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/*
 * Send one IPI: destination APIC ID dest (ignored with a shorthand) and
 * the ICR's low word.  The ICR must not be pending from the previous one
 * (SDM 10.6.1); a bounded wait, then a panic.  The caller keeps
 * interrupts off, so no handler on this CPU writes the ICR in between.
 */
static void
lapic_send(uint32_t dest, uint32_t lo)
{
	unsigned n = 0;

	while (lapic_read(LAPIC_ICR_LO) & ICR_PENDING)
		if (++n == ICR_PENDING_POLLS)
			kpanic("lapic_send: CPU %u: ICR %#x still pending "
			    "after %u polls", plat_cpu_index(),
			    lapic_read(LAPIC_ICR_LO), n);
	lapic_write(LAPIC_ICR_HI, dest << 24);
	lapic_write(LAPIC_ICR_LO, lo);
}

/*
 * INIT, then start-up at the real-mode page `pa` (vector = page number),
 * to every CPU but this one: mp.c's INIT-SIPI-SIPI (SDM vol. 3A, 8.4.4.1
 * and 10.6.1).
 */
void
x86_lapic_init_others(void)
{
	lapic_send(0, ICR_INIT | ICR_ASSERT | ICR_ALL_BUT_SELF);
}

void
x86_lapic_startup_others(uint32_t pa)
{
	if (pa % PAGE_SIZE != 0 || pa >= 0x100000)
		kpanic("x86_lapic_startup_others: pa %#x not a page below 1 MiB", pa);
	lapic_send(0, ICR_STARTUP | (pa >> 12) | ICR_ASSERT | ICR_ALL_BUT_SELF);
}

/*
 * Contract (kern.h): interrupt `cpu`, a running CPU other than the
 * caller, with a fixed IPI on T_IPI to its APIC ID.
 */
void
plat_ipi(unsigned cpu)
{
	unsigned me = plat_cpu_index();

	if (cpu >= kern_ncpus() || cpu == me)
		kpanic("plat_ipi: CPU %u from CPU %u (%u CPUs running)", cpu,
		    me, kern_ncpus());
	bool was = plat_intr_enable(false);
	lapic_send(x86_cpus[cpu].cpu_lapic_id, ICR_FIXED | ICR_ASSERT | T_IPI);
	plat_intr_enable(was);
}
