/*
 * Descriptor tables of the 64-bit build (desc_32.c: the 32-bit one): per
 * CPU a GDT (kernel and user long-mode code, kernel and user data, the
 * 64-bit TSS), and one IDT of 16-byte gates shared by every CPU, whose
 * vectors 0-31 enter vectors_64.S; #DF switches to the CPU's own IST stack
 * (SDM vol. 3A, 6.14.5) instead of the 32-bit double-fault task, which long
 * mode does not have.  In 64-bit mode segmentation is off but for CS's
 * mode and privilege (3.2.4), so linear addresses are the virtual addresses
 * the pmap manages.  This CPU's struct x86_cpu is the %gs base (the
 * IA32_GS_BASE MSR) in ring 0; ring 3 has %gs base 0, swapped in and out
 * by swapgs at every change of ring (vectors_64.S, probe_user_64.S).  The
 * tables live in .bss, at high-half virtual addresses, which is what
 * GDTR/IDTR hold once running high.
 */
#include <stdint.h>

#include <kern.h>
#include <cpufunc.h>

#include "x86_guest.h"

/* Pseudo-descriptor for lgdt/lidt in 64-bit mode (SDM vol. 3A, 3.5.1, figure 3-11). */
struct region_descriptor {
	uint16_t	rd_limit;
	uint64_t	rd_base;
} __attribute__((packed));

/* Segment descriptor type/flag fields (SDM vol. 3A, 3.4.5, figure 3-8). */
#define SDT_MEMRWA	0x3	/* data read/write, accessed */
#define SDT_MEMERA	0xB	/* code execute/read, accessed */
#define SDT_SYS64TSS	0x9	/* available 64-bit TSS (table 3-2) */
#define SDT_SYS64IGT	0xE	/* 64-bit interrupt gate (6.14.1, figure 6-8) */
#define SD_S		(1ull << 44)	/* code/data, not system */
#define SD_P		(1ull << 47)
#define SD_L		(1ull << 53)	/* 64-bit code segment */
#define SD_DB		(1ull << 54)	/* 32-bit segment: must be 0 with L */
#define SD_G		(1ull << 55)	/* limit in 4 KiB units */

struct x86_cpu x86_cpus[X86_MAXCPUS];
/* 16-byte gates: [2v] the low half, [2v + 1] offset bits 63:32. */
static uint64_t idt[2 * 256] __attribute__((aligned(16)));

/* The low 8 bytes of a descriptor: base 31:0, limit, type, DPL, flags. */
static uint64_t
seg_desc(uint32_t base, uint32_t limit, unsigned type, unsigned dpl,
    uint64_t flags)
{
	uint64_t d;

	d = (limit & 0xFFFFu) | ((uint64_t)(limit >> 16) & 0xF) << 48;
	d |= (uint64_t)(base & 0xFFFFFFu) << 16 | (uint64_t)(base >> 24) << 56;
	d |= (uint64_t)type << 40 | (uint64_t)dpl << 45 | SD_P | flags;
	return d;
}

/*
 * Long-mode code (L = 1, D = 0) or data at the given privilege level:
 * base and limit are ignored in 64-bit mode (SDM 3.4.5.1); the flat 4 GiB
 * values only matter to a data segment loaded in compatibility mode.
 */
static uint64_t
code64_desc(unsigned dpl)
{
	return seg_desc(0, 0xFFFFF, SDT_MEMERA, dpl, SD_S | SD_L | SD_G);
}

static uint64_t
data_desc(unsigned dpl)
{
	return seg_desc(0, 0xFFFFF, SDT_MEMRWA, dpl, SD_S | SD_DB | SD_G);
}

/*
 * 64-bit interrupt gate to handler in the kernel code segment: IF cleared
 * on entry; dpl is the lowest privilege that may raise it with INT n; ist
 * 0 (the current stack, or RSP0 from ring 3) or an IST slot (SDM vol. 3A,
 * 6.14.1, figure 6-8).
 */
static void
gate_set(unsigned v, uintptr_t handler, unsigned dpl, unsigned ist)
{
	idt[2 * v] = (handler & 0xFFFFu) | (uint64_t)KCSEL << 16 |
	    (uint64_t)ist << 32 | (uint64_t)SDT_SYS64IGT << 40 |
	    (uint64_t)dpl << 45 | SD_P | (uint64_t)((handler >> 16) & 0xFFFFu) << 48;
	idt[2 * v + 1] = handler >> 32;
}

/*
 * The TSS supplies the ring-0 stack on a trap from ring 3 (RSP0, SDM vol.
 * 3A, 6.14.3) and the #DF stack (IST1).  An I/O map base past the limit
 * means no I/O bitmap: user IN/OUT raise #GP (SDM vol. 1, 19.5.2).  Its
 * descriptor takes two GDT slots, the second holding base bits 63:32
 * (vol. 3A, 7.2.3, figure 7-4).
 */
static void
tss_init(struct x86_cpu *ci, uintptr_t rsp0)
{
	uintptr_t base = (uintptr_t)&ci->cpu_tss;

	ci->cpu_tss.rsp0 = rsp0;
	ci->cpu_tss.ist[X86_IST_DF - 1] =
	    (uintptr_t)(ci->cpu_df_stack + X86_DF_STACK_SIZE);
	ci->cpu_tss.iomap_base = sizeof(ci->cpu_tss);
	ci->cpu_gdt[GDT_TSS] = seg_desc((uint32_t)base, sizeof(ci->cpu_tss) - 1,
	    SDT_SYS64TSS, SEL_KPL, 0);
	ci->cpu_gdt[GDT_TSS + 1] = base >> 32;
}

/*
 * This CPU's GDT: kernel/user code and data, and its TSS (filled in
 * already).  Loads it, reloads the segment registers (x86_load_segments:
 * CS, SS, DS, ES the kernel's, FS and GS null) and the task register, and
 * then -- a load of %gs resets its base -- points the %gs base at this
 * CPU's entry, and the base swapgs exchanges it with (ring 3's) at 0.
 */
static void
gdt_load(struct x86_cpu *ci)
{
	struct region_descriptor rd;
	uint64_t *gdt = ci->cpu_gdt;

	gdt[GDT_NULL] = 0;
	gdt[GDT_KCODE] = code64_desc(SEL_KPL);
	gdt[GDT_KDATA] = data_desc(SEL_KPL);
	gdt[GDT_UCODE] = code64_desc(SEL_UPL);
	gdt[GDT_UDATA] = data_desc(SEL_UPL);
	rd.rd_limit = sizeof(ci->cpu_gdt) - 1;
	rd.rd_base = (uintptr_t)gdt;
	x86_load_segments(&rd);
	__asm__ volatile("ltr %w0" :: "r"((uint16_t)TSSSEL));
	x86_wrmsr(X86_MSR_GS_BASE, (uintptr_t)ci);
	x86_wrmsr(X86_MSR_KERNEL_GS_BASE, 0);
}

/*
 * Vectors 0-31 to vectors_64.S, kernel-only, #DF on IST1; T_UPROBE,
 * raisable from ring 3 by INT n (SDM vol. 3A, 6.12.1.1: the gate's DPL must
 * be >= CPL); the local APIC's T_IPI and T_SPURIOUS; the others not present
 * (#NP if used).  One IDT for all CPUs: IST1 is each CPU's own TSS's.
 */
static void
idt_build(void)
{
	unsigned v;

	for (v = 0; v < X86_NEXCEPTIONS; v++)
		gate_set(v, x86_trap_stubs[v], SEL_KPL,
		    v == T_DOUBLEFLT ? X86_IST_DF : 0);
	gate_set(T_UPROBE, (uintptr_t)x86_trap_stub_uprobe, SEL_UPL, 0);
	gate_set(T_IPI, (uintptr_t)x86_trap_stub_ipi, SEL_KPL, 0);
	gate_set(T_SPURIOUS, (uintptr_t)x86_spurious_stub, SEL_KPL, 0);
}

/*
 * Contract: run by each CPU on itself, first, with interrupts off: its
 * GDT, segment registers, %gs base (so x86_curcpu() works after), TSS with
 * ring-0 stack sp0 and the #DF stack, and the shared IDT (built by
 * x86_desc_init on CPU 0).  df_cr3 is for the 32-bit double-fault task:
 * the 64-bit #DF needs no root of its own.
 */
void
x86_cpu_desc_init(struct x86_cpu *ci, uintptr_t sp0, uintptr_t df_cr3)
{
	struct region_descriptor rd;

	(void)df_cr3;
	ci->cpu_self = ci;
	ci->cpu_index = (uint32_t)(ci - x86_cpus);
	tss_init(ci, sp0);
	gdt_load(ci);
	rd.rd_limit = sizeof(idt) - 1;
	rd.rd_base = (uintptr_t)idt;
	__asm__ volatile("lidt %0" :: "m"(rd));
}

/* Contract: called once, first thing in x86_boot, on CPU 0 with interrupts off. */
void
x86_desc_init(void)
{
	struct x86_cpu *ci = &x86_cpus[0];

	idt_build();
	ci->cpu_stack_guard = (uintptr_t)x86_boot_stack_guard;
	x86_cpu_desc_init(ci, (uintptr_t)x86_boot_stack_top, 0);
}

/* Ring-0 stack for this CPU's next trap from ring 3. */
void
x86_tss_set_sp0(uintptr_t sp0)
{
	x86_curcpu()->cpu_tss.rsp0 = sp0;
}
