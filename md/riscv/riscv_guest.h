/*
 * Guest-only RISC-V (QEMU virt) platform definitions shared by md/riscv's
 * C and assembly: the boot layout, the firmware calls, the trap frame, the
 * probe recovery record and the per-CPU trap record.  Nothing here is seen
 * by the host build; cpufunc.h holds what the pmap needs on both sides.
 *
 * One platform for rv32 and rv64: what differs by the ISA is chosen by
 * __riscv_xlen (the compiler's -march), never by the backend.  Registers,
 * CSRs and every field of the records below that the assembly loads or
 * stores whole are XLEN wide (unsigned long: ILP32 and LP64 alike), and
 * the assembly moves them with REG_L/REG_S in units of REGBYTES.  What the
 * boot needs of the paging mode -- the boot map's format and tables, the
 * satp mode, what QEMU's walk in that mode cannot reach -- comes from the
 * backend's boot_paging.h (below), so the platform names no backend.
 *
 * QEMU 7.2 virt with -bios none starts every hart at RV_RAM_BASE in M-mode
 * with a0 = hartid, a1 = physical address of the flattened device tree.
 * There is no firmware: entry.S is it.  Hart 0 programs PMP, delegation
 * and the boot map in M-mode, then mrets to S-mode; M-mode stays resident
 * as a firmware serving ecalls (RV_FW_*) for the console, the exit and
 * IPIs.  The other harts wait in M-mode until smp.c releases them, one by
 * one, after pmap_init (see "Secondary harts" below).
 *
 * Physical memory (kernel.ld, kernel_64.ld):
 *
 *   0x80000000 +-----------------------------+  RV_RAM_BASE: .boot, linked here
 *              | M-mode entry and firmware   |  (VMA = LMA, runs untranslated)
 *              +-----------------------------+  page aligned
 *              | kernel image                |  linked at KERNBASE + (pa - RAM_BASE)
 *              | .bss: boot tables, CPU 0's  |
 *              |   stacks, M-mode stacks,    |
 *              |   DTB copy, other CPUs'     |
 *              |   stacks (smp.c)            |
 *              +-----------------------------+  _kernel_end_pa
 *              | free RAM ...                |  QEMU's DTB near the end (not kept)
 *
 * Boot map, built by entry.S in M-mode in the backend's paging mode
 * (boot_paging.h: BOOT_MAP), loaded in satp with ASID 0 before the mret:
 *   va [KERNBASE, KERNBASE + RV_BOOTMAP_SIZE) -> pa [RAM_BASE, RAM_BASE +
 *   RV_BOOTMAP_SIZE), readable, writable, executable, global, A and D set,
 *   supervisor only (md/riscv-sv32: 4 MiB megapages, the boot stack's guard
 *   page left unmapped through one 4 KiB table; md/riscv-sv39: one 1 GiB
 *   gigapage).  Nothing else is mapped: no identity map (M-mode fetches are
 *   untranslated, and the mret goes straight to a virtual address), no
 *   devices (S-mode reaches them through RV_FW_*).
 *
 * What md/<backend>/boot_paging.h provides (md/riscv-sv32 and md/riscv-sv39
 * are the examples):
 *   RV_BOOT_SATP_MODE   satp's MODE field, in place (C and assembly): the
 *                       boot writes it with the boot root and ASID 0, reads
 *                       satp back and refuses the hart (the no-CPU exit,
 *                       RV_EXIT_NOCPU) if it did not keep it (satp is WARL,
 *                       privileged spec 4.1.11)
 *   BOOT_MAP            assembler macro: fill the boot map's tables (zeroed
 *                       .bss) in M-mode on physical addresses; may use t0-t6
 *                       and the platform's LA_PA macro; a0-a7, s0-s11, sp
 *                       kept
 *   BOOT_TABLES         assembler macro: the tables, in .bss, page aligned
 *                       on entry; the root is the global rv_boot_root
 *   BOOT_MESSAGES       assembler macro (.boot.rodata): rv_boot_mode_msg,
 *                       the NUL-terminated line naming the mode a refused
 *                       hart lacks (the platform adds the satp values)
 *   RV_BOOT_PA_END, RV_BOOT_PA_END_WHY  (optional, C) RAM at and above this
 *                       physical address cannot be used in this mode on
 *                       QEMU, and why: boot.c drops it, saying so
 * Secondary harts need nothing of the backend: they load the kernel pmap's
 * satp (pmap_paging) in M-mode and mret straight to S-mode.
 */
#ifndef MD_RISCV_RISCV_GUEST_H
#define MD_RISCV_RISCV_GUEST_H

/*
 * The ISA's register width, for the assembly: REG_L and REG_S move a
 * register, RV_PTR is an address in data, REGBYTES their size; LWU loads a
 * 32-bit word zero-extended.  RV_XLEN_MSB is the top bit of a register
 * (mcause/scause: an interrupt).
 */
#if __riscv_xlen == 64
#define REGBYTES		8
#define REG_L			ld
#define REG_S			sd
#define LWU			lwu
#define RV_PTR			.dword
#define RV_XLEN_MSB		0x8000000000000000
#elif __riscv_xlen == 32
#define REGBYTES		4
#define REG_L			lw
#define REG_S			sw
#define LWU			lw
#define RV_PTR			.word
#define RV_XLEN_MSB		0x80000000
#else
#error "md/riscv: __riscv_xlen is neither 32 nor 64"
#endif

/*
 * Must equal pmap_md.h's KERNBASE, PMAP_RAM_BASE, PMAP_BOOTMAP_SIZE (boot.c
 * checks).  The layout is the ISA's: every rv32 backend maps the kernel at
 * 0xC0000000 with a 64 MiB boot map, every rv64 one at the start of the
 * top 256 GiB (Sv39's upper half: the same address in Sv48) with 1 GiB.
 */
#if __riscv_xlen == 64
#define RV_KERNBASE		0xFFFFFFC000000000
#define RV_BOOTMAP_SIZE		0x40000000	/* 1 GiB */
#else
#define RV_KERNBASE		0xC0000000
#define RV_BOOTMAP_SIZE		0x04000000	/* 64 MiB */
#endif
#define RV_RAM_BASE		0x80000000
#define RV_KOFF			(RV_KERNBASE - RV_RAM_BASE)	/* va - pa in the image */

#define RV_BOOT_STACK_SIZE	0x4000		/* S-mode kernel stack, per CPU */
#define RV_TRAP_STACK_SIZE	0x2000		/* S-mode stack after an overflow, per CPU */
#define RV_MSTACK_SIZE		0x800		/* M-mode firmware stack, per hart */
#define RV_MFATAL_STACK_SIZE	0x200		/* M-mode fatal report, one hart */
#define RV_FDT_MAX		0x10000		/* room for the DTB copy */

/* CPUs the platform runs; must equal pmap_md.h's PMAP_MAXCPUS (boot.c checks). */
#define RV_MAXCPUS		8

/*
 * Firmware calls: ecall from S-mode with the function in a7 and its
 * argument in a0; returns 0 in a0, every other register preserved.  The
 * numbers are those of the SBI v0.1 legacy console_putchar, send_ipi and
 * shutdown (RISC-V SBI spec, chapter 5), but this is not SBI: EXIT takes
 * a status and IPI one hart id, not a mask.  An unknown function, or an
 * IPI to a hart beyond the CLINT, ends the run (exit KERN_EXIT_FAIL) with
 * a message.
 *
 * RV_FW_IPI sets the target hart's CLINT MSIP.  That hart takes the
 * machine software interrupt in M-mode (enabled there whenever it runs
 * S-mode or U-mode: privileged spec 3.1.6.1), clears its MSIP, sets
 * mip.SSIP and mrets; S-mode then takes the supervisor software interrupt
 * (delegated, mideleg) when sstatus.SIE and sie.SSIE allow it.  IPIs
 * coalesce.  Stores the caller made before the ecall are visible to the
 * target's handler (fences on both sides).
 */
#define RV_FW_CONSOLE_PUTC	1	/* a0 = the byte */
#define RV_FW_IPI		4	/* a0 = target hart id */
#define RV_FW_EXIT		8	/* a0 = KERN_EXIT_* status; no return */

/* QEMU virt devices (hw/riscv/virt.c memmap), physical, M-mode only. */
#define RV_UART0		0x10000000	/* NS16550A */
#define RV_UART_THR		0		/* transmit holding register */
#define RV_UART_LSR		5		/* line status register */
#define RV_UART_LSR_THRE	0x20		/* THR empty */
#define RV_TEST_DEV		0x00100000	/* sifive_test finisher */
#define RV_TEST_FAIL		0x3333		/* exit((value >> 16) & 0xFFFF) */
#define RV_CLINT_MSIP		0x02000000	/* SiFive CLINT: MSIP of hart h at + 4 * h */
#define RV_CLINT_NHARTS		4095		/* MSIP words before mtimecmp at + 0x4000 */

/* entry.S's copies of C-only constants (kern.h); boot.c checks them. */
#define RV_EXIT_FAIL		0x11		/* KERN_EXIT_FAIL */
#define RV_EXIT_NOCPU		0x12		/* KERN_EXIT_NOCPU: the hart lacks the mode */

/* Machine-level CSR bits (privileged spec 3.1.6, 3.1.8, 3.7.1). */
#define RV_MSTATUS_SIE		0x00000002
#define RV_MSTATUS_MIE		0x00000008
#define RV_MSTATUS_SPIE		0x00000020
#define RV_MSTATUS_MPIE		0x00000080
#define RV_MSTATUS_SPP		0x00000100
#define RV_MSTATUS_MPP_MASK	0x00001800
#define RV_MSTATUS_MPP_S	0x00000800
#define RV_MSTATUS_MPRV		0x00020000
#define RV_MSTATUS_SUM		0x00040000
#define RV_MSTATUS_MXR		0x00080000
#define RV_MCAUSE_ECALL_S	9
#define RV_MCAUSE_MSI		(RV_XLEN_MSB | 3)	/* machine software interrupt */
#define RV_MIP_SSIP		0x00000002	/* mip/mie bit 1: supervisor software */
#define RV_MIP_MSIP		0x00000008	/* mip/mie bit 3: machine software */
#define RV_MCOUNTEREN_TM	0x00000002	/* S-mode may read `time' (3.1.11) */
/*
 * menvcfg (CSR 0x30A, privileged spec 1.12, 3.1.18; clang 14 lacks the
 * name).  PBMTE (bit 62, RV64) lets S-mode use Svpbmt's PBMT field: WARL,
 * so it reads back set only on a hart that has Svpbmt.
 */
#define RV_CSR_MENVCFG		0x30a
#define RV_MENVCFG_PBMTE	0x4000000000000000
#define RV_PMPCFG_R		0x01
#define RV_PMPCFG_W		0x02
#define RV_PMPCFG_X		0x04
#define RV_PMPCFG_NAPOT		0x18
/*
 * Synchronous exceptions 0-15 go to S-mode except ecall from S (9), the
 * firmware call, and from M (11); bits 10 and 14 are reserved (WARL).
 * The supervisor interrupts (SSI 1, STI 5, SEI 9) too; only SSI, the IPI,
 * is ever enabled (sie.SSIE; privileged spec 3.1.8, 3.1.9).
 */
#define RV_MEDELEG		0x0000F5FF
#define RV_MIDELEG		0x00000222

/* sstatus (privileged spec 4.1.1) and scause (table 4.2). */
#define RV_SSTATUS_SIE		0x00000002
#define RV_SSTATUS_SPIE		0x00000020
#define RV_SSTATUS_SPP		0x00000100
#define RV_SCAUSE_INTR		RV_XLEN_MSB
#define RV_SCAUSE_SSI		(RV_SCAUSE_INTR | 1)	/* supervisor software interrupt */
#define RV_SCAUSE_ECALL_U	8
#define RV_SIP_SSIP		0x00000002	/* sip/sie bit 1 */

/* satp's PPN field (privileged spec 4.1.11): the root's pa >> 12, at bit 0. */
#define RV_PAGE_SHIFT		12

/*
 * The backend's part of the boot (see the top of this file): the boot
 * map's format and tables, the satp mode.
 */
#include "boot_paging.h"
#ifndef RV_BOOT_SATP_MODE
#error "the backend's boot_paging.h defines no RV_BOOT_SATP_MODE"
#endif

/* struct rv_trapframe byte offsets, for vectors.S: x0..x31 then the CSRs. */
#define TF_X(n)			((n) * REGBYTES)
#define TF_SEPC			(32 * REGBYTES)
#define TF_SSTATUS		(33 * REGBYTES)
#define TF_SCAUSE		(34 * REGBYTES)
#define TF_STVAL		(35 * REGBYTES)
#define TF_SIZE			(36 * REGBYTES)	/* a multiple of 16 (psABI stack alignment) */

/* struct rv_trapcpu byte offsets, for vectors.S and the probes. */
#define TC_T0			(0 * REGBYTES)
#define TC_TP			(1 * REGBYTES)
#define TC_SP			(2 * REGBYTES)
#define TC_KSP			(3 * REGBYTES)
#define TC_STACK_LO		(4 * REGBYTES)
#define TC_STACK_HI		(5 * REGBYTES)
#define TC_TRAP_SP		(6 * REGBYTES)
#define TC_CPU			(7 * REGBYTES)
#define TC_HARTID		(8 * REGBYTES)
#define TC_ONFAULT		(9 * REGBYTES)	/* struct rv_onfault */
#define TC_SIZE			(16 * REGBYTES)

/* struct rv_cpu_boot byte offsets, for entry.S (M-mode, physical). */
#define CB_STATE		(0 * REGBYTES)
#define CB_CPU			(1 * REGBYTES)
#define CB_SATP			(2 * REGBYTES)
#define CB_SSTATUS		(3 * REGBYTES)
#define CB_SP			(4 * REGBYTES)
#define CB_TC			(5 * REGBYTES)
#define CB_MSTACK_PA		(6 * REGBYTES)

/* struct rv_release byte offsets. */
#define RL_HARTID		(0 * REGBYTES)
#define RL_BOOT_PA		(1 * REGBYTES)

/* struct rv_cpu_boot's cb_state: how far a released hart got. */
#define RV_CPU_RELEASED		1	/* smp.c: record filled, hart told */
#define RV_CPU_LEFT_PARK	2	/* entry.S: the hart read its record */
#define RV_CPU_IN_S		3	/* smp.c: in S-mode, C, own stack */
#define RV_CPU_IDLE		4	/* smp.c: in kern_cpu_start's idle loop */

/* struct rv_onfault byte offsets, for probe_access.S. */
#define OF_RECOVER		(0 * REGBYTES)
#define OF_PC			(1 * REGBYTES)
#define OF_TARGET		(2 * REGBYTES)
#define OF_CODE			(3 * REGBYTES)
#define OF_VA			(4 * REGBYTES)

/* struct rv_boot_fdt_info byte offsets, for entry.S. */
#define FI_PA			0
#define FI_MAGIC		(REGBYTES + 0)
#define FI_TOTALSIZE		(REGBYTES + 4)
#define FI_COPIED		(REGBYTES + 8)

#ifndef __ASSEMBLER__

#include <stdint.h>

/*
 * What vectors.S saves on every trap: the 32 integer registers (x0's slot
 * unused, sp's the interrupted sp) and the trap CSRs, each XLEN wide.
 * sepc and sstatus are written back on return, so the C side may redirect
 * or change mode.
 */
struct rv_trapframe {
	unsigned long	tf_x[32];
	unsigned long	tf_sepc;
	unsigned long	tf_sstatus;
	unsigned long	tf_scause;
	unsigned long	tf_stval;
};
_Static_assert(sizeof(unsigned long) == REGBYTES && sizeof(void *) == REGBYTES,
    "REGBYTES is not the register and pointer width");
_Static_assert(sizeof(struct rv_trapframe) == TF_SIZE, "rv_trapframe layout");
_Static_assert(TF_SIZE % 16 == 0, "rv_trapframe breaks the stack alignment");
_Static_assert(__builtin_offsetof(struct rv_trapframe, tf_sepc) == TF_SEPC,
    "rv_trapframe layout");
_Static_assert(__builtin_offsetof(struct rv_trapframe, tf_sstatus) == TF_SSTATUS,
    "rv_trapframe layout");
_Static_assert(__builtin_offsetof(struct rv_trapframe, tf_scause) == TF_SCAUSE,
    "rv_trapframe layout");
_Static_assert(__builtin_offsetof(struct rv_trapframe, tf_stval) == TF_STVAL,
    "rv_trapframe layout");

/* Register numbers (psABI names) in tf_x. */
enum { RV_RA = 1, RV_SP = 2, RV_GP = 3, RV_TP = 4, RV_A0 = 10, RV_A1 = 11, RV_A7 = 17 };

static inline int
trapframe_from_user(const struct rv_trapframe *tf)
{
	return (tf->tf_sstatus & RV_SSTATUS_SPP) == 0;
}

/*
 * Probe recovery (BSD's pcb_onfault, narrowed), as on x86, one per CPU
 * (in its struct rv_trapcpu): while of_recover is non-zero, a page fault
 * from S-mode on that CPU whose sepc is of_pc -- or, if of_pc is 0, a
 * fetch fault at of_target -- resumes at of_recover with scause and stval
 * stored here.  Set and cleared by probe_access.S.
 */
struct rv_onfault {
	unsigned long	of_recover;
	unsigned long	of_pc;
	unsigned long	of_target;
	unsigned long	of_code;	/* out: scause */
	unsigned long	of_va;		/* out: stval */
};
_Static_assert(__builtin_offsetof(struct rv_onfault, of_pc) == OF_PC,
    "rv_onfault layout");
_Static_assert(__builtin_offsetof(struct rv_onfault, of_target) == OF_TARGET,
    "rv_onfault layout");
_Static_assert(__builtin_offsetof(struct rv_onfault, of_code) == OF_CODE,
    "rv_onfault layout");
_Static_assert(__builtin_offsetof(struct rv_onfault, of_va) == OF_VA,
    "rv_onfault layout");

/*
 * A CPU's trap and probe record, rv_trapcpus[cpu] (vectors.S), which
 * sscratch points to whenever no trap is being entered: so in S-mode C
 * code sscratch is always this CPU's record (rv_curcpu), and
 * plat_cpu_index is tc_cpu.  tc_ksp is the kernel stack for traps from
 * U-mode, non-zero only while a user probe runs; a trap from S-mode whose
 * sp lies outside [tc_stack_lo, tc_stack_hi] (an overflowed or wild stack)
 * switches to tc_trap_sp, and trap.c declares it fatal.  Each CPU's
 * kernel stack lies just below its trap stack: [tc_stack_lo - TF_SIZE,
 * tc_trap_sp - RV_TRAP_STACK_SIZE).
 */
struct rv_trapcpu {
	unsigned long	tc_t0;		/* scratch of the entry code */
	unsigned long	tc_tp;
	unsigned long	tc_sp;
	unsigned long	tc_ksp;
	unsigned long	tc_stack_lo;	/* kernel stack bottom + TF_SIZE */
	unsigned long	tc_stack_hi;	/* top of the trap stack */
	unsigned long	tc_trap_sp;	/* top of the trap stack */
	unsigned long	tc_cpu;		/* plat_cpu_index() */
	unsigned long	tc_hartid;	/* mhartid */
	volatile struct rv_onfault tc_onfault;
	unsigned long	tc_pad[2];
};
extern struct rv_trapcpu rv_trapcpus[RV_MAXCPUS];
_Static_assert(sizeof(struct rv_trapcpu) == TC_SIZE, "rv_trapcpu layout");
_Static_assert(__builtin_offsetof(struct rv_trapcpu, tc_ksp) == TC_KSP,
    "rv_trapcpu layout");
_Static_assert(__builtin_offsetof(struct rv_trapcpu, tc_stack_lo) == TC_STACK_LO,
    "rv_trapcpu layout");
_Static_assert(__builtin_offsetof(struct rv_trapcpu, tc_stack_hi) == TC_STACK_HI,
    "rv_trapcpu layout");
_Static_assert(__builtin_offsetof(struct rv_trapcpu, tc_trap_sp) == TC_TRAP_SP,
    "rv_trapcpu layout");
_Static_assert(__builtin_offsetof(struct rv_trapcpu, tc_cpu) == TC_CPU,
    "rv_trapcpu layout");
_Static_assert(__builtin_offsetof(struct rv_trapcpu, tc_hartid) == TC_HARTID,
    "rv_trapcpu layout");
_Static_assert(__builtin_offsetof(struct rv_trapcpu, tc_onfault) == TC_ONFAULT,
    "rv_trapcpu layout");

/* This CPU's record: sscratch in S-mode (vectors.S keeps it there). */
static inline struct rv_trapcpu *
rv_curcpu(void)
{
	unsigned long v;

	__asm__ volatile("csrr %0, sscratch" : "=r"(v));
	return (struct rv_trapcpu *)v;
}

/*
 * Secondary harts.  QEMU starts them with hart 0; entry.S parks each in
 * M-mode (wfi, mie.MSIE only, mstatus.MIE clear: MSIP wakes wfi without
 * trapping, privileged spec 3.3.3), touching nothing but rv_release, in
 * .data, so neither .bss nor the boot map before hart 0 has built them.
 * smp.c releases one hart at a time: it fills the CPU's struct rv_cpu_boot,
 * stores its physical address and then the hart id in rv_release, and
 * sends the hart an IPI (RV_FW_IPI).  The hart whose id it is clears its
 * MSIP, sets up its own M-mode (mtvec, mscratch = cb_mstack_pa, PMP,
 * delegation, mie, mcounteren), stvec, sscratch = cb_tc, satp = cb_satp
 * (CPU 0's: the kernel pmap), and mrets to rv_entry_secondary in S-mode
 * with sstatus's SUM and MXR from cb_sstatus, interrupts off, sp = cb_sp,
 * a0 = cb_cpu.  cb_state tells smp.c how far it got.  Every field is XLEN
 * wide (entry.S moves them with REG_L/REG_S).
 */
struct rv_cpu_boot {
	volatile unsigned long cb_state;	/* RV_CPU_* */
	unsigned long	cb_cpu;
	unsigned long	cb_satp;
	unsigned long	cb_sstatus;	/* SUM, MXR only */
	unsigned long	cb_sp;		/* kernel stack top, virtual */
	unsigned long	cb_tc;		/* &rv_trapcpus[cb_cpu], virtual */
	unsigned long	cb_mstack_pa;	/* M-mode stack top, physical */
};
_Static_assert(__builtin_offsetof(struct rv_cpu_boot, cb_cpu) == CB_CPU,
    "rv_cpu_boot layout");
_Static_assert(__builtin_offsetof(struct rv_cpu_boot, cb_satp) == CB_SATP,
    "rv_cpu_boot layout");
_Static_assert(__builtin_offsetof(struct rv_cpu_boot, cb_sstatus) == CB_SSTATUS,
    "rv_cpu_boot layout");
_Static_assert(__builtin_offsetof(struct rv_cpu_boot, cb_sp) == CB_SP,
    "rv_cpu_boot layout");
_Static_assert(__builtin_offsetof(struct rv_cpu_boot, cb_tc) == CB_TC,
    "rv_cpu_boot layout");
_Static_assert(__builtin_offsetof(struct rv_cpu_boot, cb_mstack_pa) == CB_MSTACK_PA,
    "rv_cpu_boot layout");

struct rv_release {
	volatile unsigned long rl_hartid;	/* ~0: none */
	volatile unsigned long rl_boot_pa;	/* its struct rv_cpu_boot, physical */
};
extern struct rv_release rv_release;
_Static_assert(__builtin_offsetof(struct rv_release, rl_boot_pa) == RL_BOOT_PA,
    "rv_release layout");

/* The harts /cpus lists as usable (fdt.c), in device-tree order. */
#define RV_FDT_MAXHARTS		64
struct rv_fdt_cpus {
	unsigned	fc_nharts;	/* all of them */
	uint32_t	fc_hartid[RV_FDT_MAXHARTS];	/* the first RV_FDT_MAXHARTS */
	uint32_t	fc_timebase_hz;	/* /cpus timebase-frequency, 0 if none */
	unsigned	fc_ext;		/* RV_EXT_* every usable hart's riscv,isa names */
};
#define RV_EXT_SVPBMT	0x1u	/* page-based memory types */
#define RV_EXT_SVINVAL	0x2u	/* fine-grained address-translation cache invalidation */
#define RV_EXT_SVNAPOT	0x4u	/* NAPOT translation contiguity (64 KiB pages) */
extern struct rv_fdt_cpus rv_fdt_cpus;

/*
 * What entry.S learnt about the DTB in M-mode (physical addresses): its
 * address, the first two header words as read (big-endian in memory), and
 * how many bytes it copied to rv_boot_fdt (0: none, see magic/totalsize).
 */
struct rv_boot_fdt_info {
	unsigned long	fi_pa;
	uint32_t	fi_magic;	/* raw: 0xEDFE0DD0 is FDT_MAGIC read little-endian */
	uint32_t	fi_totalsize;	/* raw, big-endian */
	uint32_t	fi_copied;
};
extern struct rv_boot_fdt_info rv_boot_fdt_info;
/* Hart 0's menvcfg as M-mode left it, RV64 (entry.S); 0 on RV32. */
extern unsigned long rv_boot_menvcfg;
extern uint8_t rv_boot_fdt[RV_FDT_MAX];
_Static_assert(__builtin_offsetof(struct rv_boot_fdt_info, fi_magic) == FI_MAGIC,
    "rv_boot_fdt_info layout");
_Static_assert(__builtin_offsetof(struct rv_boot_fdt_info, fi_totalsize) == FI_TOTALSIZE,
    "rv_boot_fdt_info layout");
_Static_assert(__builtin_offsetof(struct rv_boot_fdt_info, fi_copied) == FI_COPIED,
    "rv_boot_fdt_info layout");

/* probe_access.S: 0 if the access (a 32-bit word) completed, -1 if it faulted (rv_onfault). */
int	rv_probe_read(unsigned long va, uint32_t *valp);
int	rv_probe_write(unsigned long va, uint32_t val);
int	rv_probe_exec(unsigned long va);

/*
 * probe_user.S.  rv_uprobe_enter() saves the kernel context, makes the
 * stack below it the kernel stack of traps from U-mode (tc_ksp) and srets
 * to pc in U-mode with sp, a0, a1 as given, every other register zero; it
 * returns (with the value given) only when the trap path calls
 * rv_uprobe_leave().  The trampoline, position-independent, lies in
 * [rv_utramp, rv_utramp_end).
 */
int	rv_uprobe_enter(unsigned long pc, unsigned long sp, unsigned long a0,
	    unsigned long a1);
void	rv_uprobe_leave(int rv) __attribute__((noreturn));
extern const char rv_utramp[], rv_utramp_end[];
extern const char rv_utramp_read[], rv_utramp_write[], rv_utramp_exec[];

/* probe.c: a trap from U-mode; returns only on a bug, saying why. */
const char *rv_uprobe_trap(const struct rv_trapframe *);
void	rv_probe_init(void);

/*
 * smp.c: rv_ipi_enable sets this CPU's sie.SSIE (sstatus.SIE still
 * decides); rv_ipi_intr is the IPI's handler (trap.c); rv_cpu_start is a
 * started CPU's S-mode C entry (entry.S).
 */
void	rv_ipi_enable(void);
void	rv_ipi_intr(void);
void	rv_cpu_start(unsigned long cpu) __attribute__((noreturn));

/* entry.S / kernel.ld */
extern char rv_boot_root[];		/* boot map root: satp's PPN */
extern char rv_boot_stack_guard[], rv_boot_stack[], rv_boot_stack_top[];
extern char rv_trap_stack[], rv_trap_stack_top[];
/*
 * The linker script's absolute symbols, as data (entry.S): C cannot take
 * their values as addresses under -mcmodel=medany on rv64, where they lie
 * more than 2 GiB from the code (the physical ones low, the code at
 * KERNBASE).
 */
struct rv_link_info {
	unsigned long	li_kernbase;		/* KERNBASE */
	unsigned long	li_ram_base;		/* RAM_BASE */
	unsigned long	li_kernel_end_pa;	/* the first physical byte after the image */
	unsigned long	li_text_start_pa;	/* the S-mode text, physical, page aligned */
	unsigned long	li_text_end_pa;
};
extern const struct rv_link_info rv_link_info;

/* trap.c, cons.c, fdt.c, boot.c */
void	rv_trap(struct rv_trapframe *);
unsigned long rv_boot_satp(void);
void	rv_cons_puts_raw(const char *);
void	rv_cons_puthex_raw(unsigned long);
struct boot_info;
void	rv_fdt_parse(struct boot_info *, struct rv_fdt_cpus *, const void *fdt,
	    uint32_t len);

/* S-mode entry (entry.S) calls this on the boot map and boot stack. */
void	rv_boot(unsigned long hartid, unsigned long fdt_pa) __attribute__((noreturn));

/* A firmware call (RV_FW_*): ecall to M-mode (entry.S, rv_mtrap). */
static inline unsigned long
rv_fw_call(unsigned long fn, unsigned long arg)
{
	register unsigned long a0 __asm__("a0") = arg;
	register unsigned long a7 __asm__("a7") = fn;

	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
	return a0;
}

static inline void
rv_fence_i(void)
{
	__asm__ volatile("fence.i" ::: "memory");
}

static inline void __attribute__((noreturn))
rv_halt_forever(void)
{
	for (;;)
		__asm__ volatile("wfi");
}

#endif /* !__ASSEMBLER__ */

#endif /* MD_RISCV_RISCV_GUEST_H */
