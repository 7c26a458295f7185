/*
 * Descriptor tables: a flat GDT (kernel and user code/data, the TSS, the
 * double-fault TSS) and an IDT whose vectors 0-31 enter vectors.S, except
 * #DF, which switches to its own task.  Segmentation is kept out of the way:
 * every code/data segment has base 0 and limit 4 GiB, so linear addresses
 * are the virtual addresses the pmap manages.  The tables live in .data and
 * .bss, i.e. at high-half virtual addresses, which is what GDTR/IDTR hold
 * once paging is on.
 */
#include <stdint.h>

#include <kern.h>

#include "x86_guest.h"

/* Pseudo-descriptor for lgdt/lidt (SDM vol. 3A, 3.5.1, figure 3-11). */
struct region_descriptor {
	uint16_t	rd_limit;
	uint32_t	rd_base;
} __attribute__((packed));

/* 32-bit TSS (SDM vol. 3A, 7.2.1, figure 7-2); only ss0/esp0 and the I/O map
 * base matter without hardware task switching. */
struct tss32 {
	uint32_t	link;
	uint32_t	esp0, ss0, esp1, ss1, esp2, ss2;
	uint32_t	cr3, eip, eflags;
	uint32_t	eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t	es, cs, ss, ds, fs, gs, ldt;
	uint16_t	trap, iomap_base;
};
_Static_assert(sizeof(struct tss32) == 104, "TSS is 104 bytes (SDM figure 7-2)");

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
#define DF_STACK_SIZE	2048

static uint64_t gdt[GDT_NENTRIES] __attribute__((aligned(8)));
static uint64_t idt[256] __attribute__((aligned(8)));
static struct tss32 tss __attribute__((aligned(16)));
static struct tss32 df_tss __attribute__((aligned(16)));
static uint8_t df_stack[DF_STACK_SIZE] __attribute__((aligned(16)));

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
tss_init(void)
{
	tss.ss0 = KDSEL;
	tss.esp0 = (uint32_t)(uintptr_t)x86_boot_stack_top;
	tss.iomap_base = sizeof(tss);
	gdt[GDT_TSS] = seg_desc((uint32_t)(uintptr_t)&tss, sizeof(tss) - 1,
	    SDT_SYS386TSS, SEL_KPL, 0);
	__asm__ volatile("ltr %w0" :: "r"((uint16_t)TSSSEL));
}

/* Load a GDT with kernel/user flat segments and the TSS; reload every
 * segment register from it. */
static void
gdt_init(void)
{
	struct region_descriptor rd;

	gdt[GDT_NULL] = 0;
	gdt[GDT_KCODE] = flat_desc(SDT_MEMERA, SEL_KPL);
	gdt[GDT_KDATA] = flat_desc(SDT_MEMRWA, SEL_KPL);
	gdt[GDT_UCODE] = flat_desc(SDT_MEMERA, SEL_UPL);
	gdt[GDT_UDATA] = flat_desc(SDT_MEMRWA, SEL_UPL);
	rd.rd_limit = sizeof(gdt) - 1;
	rd.rd_base = (uint32_t)(uintptr_t)gdt;
	x86_load_segments(&rd);
}

/*
 * The double-fault task.  A #DF usually means the kernel stack is gone
 * (overflow onto the guard page), so it runs on its own stack through a
 * task gate (SDM vol. 3A, 6.14.4 and 7.3), reports the interrupted state
 * that the task switch saved in tss, and ends the run -- instead of the
 * triple fault QEMU would report as exit 0.  Raw console only: kprintf may
 * need the stack that is gone.
 */
static void __attribute__((noreturn))
df_task_main(void)
{
	x86_cons_puts_raw("\nx86_trap: #DF double fault: eip ");
	x86_cons_puthex_raw(tss.eip);
	x86_cons_puts_raw(" esp ");
	x86_cons_puthex_raw(tss.esp);
	x86_cons_puts_raw(" cr2 ");
	x86_cons_puthex_raw(x86_rcr2());
	x86_cons_puts_raw(" (boot stack guard ");
	x86_cons_puthex_raw((uint32_t)(uintptr_t)x86_boot_stack_guard);
	x86_cons_puts_raw(")\n");
	plat_exit(KERN_EXIT_FAIL);
}

/*
 * The task switch loads every register from df_tss, CR3 included, and with
 * PAE paging the PDPTEs CR3 names (SDM vol. 3A, 7.3 and 4.4.1).  So CR3 must
 * be a root in the paging mode in force: until the pmap has its own, the
 * boot map's root (entry.S), which is in that mode already -- a page
 * directory for i386, the PDPT for i386-pae -- and maps the whole image
 * (it is in .bss, never handed to the page allocator); after, the pmap's
 * root, which plat_paging_ready() passes to x86_df_set_cr3().
 */
static void
df_tss_init(void)
{
	df_tss.eip = (uint32_t)(uintptr_t)df_task_main;
	df_tss.esp = (uint32_t)(uintptr_t)(df_stack + DF_STACK_SIZE);
	df_tss.esp0 = df_tss.esp;
	df_tss.ss0 = df_tss.ss = df_tss.ds = df_tss.es = KDSEL;
	df_tss.fs = df_tss.gs = KDSEL;
	df_tss.cs = KCSEL;
	df_tss.eflags = 0x2;		/* reserved bit 1 set, IF clear */
	df_tss.cr3 = (uint32_t)(uintptr_t)x86_boot_root - X86_KERNBASE;
	df_tss.iomap_base = sizeof(df_tss);
	gdt[GDT_DFTSS] = seg_desc((uint32_t)(uintptr_t)&df_tss,
	    sizeof(df_tss) - 1, SDT_SYS386TSS, SEL_KPL, 0);
}

/* Vectors 0-31 to vectors.S, kernel-only, but #DF to its own task;
 * T_UPROBE to vectors.S, raisable from ring 3 by INT n (SDM vol. 3A, 6.12.1.1:
 * the gate's DPL must be >= CPL); the others not present (#NP if used). */
static void
idt_init(void)
{
	struct region_descriptor rd;
	unsigned v;

	for (v = 0; v < X86_NEXCEPTIONS; v++)
		idt[v] = gate_desc(x86_trap_stubs[v], SEL_KPL);
	idt[T_DOUBLEFLT] = (uint64_t)DFTSSSEL << 16 |
	    (uint64_t)SDT_SYS386TASK << 40 | SD_P;
	idt[T_UPROBE] = gate_desc((uint32_t)(uintptr_t)x86_trap_stub_uprobe,
	    SEL_UPL);
	rd.rd_limit = sizeof(idt) - 1;
	rd.rd_base = (uint32_t)(uintptr_t)idt;
	__asm__ volatile("lidt %0" :: "m"(rd));
}

/* Contract: called once, first thing in x86_boot, with interrupts off. */
void
x86_desc_init(void)
{
	df_tss_init();
	gdt_init();
	tss_init();
	idt_init();
}

/*
 * Root (CR3 value) the double-fault task runs on: it must map the image,
 * in the paging mode in force (a PAE PDPT lies below 4 GiB, 32-byte
 * aligned: CR3 holds its bits 31:5).
 */
void
x86_df_set_cr3(uint32_t cr3)
{
	df_tss.cr3 = cr3;
}

/* Ring-0 stack for the next trap from ring 3. */
void
x86_tss_set_esp0(uint32_t esp0)
{
	tss.esp0 = esp0;
}
