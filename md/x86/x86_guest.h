/*
 * Guest-only x86 platform definitions shared by md/x86's C and assembly:
 * the boot layout, segment selectors, the trap frame, port I/O, the probe
 * recovery record and the user-probe entry state.  Nothing here is seen by
 * the host build; cpufunc.h holds what the pmap needs on both sides.
 *
 * The platform builds for two ISAs, chosen by the compiler (__x86_64__ or
 * __i386__), never by the backend: the 32-bit build (platform.mk: i386,
 * i386-pae) takes md/x86's *_32.* files, the 64-bit build (platform64.mk:
 * amd64) its *_64.* files; the rest is shared, with #ifdef __x86_64__
 * where they differ a little.
 *
 * Physical memory at boot (entry_32.S / entry_64.S, kernel.ld / kernel_64.ld):
 *
 *   0x00000000 +-----------------------------+
 *              | BIOS, multiboot/PVH info    |
 *   0x00008000 +-----------------------------+  X86_MP_TRAMP_PA (mp_tramp_*.S),
 *              | AP trampoline page          |  kept out of boot_info
 *   0x00009000 +-----------------------------+
 *              | BIOS, multiboot/PVH info    |
 *   0x00100000 +-----------------------------+  X86_LOAD_PA: .boot, linked here
 *              | kernel image                |  linked at KERNBASE + 1 MiB
 *              | .bss: boot tables, stack    |
 *              +-----------------------------+  _kernel_end_pa
 *
 * 32-bit: multiboot v1 entry (entry_32.S).  Boot map with 4 KiB pages (no
 * PSE, no PGE, no NX) in the backend's paging mode: 32-bit paging for
 * i386, PAE paging (CR4.PAE) for i386-pae.
 *   va [KERNBASE, KERNBASE + X86_BOOTMAP_SIZE) -> pa [0, X86_BOOTMAP_SIZE),
 *   supervisor read/write, except the boot stack's guard page.  The identity
 *   map of pa [0, 4 MiB) needed to turn paging on is removed before
 *   x86_boot() runs, so a null pointer faults.  The pmap's own map replaces
 *   all of it (the guard page included) at pmap_bootstrap.
 * Its tables, in .bss (entry_32.S), CR3 = x86_boot_root - X86_KERNBASE: the
 * page tables x86_boot_ptab and the directory x86_boot_pdir, and the root
 * as the backend's boot_paging.h builds it (md/i386: the directory itself;
 * md/i386-pae: a PDPT over it and an identity directory).
 *
 * 64-bit: PVH entry (entry_64.S; QEMU's -kernel with an ELF64 carrying the
 * Xen PHYS32_ENTRY note), 32-bit protected mode to long mode.  Boot map:
 *   va [KERNBASE, KERNBASE + 1 GiB) -> pa [0, 1 GiB), and the same 1 GiB
 *   identity-mapped while long mode is entered (dropped once running high),
 *   supervisor read/write, no NX, no global pages; the entry format, the
 *   tables and the root are the backend's boot_paging.h's (md/amd64: 2 MiB
 *   pages under a PML4 and a PDPT, 4 KiB pages around the boot stack's
 *   unmapped guard page).
 *
 * The platform names no backend: the paging format, the root, the CPU
 * features the mode needs and the application processors' temporary root
 * (x86_boot_ap_root, in the backend's boot_guest.c) are the backend's.
 */
#ifndef MD_X86_X86_GUEST_H
#define MD_X86_X86_GUEST_H

/*
 * Must equal KERNBASE and PMAP_BOOTMAP_SIZE in pmap_md.h; boot.c pins them
 * with _Static_assert.  X86_WORD: the size of a register, a pointer and a
 * stack slot.
 */
#ifdef __x86_64__
#define X86_KERNBASE		0xFFFF800000000000
#define X86_BOOTMAP_SIZE	0x40000000	/* 1 GiB mapped at KERNBASE */
#define X86_BOOT_IDMAP_SIZE	0x40000000	/* identity map while long mode turns on */
#define X86_WORD		8
#else
#define X86_KERNBASE		0xC0000000
#define X86_BOOTMAP_SIZE	0x04000000	/* 64 MiB mapped at KERNBASE */
#define X86_BOOT_IDMAP_SIZE	0x00400000	/* identity map while paging turns on */
#define X86_WORD		4
#endif
#define X86_LOAD_PA		0x00100000	/* the loader puts us at 1 MiB */
#define X86_BOOT_STACK_SIZE	0x4000
#define X86_MAXCPUS		8		/* = PMAP_MAXCPUS; mp.c checks */
/*
 * The application processors' real-mode entry page (mp_tramp_*.S): below
 * 1 MiB, where a start-up IPI can point (vector = page number, SDM vol.
 * 3A, 8.4.4.1 and 10.6.1).  boot.c keeps it out of the RAM it hands kern/;
 * CPUs beyond X86_MAXCPUS stay halted in it for good.
 */
#define X86_MP_TRAMP_PA		0x00008000

/*
 * The boot map's paging format, from the backend (boot_paging.h, included
 * at the end of this file's constants): X86_BOOT_PTE_SIZE, the entry size,
 * and X86_BOOT_PT_SHIFT, the span of one page table.
 */
#define X86_BOOT_NPTE		(0x1000 / X86_BOOT_PTE_SIZE)	/* per table */
#define X86_BOOTMAP_NPT		(X86_BOOTMAP_SIZE >> X86_BOOT_PT_SHIFT)
#define X86_BOOT_IDMAP_NPT	(X86_BOOT_IDMAP_SIZE >> X86_BOOT_PT_SHIFT)

/*
 * What entry_*.S needs before C runs, from headers it cannot include (kern.h
 * and cpufunc.h are C only); boot.c checks that they agree.  CPUID bits:
 * Intel SDM vol. 2A, CPUID, tables 3-11 and 3-8 (leaf 80000001H).
 */
/* COM1 and QEMU's -device isa-debug-exit,iobase=0xf4 (cons.c, the entries). */
#define X86_COM1		0x3F8
#define X86_DEBUG_EXIT_PORT	0xF4
#define X86_EXIT_FAIL		0x11	/* KERN_EXIT_FAIL */
#define X86_EXIT_NOCPU		0x12	/* KERN_EXIT_NOCPU */
#define X86_CR0_WP		0x00010000	/* CR0_WP */
#define X86_CR0_PG		0x80000000	/* CR0_PG */
#define X86_CR4_PAE		0x00000020	/* CR4_PAE */
#define X86_EFLAGS_ID		0x00200000	/* CPUID is there if this toggles */
#define X86_CPUID_1_EDX_PAE	0x00000040	/* CPUID_1_EDX_PAE */
#define X86_CPUID_1_EDX_CMOV	0x00008000	/* the i686 build's CMOV */
#define X86_CPUID_EXT_EDX_NX	0x00100000	/* CPUID_EXT_EDX_NX */
#define X86_MSR_EFER		0xC0000080	/* MSR_EFER */
#define X86_EFER_NXE		0x00000800	/* EFER_NXE */
#define X86_EFER_LME		0x00000100	/* EFER_LME */
#define X86_CPUID_EXT_EDX_LM	0x20000000	/* CPUID_EXT_EDX_LM */
#define X86_MSR_GS_BASE		0xC0000101	/* %gs base (64-bit: this CPU) */
#define X86_MSR_KERNEL_GS_BASE	0xC0000102	/* the other %gs base (swapgs) */
/* The PVH start info's magic (Xen's public/arch-x86/hvm/start_info.h). */
#define X86_PVH_MAGIC		0x336ec578

/* The backend's boot paging (after the names above, which it may use). */
#include "boot_paging.h"

/*
 * GDT slots and selectors (Intel SDM vol. 3A, 3.4.2 and 3.4.5).  64-bit:
 * the code segments are long-mode ones (L = 1), the TSS descriptor takes
 * two slots (7.2.3), and there is no double-fault task (an IST stack
 * instead) and no per-CPU segment (the %gs base MSR instead).
 */
#define GDT_NULL		0
#define GDT_KCODE		1
#define GDT_KDATA		2
#define GDT_UCODE		3
#define GDT_UDATA		4
#define GDT_TSS			5
#ifdef __x86_64__
#define GDT_NENTRIES		7	/* TSS: slots 5 and 6 */
#else
#define GDT_DFTSS		6	/* double-fault task (desc_32.c) */
#define GDT_PCPU		7	/* %fs: this CPU's struct x86_cpu */
#define GDT_NENTRIES		8
#endif
#define SEL_KPL			0
#define SEL_UPL			3
#define GSEL(slot, rpl)		(((slot) << 3) | (rpl))
#define KCSEL			GSEL(GDT_KCODE, SEL_KPL)	/* 0x08 */
#define KDSEL			GSEL(GDT_KDATA, SEL_KPL)	/* 0x10 */
#define UCSEL			GSEL(GDT_UCODE, SEL_UPL)	/* 0x1b */
#define UDSEL			GSEL(GDT_UDATA, SEL_UPL)	/* 0x23 */
#define TSSSEL			GSEL(GDT_TSS, SEL_KPL)		/* 0x28 */
#ifndef __x86_64__
#define DFTSSSEL		GSEL(GDT_DFTSS, SEL_KPL)	/* 0x30 */
#define PCPUSEL			GSEL(GDT_PCPU, SEL_KPL)		/* 0x38 */
#endif

/* Exception vectors (Intel SDM vol. 3A, table 6-1). */
#define T_DIVIDE		0
#define T_NMI			2
#define T_DOUBLEFLT		8
#define T_GPFLT			13
#define T_PAGEFLT		14
#define X86_NEXCEPTIONS		32
/* Software interrupt (DPL 3) that ends a user probe (probe.c). */
#define T_UPROBE		0x80
/* Local APIC vectors (lapic.c): the one IPI, and the spurious vector. */
#define T_IPI			0xF0
#define T_SPURIOUS		0xFF

/* Page-fault error code bits (Intel SDM vol. 3A, 4.7, figure 4-12). */
#define PGEX_P			0x01	/* protection violation, not not-present */
#define PGEX_W			0x02	/* write access */
#define PGEX_U			0x04	/* user-mode access */
#define PGEX_RSV		0x08	/* reserved bit set in a paging entry */
#define PGEX_I			0x10	/* instruction fetch (NX/SMEP only) */

#define PSL_I			0x00000200	/* EFLAGS.IF */
#define PSL_USER		0x00000002	/* ring 3: reserved bit 1, IF and IOPL 0 */

/* Trap frame byte offsets, for vectors_*.S; struct trapframe must match. */
#ifdef __x86_64__
#define TF_TRAPNO		120
#define TF_ERR			128
#define TF_RIP			136
#define TF_CS			144
#define TF_SIZE			176
#else
#define TF_TRAPNO		48
#define TF_ERR			52
#define TF_EIP			56
#define TF_SIZE_KERNEL		68	/* no esp/ss: trap from ring 0 */
#endif

/* struct x86_onfault byte offsets, for probe_access_*.S: words. */
#define OF_RECOVER		(0 * X86_WORD)
#define OF_PC			(1 * X86_WORD)
#define OF_TARGET		(2 * X86_WORD)
#define OF_CODE			(3 * X86_WORD)
#define OF_VA			(4 * X86_WORD)

/* struct x86_cpu byte offsets, %fs-relative (32-bit) or %gs-relative (64-bit). */
#define CPU_INDEX		X86_WORD
#define CPU_ONFAULT		(2 * X86_WORD + 8)

/* struct x86_mp_args byte offsets, for mp_tramp_*.S. */
#define MA_TICKET		0
#define MA_CR0			4
#define MA_CR4			8
#define MA_CR3_BOOT		12
#ifdef __x86_64__
#define MA_EFER			16	/* EFER bits to set: LME, and NXE if asked */
#define MA_ENTRY		24	/* 8 bytes */
#define MA_SIZE			32
#else
#define MA_CR3			16
#define MA_NXE			20
#define MA_ENTRY		24
#define MA_SIZE			28
#endif

/* struct x86_uprobe_entry byte offsets, for probe_user_*.S: words. */
#define UE_PC			(0 * X86_WORD)
#define UE_SP			(1 * X86_WORD)
#define UE_VA			(2 * X86_WORD)
#define UE_VAL			(3 * X86_WORD)

#ifdef __ASSEMBLER__
/*
 * The exception stubs, vectors 0-31 in order, for vectors_32.S and
 * vectors_64.S, which define TRAP_ERR and TRAP_NOERR for their ISA.  The
 * CPU pushes an error code only for vectors 8, 10-14, 17 and 21 (SDM vol.
 * 3A, 6.13 and table 6-1) and AMD's 29 and 30 (AMD APM vol. 2, 8.2).
 */
	.macro	X86_EXCEPTION_STUBS
	.irp v, 0,1,2,3,4,5,6,7
	TRAP_NOERR \v
	.endr
	TRAP_ERR   8
	TRAP_NOERR 9
	.irp v, 10,11,12,13,14
	TRAP_ERR   \v
	.endr
	TRAP_NOERR 15
	TRAP_NOERR 16
	TRAP_ERR   17
	.irp v, 18,19,20
	TRAP_NOERR \v
	.endr
	TRAP_ERR   21
	.irp v, 22,23,24,25,26,27,28
	TRAP_NOERR \v
	.endr
	TRAP_ERR   29
	TRAP_ERR   30
	TRAP_NOERR 31
	.endm

/*
 * The start both AP trampolines share (mp_tramp_32.S, mp_tramp_64.S), in
 * the page mp.c copies to X86_MP_TRAMP_PA (TRAMP_OFF: an offset in it,
 * TRAMP_PA: the physical address): real mode at the start-up IPI's vector,
 * a ticket (AP k is CPU k + 1; those beyond X86_MAXCPUS park in hlt), the
 * trampoline's GDT (the file's tramp_gdtr: 32-bit code at 0x08, data at
 * 0x10), CR0.PE, protected mode at tramp_pm with flat data segments and
 * %ebp = the arguments (struct x86_mp_args), where the file goes on.
 */
#define TRAMP_OFF(sym)	((sym) - x86_mp_tramp)
#define TRAMP_PA(sym)	(X86_MP_TRAMP_PA + TRAMP_OFF(sym))
#define TRAMP_CSEL	0x08		/* tramp_gdt[1]: 32-bit code */
#define TRAMP_DSEL	0x10		/* tramp_gdt[2]: data */
	.macro	X86_TRAMP_START
	.code16
x86_mp_tramp:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	movl	$1, %ebx
	lock xaddl %ebx, TRAMP_OFF(x86_mp_tramp_args) + MA_TICKET
	cmpl	$(X86_MAXCPUS - 1), %ebx
	jae	tramp_park
	lgdtl	TRAMP_OFF(tramp_gdtr)
	movl	%cr0, %eax
	orl	$0x00000001, %eax	/* CR0.PE, SDM vol. 3A, 2.5 */
	movl	%eax, %cr0
	ljmpl	$TRAMP_CSEL, $TRAMP_PA(tramp_pm)
tramp_park:
	hlt
	jmp	tramp_park

	.code32
tramp_pm:
	movw	$TRAMP_DSEL, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	$TRAMP_PA(x86_mp_tramp_args), %ebp
	.endm

/*
 * 32-bit code both entries (entry_32.S, entry_64.S) run before paging.
 * X86_BOOT_CPUID_CHECK: jump to \fail unless CPUID exists, that is unless
 * EFLAGS.ID (bit 21) can be toggled (SDM vol. 1, 3.4.3); uses EAX, ECX.
 */
	.macro	X86_BOOT_CPUID_CHECK fail
	pushfl
	popl	%eax
	movl	%eax, %ecx
	xorl	$X86_EFLAGS_ID, %eax
	pushl	%eax
	popfl
	pushfl
	popl	%eax
	pushl	%ecx
	popfl
	xorl	%ecx, %eax
	testl	$X86_EFLAGS_ID, %eax
	jz	\fail
	.endm

/*
 * Zero .bss (the boot page tables and stack) at its physical address:
 * QEMU's loader zeroes p_memsz beyond p_filesz already; another loader need
 * not.  The loader's boot information lies outside the image.  Uses EAX,
 * ECX, EDI.
 */
	.macro	X86_BOOT_ZERO_BSS
	movl	$(__bss_start - X86_KERNBASE), %edi
	movl	$(__bss_end - X86_KERNBASE), %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl
	.endm

/*
 * boot_fail: cannot boot; say why on COM1 (no set-up needed in QEMU) and
 * exit through isa-debug-exit: %esi the message's physical address, %bl
 * the status.  Never returns.
 */
	.macro	X86_BOOT_FAIL
boot_fail:
	movw	$X86_COM1, %dx
1:	lodsb
	testb	%al, %al
	jz	2f
	outb	%al, %dx
	jmp	1b
2:	movb	%bl, %al
	movw	$X86_DEBUG_EXIT_PORT, %dx
	outb	%al, %dx
3:	cli
	hlt
	jmp	3b
	.endm
#endif

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stdint.h>

/* The physical address of a kernel-image object (linked at X86_KERNBASE + pa). */
static inline uintptr_t
x86_image_pa(const void *p)
{
	return (uintptr_t)p - X86_KERNBASE;
}

#ifdef __x86_64__
/*
 * What vectors_64.S saves on every exception, lowest address first.  The
 * CPU aligns RSP to 16 bytes and pushes ss/rsp/rflags/cs/rip, always in
 * 64-bit mode (Intel SDM vol. 3A, 6.14.2, figure 6-9); the stub pushes a
 * zero error code for vectors without one, then the vector, then alltraps
 * the general registers.  No segment registers: in 64-bit mode DS/ES/FS/GS
 * do not take part in addressing, and the %gs base is swapped (swapgs) on
 * a trap from ring 3 instead.
 */
struct trapframe {
	uint64_t	tf_r15, tf_r14, tf_r13, tf_r12;
	uint64_t	tf_r11, tf_r10, tf_r9, tf_r8;
	uint64_t	tf_rdi, tf_rsi, tf_rbp, tf_rbx;
	uint64_t	tf_rdx, tf_rcx, tf_rax;
	uint64_t	tf_trapno, tf_err;
	uint64_t	tf_rip, tf_cs, tf_rflags;
	uint64_t	tf_rsp, tf_ss;
};
_Static_assert(__builtin_offsetof(struct trapframe, tf_trapno) == TF_TRAPNO &&
    __builtin_offsetof(struct trapframe, tf_err) == TF_ERR &&
    __builtin_offsetof(struct trapframe, tf_rip) == TF_RIP &&
    __builtin_offsetof(struct trapframe, tf_cs) == TF_CS &&
    sizeof(struct trapframe) == TF_SIZE && TF_SIZE % 16 == 0,
    "trapframe layout");

/* The trapped instruction's address, and the value of RAX/EAX. */
static inline uintptr_t trapframe_pc(const struct trapframe *tf) { return tf->tf_rip; }
static inline void trapframe_set_pc(struct trapframe *tf, uintptr_t pc) { tf->tf_rip = pc; }
static inline uintptr_t trapframe_ax(const struct trapframe *tf) { return tf->tf_rax; }
#else
/*
 * What vectors_32.S saves on every exception, lowest address first.  The CPU
 * pushes eflags/cs/eip and, on a privilege change, ss/esp (Intel SDM vol.
 * 3A, 6.12.1, figure 6-4); the stub pushes a zero error code for vectors
 * without one, then the vector, then alltraps the general registers (in
 * pushal order) and data segment registers.  The upper 16 bits of the
 * segment slots are undefined.
 */
struct trapframe {
	uint32_t	tf_gs, tf_fs, tf_es, tf_ds;
	uint32_t	tf_edi, tf_esi, tf_ebp, tf_isp;
	uint32_t	tf_ebx, tf_edx, tf_ecx, tf_eax;
	uint32_t	tf_trapno, tf_err;
	uint32_t	tf_eip, tf_cs, tf_eflags;
	uint32_t	tf_esp, tf_ss;		/* valid only if from ring 3 */
};
_Static_assert(__builtin_offsetof(struct trapframe, tf_trapno) == TF_TRAPNO,
    "trapframe layout");
_Static_assert(__builtin_offsetof(struct trapframe, tf_err) == TF_ERR,
    "trapframe layout");
_Static_assert(__builtin_offsetof(struct trapframe, tf_eip) == TF_EIP,
    "trapframe layout");
_Static_assert(__builtin_offsetof(struct trapframe, tf_esp) == TF_SIZE_KERNEL,
    "trapframe layout");

static inline uintptr_t trapframe_pc(const struct trapframe *tf) { return tf->tf_eip; }
static inline void trapframe_set_pc(struct trapframe *tf, uintptr_t pc) { tf->tf_eip = pc; }
static inline uintptr_t trapframe_ax(const struct trapframe *tf) { return tf->tf_eax; }
#endif

static inline int
trapframe_from_user(const struct trapframe *tf)
{
	return (tf->tf_cs & 3) == SEL_UPL;
}

/*
 * Probe recovery (BSD's pcb_onfault, narrowed), one per CPU (struct
 * x86_cpu, so probes on several CPUs and IPIs during a probe do not mix):
 * while of_recover is non-zero
 * a page fault whose PC is of_pc -- or, if of_pc is 0, a fault at the
 * instruction fetch of of_target -- resumes at of_recover with the error
 * code and CR2 stored here.  Set and cleared only by probe_access_*.S.
 */
struct x86_onfault {
	uintptr_t	of_recover;	/* resume address, 0 when no probe */
	uintptr_t	of_pc;		/* the one faulting instruction allowed */
	uintptr_t	of_target;	/* EXEC probe: the called address */
	uintptr_t	of_code;	/* out: page-fault error code */
	uintptr_t	of_va;		/* out: CR2 */
};
_Static_assert(__builtin_offsetof(struct x86_onfault, of_recover) == OF_RECOVER &&
    __builtin_offsetof(struct x86_onfault, of_pc) == OF_PC &&
    __builtin_offsetof(struct x86_onfault, of_target) == OF_TARGET &&
    __builtin_offsetof(struct x86_onfault, of_code) == OF_CODE &&
    __builtin_offsetof(struct x86_onfault, of_va) == OF_VA,
    "x86_onfault layout");

#ifdef __x86_64__
/*
 * 64-bit TSS (SDM vol. 3A, 7.7, figure 7-11): rsp0 for traps from ring 3,
 * the interrupt stack table, and the I/O map base.  Packed: rsp0 lies at
 * offset 4.
 */
struct tss64 {
	uint32_t	reserved0;
	uint64_t	rsp0, rsp1, rsp2;
	uint64_t	reserved1;
	uint64_t	ist[7];		/* IST1 .. IST7 */
	uint64_t	reserved2;
	uint16_t	reserved3, iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "TSS is 104 bytes (SDM figure 7-11)");
#define X86_IST_DF		1	/* #DF runs on the CPU's cpu_df_stack */
#define X86_DF_STACK_SIZE	4096
#else
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

#define X86_DF_STACK_SIZE	2048
#endif

/*
 * One CPU's own state, reached in one load (plat_cpu_index()).  32-bit:
 * %fs holds PCPUSEL in the kernel, a data segment whose base is this CPU's
 * x86_cpus[] entry (every CPU has its own GDT, desc_32.c), so %fs:0 is the
 * entry itself and %fs:CPU_INDEX its number; alltraps reloads %fs on every
 * trap.  64-bit: the %gs base (MSR) is this CPU's entry in the kernel, and
 * 0 in ring 3: vectors_64.S and probe_user_64.S swapgs on every change of
 * ring (desc_64.c).
 */
struct x86_cpu {
	struct x86_cpu	*cpu_self;		/* %fs:0 / %gs:0 */
	uint32_t	 cpu_index;		/* CPU_INDEX */
	uint32_t	 cpu_lapic_id;		/* local APIC ID (lapic.c) */
	uintptr_t	 cpu_stack_guard;	/* VA of the kernel stack's guard page */
	volatile struct x86_onfault cpu_onfault;	/* CPU_ONFAULT */
	int		 cpu_fatal_depth;	/* trap.c */
	volatile uint32_t cpu_idle;		/* has reached plat_cpu_wait (mp.c) */
	uint64_t	 cpu_gdt[GDT_NENTRIES];
#ifdef __x86_64__
	struct tss64	 cpu_tss;
#else
	struct tss32	 cpu_tss;
	struct tss32	 cpu_df_tss;		/* the double-fault task */
#endif
	uint8_t		 cpu_df_stack[X86_DF_STACK_SIZE] __attribute__((aligned(16)));
};
_Static_assert(__builtin_offsetof(struct x86_cpu, cpu_index) == CPU_INDEX,
    "x86_cpu layout");
_Static_assert(__builtin_offsetof(struct x86_cpu, cpu_onfault) == CPU_ONFAULT,
    "x86_cpu layout");
extern struct x86_cpu x86_cpus[X86_MAXCPUS];

/* The calling CPU's entry (valid once x86_desc_init / x86_cpu_desc_init ran). */
static inline struct x86_cpu *
x86_curcpu(void)
{
	struct x86_cpu *ci;

#ifdef __x86_64__
	__asm__ volatile("movq %%gs:0, %0" : "=r"(ci));
#else
	__asm__ volatile("movl %%fs:0, %0" : "=r"(ci));
#endif
	return ci;
}

/*
 * What mp_tramp_*.S needs to take an AP from real mode to x86_mp_entry,
 * filled by mp.c in the trampoline page's copy.  cr3_boot is a root that
 * maps the trampoline page at its physical address besides the kernel
 * (below 4 GiB: a 32-bit MOV loads it).  32-bit: cr3, cr0, cr4 and
 * EFER.NXE are CPU 0's, and x86_mp_entry loads cr3.  64-bit: CR4.PAE and
 * EFER.LME for long mode, with CPU 0's CR0 and its CR4 bits but PCIDE
 * (which needs long mode first), EFER.NXE if the pmap uses NX; the AP
 * stays on cr3_boot until pmap_cpu_init loads the kernel's root.
 */
struct x86_mp_args {
	uint32_t	ma_ticket;	/* APs arrived; AP k gets CPU number k + 1 */
	uint32_t	ma_cr0;
	uint32_t	ma_cr4;
	uint32_t	ma_cr3_boot;
#ifdef __x86_64__
	uint32_t	ma_efer;	/* EFER bits to set before CR0.PG */
	uint32_t	ma_pad;
	uint64_t	ma_entry;	/* x86_mp_entry */
#else
	uint32_t	ma_cr3;
	uint32_t	ma_nxe;		/* non-zero: set EFER.NXE before paging */
	uint32_t	ma_entry;	/* x86_mp_entry */
#endif
};
_Static_assert(__builtin_offsetof(struct x86_mp_args, ma_ticket) == MA_TICKET &&
    __builtin_offsetof(struct x86_mp_args, ma_cr0) == MA_CR0 &&
    __builtin_offsetof(struct x86_mp_args, ma_cr4) == MA_CR4 &&
    __builtin_offsetof(struct x86_mp_args, ma_cr3_boot) == MA_CR3_BOOT &&
#ifdef __x86_64__
    __builtin_offsetof(struct x86_mp_args, ma_efer) == MA_EFER &&
#else
    __builtin_offsetof(struct x86_mp_args, ma_cr3) == MA_CR3 &&
    __builtin_offsetof(struct x86_mp_args, ma_nxe) == MA_NXE &&
#endif
    __builtin_offsetof(struct x86_mp_args, ma_entry) == MA_ENTRY &&
    sizeof(struct x86_mp_args) == MA_SIZE,
    "x86_mp_args layout");

/* probe_access_*.S: 0 if the access completed, -1 if it faulted (cpu_onfault). */
int	x86_probe_read(uintptr_t va, uint32_t *valp);
int	x86_probe_write(uintptr_t va, uint32_t val);
int	x86_probe_exec(uintptr_t va);

/*
 * Ring-3 entry state of a user probe (probe_user_*.S): where the trampoline
 * starts and its stack, and the operands its instructions take.
 */
struct x86_uprobe_entry {
	uintptr_t	ue_pc;
	uintptr_t	ue_sp;
	uintptr_t	ue_va;		/* the probed VA (ECX/RCX) */
	uintptr_t	ue_val;		/* the value a WRITE stores (EDX) */
};
_Static_assert(__builtin_offsetof(struct x86_uprobe_entry, ue_pc) == UE_PC &&
    __builtin_offsetof(struct x86_uprobe_entry, ue_sp) == UE_SP &&
    __builtin_offsetof(struct x86_uprobe_entry, ue_va) == UE_VA &&
    __builtin_offsetof(struct x86_uprobe_entry, ue_val) == UE_VAL,
    "x86_uprobe_entry layout");

/*
 * probe_user_*.S.  x86_uprobe_enter() saves the kernel context, points the
 * TSS's ring-0 stack just below it and irets to ring 3 as e says; it
 * returns (with the value given) only when the trap path calls
 * x86_uprobe_leave(), which discards every frame built since.  The
 * trampoline code, position-independent, lies in [x86_utramp,
 * x86_utramp_end); its three entries are labels in that range.
 */
int	x86_uprobe_enter(const struct x86_uprobe_entry *e);
void	x86_uprobe_leave(int rv) __attribute__((noreturn));
extern volatile uintptr_t x86_uprobe_ksp;	/* non-zero while in ring 3 */
extern const char x86_utramp[], x86_utramp_end[];
extern const char x86_utramp_read[], x86_utramp_write[], x86_utramp_exec[];

/* probe.c: a trap from ring 3, or T_UPROBE; returns only on a bug, saying why. */
const char *x86_uprobe_trap(const struct trapframe *, uintptr_t cr2);
void	x86_probe_init(void);

/* vectors_*.S */
extern const uintptr_t x86_trap_stubs[X86_NEXCEPTIONS];
extern const char x86_trap_stub_uprobe[];	/* vector T_UPROBE */
extern const char x86_trap_stub_ipi[];		/* vector T_IPI */
extern const char x86_spurious_stub[];		/* vector T_SPURIOUS: iret */
void	x86_load_segments(const void *gdtr);	/* lgdt, reload the segment registers */

/* entry_*.S / kernel*.ld */
extern char x86_boot_root[];		/* boot PD (i386), PDPT (PAE), PML4 (amd64): CR3 */
extern char x86_boot_stack_guard[], x86_boot_stack_top[];
extern char _kernel_end_pa[];		/* value of the symbol = physical end */
extern char _text_start_pa[], _text_end_pa[];	/* kernel text, physical */
extern char _kernbase[];		/* the linker script's KERNBASE, as a symbol */

/* mp_tramp_*.S: the trampoline page's image, its arguments, the high entry. */
extern const char x86_mp_tramp[], x86_mp_tramp_args[], x86_mp_tramp_end[];
extern const char x86_mp_entry[];
extern uintptr_t x86_mp_stack_top[X86_MAXCPUS];	/* mp.c: each AP's initial SP */
void	x86_mp_start(unsigned cpu) __attribute__((noreturn));	/* mp.c */

/* boot.c: the page at X86_MP_TRAMP_PA is usable RAM (kept from kern/). */
extern bool x86_mp_tramp_is_ram;

/* lapic.c */
void	x86_pic_disable(void);
void	x86_lapic_map(void);
void	x86_lapic_cpu_init(struct x86_cpu *);
void	x86_lapic_eoi(void);
void	x86_lapic_init_others(void);
void	x86_lapic_startup_others(uint32_t pa);

/*
 * desc_*.c, trap.c, cons.c.  x86_cpu_desc_init's df_cr3 is the root of the
 * 32-bit double-fault task; the 64-bit #DF runs on an IST stack in
 * whatever root is live, and ignores it.
 */
void	x86_desc_init(void);
void	x86_cpu_desc_init(struct x86_cpu *, uintptr_t sp0, uintptr_t df_cr3);
void	x86_tss_set_sp0(uintptr_t sp0);
#ifndef __x86_64__
void	x86_df_set_cr3(uint32_t cr3);
#endif
void	x86_trap(struct trapframe *);
void	x86_cons_init(void);
void	x86_cons_puts_raw(const char *);
void	x86_cons_puthex_raw(uintptr_t);

/*
 * entry_*.S calls this with paging on (boot map), on the boot stack, with
 * the physical address of the multiboot information (32-bit) or of the
 * PVH start info (64-bit).
 */
void	x86_boot(uint32_t info_pa) __attribute__((noreturn));

static inline void
outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port));
}

static inline void
outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port));
}

static inline uint8_t
inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uintptr_t
x86_rcr2(void)
{
	uintptr_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline void __attribute__((noreturn))
x86_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

#endif /* !__ASSEMBLER__ */

#endif /* MD_X86_X86_GUEST_H */
