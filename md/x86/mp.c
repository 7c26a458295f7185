/*
 * Several CPUs: counting them, starting the application processors (APs),
 * and the rest of kern.h's multiprocessor interface.
 *
 * How many: QEMU's fw_cfg device says (FW_CFG_NB_CPUS); without it the
 * kernel runs on CPU 0 alone.  With one CPU nothing below runs and the
 * local APIC stays as the firmware left it.
 *
 * Starting them (plat_start_cpus, on CPU 0): map the local APIC, give each
 * AP a kernel stack with an unmapped guard page below, build a temporary
 * root that maps the trampoline page at its physical address besides the
 * kernel, copy the trampoline (mp_tramp_*.S) to X86_MP_TRAMP_PA with CPU
 * 0's paging controls (64-bit: into long mode), and broadcast INIT,
 * start-up, start-up, with the delays of SDM vol. 3A, 8.4.4.1 (10 ms,
 * 200 us) measured on the PIT.  The APs number themselves in arrival
 * order; each, in x86_mp_start, loads its own GDT/TSS/double-fault task
 * (64-bit: #DF stack) and the shared IDT, enables its local APIC and
 * calls kern_cpu_start().  CPU 0 waits, bounded, until every AP has taken
 * its ticket and every started one has reached plat_cpu_wait -- which
 * kern_cpu_start() calls only after marking itself running.
 */
#include <stdbool.h>
#include <stdint.h>

#include <kern.h>
#include <cpufunc.h>

#include "x86_guest.h"

_Static_assert(X86_MAXCPUS == PMAP_MAXCPUS, "x86_guest.h and x86_layout.h disagree");

/* QEMU fw_cfg, I/O-port interface (QEMU docs/specs/fw_cfg.rst). */
#define FW_CFG_PORT_SEL		0x510	/* 16-bit selector */
#define FW_CFG_PORT_DATA	0x511	/* data, a byte at a time */
#define FW_CFG_SIGNATURE	0x0000	/* "QEMU" */
#define FW_CFG_NB_CPUS		0x0005	/* 16-bit little-endian: CPUs at boot */

/*
 * 8254 PIT channel 2, gated and read back through port 0x61 as on every
 * PC (8254 datasheet: mode 0, OUT rises at terminal count).
 */
#define PIT_HZ			1193182u
#define PIT_CH2			0x42
#define PIT_CMD			0x43
#define PIT_CMD_CH2_MODE0	0xB0	/* channel 2, lo/hi byte, mode 0, binary */
#define PORT_B			0x61
#define PORTB_GATE2		0x01
#define PORTB_SPEAKER		0x02
#define PORTB_OUT2		0x20
#define PIT_MAX_US		50000u	/* fits the 16-bit count */

/* How long APs get to come up under TCG, many vCPUs on few host cores. */
#define MP_START_TIMEOUT_MS	20000u

uintptr_t x86_mp_stack_top[X86_MAXCPUS];

/* ---- kern.h: the calling CPU, interrupts, waiting ---- */

unsigned
plat_cpu_index(void)
{
	uint32_t i;

#ifdef __x86_64__
	__asm__ volatile("movl %%gs:%c1, %0" : "=r"(i) : "i"(CPU_INDEX));
#else
	__asm__ volatile("movl %%fs:%c1, %0" : "=r"(i) : "i"(CPU_INDEX));
#endif
	return i;
}

bool
plat_intr_enable(bool on)
{
	uintptr_t fl;

	__asm__ volatile("pushf; pop %0" : "=r"(fl));
	if (on)
		__asm__ volatile("sti" ::: "memory");
	else
		__asm__ volatile("cli" ::: "memory");
	return (fl & PSL_I) != 0;
}

/*
 * STI delays interrupts until after the next instruction (SDM vol. 2B,
 * STI), so an IPI already pending is taken in the HLT, not before it: the
 * wait cannot miss it.  The first call tells plat_start_cpus that this CPU
 * is in kern_cpu_start's loop.
 */
void
plat_cpu_wait(void)
{
	struct x86_cpu *ci = x86_curcpu();

	if (!ci->cpu_idle)
		__atomic_store_n(&ci->cpu_idle, 1, __ATOMIC_RELEASE);
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

void
plat_cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

/* ---- Counting CPUs, and time ---- */

static void
fw_cfg_read(uint16_t key, void *buf, size_t len)
{
	uint8_t *p = buf;

	outw(FW_CFG_PORT_SEL, key);
	for (size_t i = 0; i < len; i++)
		p[i] = inb(FW_CFG_PORT_DATA);
}

/* CPUs the machine has: fw_cfg's count, or 1 without fw_cfg. */
static unsigned
mp_count_cpus(void)
{
	char sig[4];
	uint16_t n;

	fw_cfg_read(FW_CFG_SIGNATURE, sig, sizeof(sig));
	if (memcmp(sig, "QEMU", 4) != 0) {
		kprintf("plat_start_cpus: no QEMU fw_cfg at port %#x: CPU 0 only\n",
		    FW_CFG_PORT_SEL);
		return 1;
	}
	fw_cfg_read(FW_CFG_NB_CPUS, &n, sizeof(n));
	if (n == 0)
		kpanic("mp_count_cpus: fw_cfg reports 0 CPUs");
	return n;
}

/* Start a one-shot of us microseconds (at most PIT_MAX_US) on PIT channel 2. */
static void
pit_start(unsigned us)
{
	unsigned count = us * (PIT_HZ / 1000u) / 1000u;
	uint8_t b = inb(PORT_B) & ~(PORTB_GATE2 | PORTB_SPEAKER);

	if (us == 0 || us > PIT_MAX_US)
		kpanic("pit_start: %u us (1 .. %u)", us, PIT_MAX_US);
	outb(PORT_B, b);
	outb(PIT_CMD, PIT_CMD_CH2_MODE0);
	outb(PIT_CH2, count & 0xFF);
	outb(PIT_CH2, count >> 8);
	outb(PORT_B, b | PORTB_GATE2);
}

static bool
pit_expired(void)
{
	return (inb(PORT_B) & PORTB_OUT2) != 0;
}

static void
mp_delay_us(unsigned us)
{
	pit_start(us);
	while (!pit_expired())
		plat_cpu_relax();
}

/* ---- Starting the APs ---- */

/* Copy the trampoline to its page and fill in its arguments; returns them. */
static volatile struct x86_mp_args *
mp_install_tramp(void)
{
	size_t len = (size_t)(x86_mp_tramp_end - x86_mp_tramp);
	uint8_t *page = plat_phys(X86_MP_TRAMP_PA);
	volatile struct x86_mp_args *a;
	struct pmap_paging pg;
	uint64_t cr3_boot;

	pmap_paging(&pg);		/* the kernel pmap's root and controls */
	if (!x86_mp_tramp_is_ram)
		kpanic("plat_start_cpus: the AP trampoline page %#x is not in "
		    "the firmware's usable RAM", X86_MP_TRAMP_PA);
	if (len > PAGE_SIZE)
		kpanic("plat_start_cpus: AP trampoline of %u bytes exceeds a page",
		    (unsigned)len);
	memcpy(page, x86_mp_tramp, len);
	a = (volatile struct x86_mp_args *)(page + (x86_mp_tramp_args - x86_mp_tramp));
	a->ma_ticket = 0;
	a->ma_cr0 = (uint32_t)(x86_rcr0() | pg.cr0_set);
	/* The kernel's root plus the trampoline page at its own address. */
	cr3_boot = x86_boot_ap_root(pg.cr3, X86_MP_TRAMP_PA);
	if (cr3_boot > 0xFFFFFFFFu)
		kpanic("plat_start_cpus: the AP boot root %#llx lies above 4 GiB",
		    (unsigned long long)cr3_boot);
	a->ma_cr3_boot = (uint32_t)cr3_boot;
#ifdef __x86_64__
	/*
	 * Long mode needs CR4.PAE and EFER.LME before CR0.PG; CR4.PCIDE can
	 * only be set in long mode (SDM vol. 3A, 4.10.1), which
	 * pmap_cpu_init does, with the rest and the kernel's root.
	 */
	a->ma_cr4 = (uint32_t)((pg.cr4_set | CR4_PAE) & ~(x86_reg_t)CR4_PCIDE);
	a->ma_efer = EFER_LME | (uint32_t)(pg.efer_set & EFER_NXE);
	a->ma_entry = (uintptr_t)x86_mp_entry;
#else
	a->ma_cr4 = pg.cr4_set;
	a->ma_cr3 = pg.cr3;
	a->ma_nxe = (pg.efer_set & EFER_NXE) != 0;
	a->ma_entry = (uint32_t)(uintptr_t)x86_mp_entry;
#endif
	return a;
}

/*
 * A kernel stack for CPU `cpu`: kernel VA from pmap_steal_memory, the
 * lowest page unmapped again as a guard (an overflow faults, then takes
 * the double-fault task).  The guard's stolen page stays unused.
 */
static void
mp_alloc_stack(unsigned cpu)
{
	vaddr_t va = pmap_steal_memory(PAGE_SIZE + X86_BOOT_STACK_SIZE, NULL, NULL);

	pmap_kremove(va, PAGE_SIZE);
	x86_cpus[cpu].cpu_stack_guard = (uintptr_t)va;
	x86_mp_stack_top[cpu] = (uintptr_t)(va + PAGE_SIZE + X86_BOOT_STACK_SIZE);
}

/* Has every AP arrived, and every started one reached its idle loop? */
static bool
mp_all_up(volatile struct x86_mp_args *a, unsigned ncpus, unsigned nstart)
{
	if (a->ma_ticket < ncpus - 1)
		return false;
	for (unsigned c = 1; c < nstart; c++)
		if (!__atomic_load_n(&x86_cpus[c].cpu_idle, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

/* Wait until mp_all_up, up to MP_START_TIMEOUT_MS; panic naming who is late. */
static void
mp_wait_up(volatile struct x86_mp_args *a, unsigned ncpus, unsigned nstart)
{
	for (unsigned ms = 0; ms < MP_START_TIMEOUT_MS; ms += PIT_MAX_US / 1000) {
		pit_start(PIT_MAX_US);
		while (!pit_expired())
			if (mp_all_up(a, ncpus, nstart))
				return;
			else
				plat_cpu_relax();
	}
	if (mp_all_up(a, ncpus, nstart))
		return;
	unsigned arrived = a->ma_ticket;
	for (unsigned c = 1; c < nstart; c++)
		if (c > arrived)
			kpanic("plat_start_cpus: CPU %u of %u never entered the "
			    "trampoline (%u of %u APs did, %u ms)", c, nstart,
			    arrived, ncpus - 1, MP_START_TIMEOUT_MS);
		else if (!x86_cpus[c].cpu_idle)
			kpanic("plat_start_cpus: CPU %u (APIC ID %u) entered the "
			    "trampoline but did not reach kern_cpu_start's idle "
			    "loop in %u ms", c, x86_cpus[c].cpu_lapic_id,
			    MP_START_TIMEOUT_MS);
	kpanic("plat_start_cpus: only %u of the %u CPUs beyond PMAP_MAXCPUS "
	    "entered the trampoline", arrived - (nstart - 1), ncpus - nstart);
}

/*
 * Contract (kern.h): on CPU 0, once, after pmap_init.  Starts the other
 * CPUs (at most PMAP_MAXCPUS in all) and returns how many CPUs run.
 */
unsigned
plat_start_cpus(void)
{
	unsigned ncpus = mp_count_cpus(), nstart = ncpus;

	if (ncpus == 1)
		return 1;
	if (ncpus > X86_MAXCPUS) {
		nstart = X86_MAXCPUS;
		kprintf("plat_start_cpus: the machine has %u CPUs, PMAP_MAXCPUS "
		    "is %u: %u CPU%s ignored (halted in the trampoline)\n",
		    ncpus, X86_MAXCPUS, ncpus - X86_MAXCPUS,
		    ncpus - X86_MAXCPUS == 1 ? "" : "s");
	}
	x86_lapic_map();
	x86_lapic_cpu_init(&x86_cpus[0]);
	for (unsigned c = 1; c < nstart; c++)
		mp_alloc_stack(c);
	pmap_update(pmap_kernel());
	volatile struct x86_mp_args *a = mp_install_tramp();

	x86_lapic_init_others();
	mp_delay_us(10000);
	x86_lapic_startup_others(X86_MP_TRAMP_PA);
	mp_delay_us(200);
	if (!mp_all_up(a, ncpus, 1))
		x86_lapic_startup_others(X86_MP_TRAMP_PA);
	mp_wait_up(a, ncpus, nstart);
	return nstart;
}

/*
 * Contract: the C entry of AP `cpu` (x86_mp_entry), on its own stack,
 * interrupts off, on the kernel root (32-bit) or on x86_boot_ap_root's
 * (64-bit, until pmap_cpu_init in kern_cpu_start), %fs (%gs) not yet its
 * own: nothing may ask which CPU this is before x86_cpu_desc_init.
 */
void
x86_mp_start(unsigned cpu)
{
	struct x86_cpu *ci = &x86_cpus[cpu];

	x86_cpu_desc_init(ci, x86_mp_stack_top[cpu], x86_rcr3());
	x86_lapic_cpu_init(ci);
	kern_cpu_start();
}

/* Real TLBs cannot be read out: the guest's check is its probes on every CPU. */
int
plat_tlb_audit(void (*print)(const char *, ...))
{
	(void)print;
	return -1;
}
