/*
 * Descriptor tables of the 32-bit build (desc_64.c: the 64-bit one): per
 * CPU a flat GDT (kernel and user code/data, the TSS, the double-fault TSS,
 * and the per-CPU %fs segment over its struct x86_cpu), and one IDT shared
 * by every CPU whose vectors 0-31 enter vectors_32.S, except #DF, which
 * switches to the CPU's own task.
 * Segmentation is otherwise kept out of the way: every code/data segment
 * but %fs has base 0 and limit 4 GiB, so linear addresses are the virtual
 * addresses the pmap manages.  The tables live in .bss, i.e. at high-half
 * virtual addresses, which is what GDTR/IDTR hold once paging is on.
 */
#include <stdint.h>

#include <kern.h>

#include "x86_guest.h"

/* Pseudo-descriptor for lgdt/lidt (SDM vol. 3A, 3.5.1, figure 3-11). */
struct region_descriptor {
	uint16_t	rd_limit;
	uint32_t	rd_base;
} __attribute__((packed));

/* Segment descriptor type/flag fields (SDM vol. 3A, 3.4.5, figure 3-8). */
#define SDT_MEMRWA	0x3	/* data read/write, accessed */
#define SDT_MEMERA	0xB	/* code execute/read, accessed */
#define SDT_SYS386TSS	0x9	/* available 32-bit TSS (table 3-2) */
#define SD_S		(1ull << 44)	/* code/data, not system */
#define SD_P		(1ull << 47)
#define SD_DB		(1ull << 54)	/* 32-bit segment */
#define SD_G		(1ull << 55)	/* limit in 4 KiB units */
#define SDT_SYS386IGT	0xE	/* 32-bit interrupt gate (SDM 6.11, fig. 6-2) */

#define SDT_SYS386TASK	0x5	/* task gate (SDM 6.11, figure 6-2) */

struct x86_cpu x86_cpus[X86_MAXCPUS];
static uint64_t idt[256] __attribute__((aligned(8)));

/* Descriptor for base, limit (in bytes or pages per flags), type, DPL. */
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

/* Flat 4 GiB 32-bit code or data segment at the given privilege level. */
static uint64_t
flat_desc(unsigned type, unsigned dpl)
{
	return seg_desc(0, 0xFFFFF, type, dpl, SD_S | SD_DB | SD_G);
}

/* Interrupt gate to handler in the kernel code segment: IF cleared on
 * entry; dpl is the lowest privilege that may raise it with INT n. */
static uint64_t
gate_desc(uint32_t handler, unsigned dpl)
{
	return (handler & 0xFFFFu) | (uint64_t)KCSEL << 16 |
	    (uint64_t)SDT_SYS386IGT << 40 | (uint64_t)dpl << 45 | SD_P |
	    (uint64_t)(handler >> 16) << 48;
}

/*
 * The TSS supplies the ring-0 stack on a trap from ring 3 (SDM vol. 3A,
 * 6.12.1).  An I/O map base past the limit means no I/O bitmap: user IN/OUT
 * raise #GP (SDM vol. 1, 19.5.2).
 */
static void
tss_init(struct x86_cpu *ci, uint32_t esp0)
{
	ci->cpu_tss.ss0 = KDSEL;
	ci->cpu_tss.esp0 = esp0;
	ci->cpu_tss.iomap_base = sizeof(ci->cpu_tss);
	ci->cpu_gdt[GDT_TSS] = seg_desc((uint32_t)(uintptr_t)&ci->cpu_tss,
	    sizeof(ci->cpu_tss) - 1, SDT_SYS386TSS, SEL_KPL, 0);
}

/*
 * This CPU's GDT: kernel/user flat segments, its TSS and double-fault TSS
 * (filled in already), and the per-CPU segment over its own x86_cpu entry,
 * byte-granular so a stray %fs offset faults.  Loads it, reloads every
 * segment register (%fs = PCPUSEL) and the task register.
 */
static void
gdt_load(struct x86_cpu *ci)
{
	struct region_descriptor rd;
	uint64_t *gdt = ci->cpu_gdt;

	gdt[GDT_NULL] = 0;
	gdt[GDT_KCODE] = flat_desc(SDT_MEMERA, SEL_KPL);
	gdt[GDT_KDATA] = flat_desc(SDT_MEMRWA, SEL_KPL);
	gdt[GDT_UCODE] = flat_desc(SDT_MEMERA, SEL_UPL);
	gdt[GDT_UDATA] = flat_desc(SDT_MEMRWA, SEL_UPL);
	gdt[GDT_PCPU] = seg_desc((uint32_t)(uintptr_t)ci, sizeof(*ci) - 1,
	    SDT_MEMRWA, SEL_KPL, SD_S | SD_DB);
	rd.rd_limit = sizeof(ci->cpu_gdt) - 1;
	rd.rd_base = (uint32_t)(uintptr_t)gdt;
	x86_load_segments(&rd);
	__asm__ volatile("ltr %w0" :: "r"((uint16_t)TSSSEL));
}

/*
 * The double-fault task.  A #DF usually means the kernel stack is gone
 * (overflow onto the guard page), so it runs on its own stack through a
 * task gate (SDM vol. 3A, 6.14.4 and 7.3), reports the interrupted state
 * that the task switch saved in the CPU's TSS, and ends the run -- instead
 * of the triple fault QEMU would report as exit 0.  Raw console only:
 * kprintf may need the stack that is gone.  %fs is PCPUSEL here too.
 */
static void __attribute__((noreturn))
df_task_main(void)
{
	struct x86_cpu *ci = x86_curcpu();

	x86_cons_puts_raw("\nx86_trap: #DF double fault on CPU ");
	x86_cons_puthex_raw(ci->cpu_index);
	x86_cons_puts_raw(": eip ");
	x86_cons_puthex_raw(ci->cpu_tss.eip);
	x86_cons_puts_raw(" esp ");
	x86_cons_puthex_raw(ci->cpu_tss.esp);
	x86_cons_puts_raw(" cr2 ");
	x86_cons_puthex_raw(x86_rcr2());
	x86_cons_puts_raw(" (stack guard page ");
	x86_cons_puthex_raw(ci->cpu_stack_guard);
	x86_cons_puts_raw(")\n");
	plat_exit(KERN_EXIT_FAIL);
}

/*
 * The task switch loads every register from the double-fault TSS, CR3
 * included, and with PAE paging the PDPTEs CR3 names (SDM vol. 3A, 7.3 and
 * 4.4.1).  So CR3 must be a root in the paging mode in force that maps the
 * image: on CPU 0 first the boot map's root (entry_32.S), in that mode already
 * -- a page directory for i386, the PDPT for i386-pae -- and in .bss, never
 * handed to the page allocator; once the pmap has its own, that root,
 * which plat_paging_ready() passes to x86_df_set_cr3().  An AP starts on
 * the pmap's kernel root.
 */
static void
df_tss_init(struct x86_cpu *ci, uint32_t cr3)
{
	struct tss32 *t = &ci->cpu_df_tss;

	t->eip = (uint32_t)(uintptr_t)df_task_main;
	t->esp = (uint32_t)(uintptr_t)(ci->cpu_df_stack + X86_DF_STACK_SIZE);
	t->esp0 = t->esp;
	t->ss0 = t->ss = t->ds = t->es = t->gs = KDSEL;
	t->fs = PCPUSEL;
	t->cs = KCSEL;
	t->eflags = 0x2;		/* reserved bit 1 set, IF clear */
	t->cr3 = cr3;
	t->iomap_base = sizeof(*t);
	ci->cpu_gdt[GDT_DFTSS] = seg_desc((uint32_t)(uintptr_t)t,
	    sizeof(*t) - 1, SDT_SYS386TSS, SEL_KPL, 0);
}

/*
 * Vectors 0-31 to vectors_32.S, kernel-only, but #DF to its own task;
 * T_UPROBE to vectors_32.S, raisable from ring 3 by INT n (SDM vol. 3A,
 * 6.12.1.1: the gate's DPL must be >= CPL); the local APIC's T_IPI and
 * T_SPURIOUS; the others not present (#NP if used).  One IDT for all CPUs:
 * the #DF gate names a selector, which each CPU's GDT resolves to its own.
 */
static void
idt_build(void)
{
	unsigned v;

	for (v = 0; v < X86_NEXCEPTIONS; v++)
		idt[v] = gate_desc(x86_trap_stubs[v], SEL_KPL);
	idt[T_DOUBLEFLT] = (uint64_t)DFTSSSEL << 16 |
	    (uint64_t)SDT_SYS386TASK << 40 | SD_P;
	idt[T_UPROBE] = gate_desc((uint32_t)(uintptr_t)x86_trap_stub_uprobe,
	    SEL_UPL);
	idt[T_IPI] = gate_desc((uint32_t)(uintptr_t)x86_trap_stub_ipi, SEL_KPL);
	idt[T_SPURIOUS] = gate_desc((uint32_t)(uintptr_t)x86_spurious_stub,
	    SEL_KPL);
}

/*
 * Contract: run by each CPU on itself, first, with interrupts off: its
 * GDT, segment registers (%fs = PCPUSEL, so x86_curcpu() works after),
 * TSS with ring-0 stack esp0, double-fault task on root df_cr3, and the
 * shared IDT (built by x86_desc_init on CPU 0).
 */
void
x86_cpu_desc_init(struct x86_cpu *ci, uintptr_t esp0, uintptr_t df_cr3)
{
	struct region_descriptor rd;

	ci->cpu_self = ci;
	ci->cpu_index = (uint32_t)(ci - x86_cpus);
	df_tss_init(ci, df_cr3);
	tss_init(ci, esp0);
	gdt_load(ci);
	rd.rd_limit = sizeof(idt) - 1;
	rd.rd_base = (uint32_t)(uintptr_t)idt;
	__asm__ volatile("lidt %0" :: "m"(rd));
}

/* Contract: called once, first thing in x86_boot, on CPU 0 with interrupts off. */
void
x86_desc_init(void)
{
	struct x86_cpu *ci = &x86_cpus[0];

	idt_build();
	ci->cpu_stack_guard = (uintptr_t)x86_boot_stack_guard;
	x86_cpu_desc_init(ci, (uintptr_t)x86_boot_stack_top,
	    x86_image_pa(x86_boot_root));
}

/*
 * Root (CR3 value) this CPU's double-fault task runs on: it must map the
 * image, in the paging mode in force (a PAE PDPT lies below 4 GiB, 32-byte
 * aligned: CR3 holds its bits 31:5).
 */
void
x86_df_set_cr3(uint32_t cr3)
{
	x86_curcpu()->cpu_df_tss.cr3 = cr3;
}

/* Ring-0 stack for this CPU's next trap from ring 3. */
void
x86_tss_set_sp0(uintptr_t esp0)
{
	x86_curcpu()->cpu_tss.esp0 = esp0;
}
