/*
 * The test kernel: what kern/ provides, and what each platform provides to
 * it.  The same kern/ code runs in the guest (platform md/x86, md/riscv) and
 * on the host (platform tests/host, over the MMU model).
 */
#ifndef KERN_KERN_H
#define KERN_KERN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <pmap/pmap.h>
#include <pmap/pmap_names.h>

/* Exit statuses handed to plat_exit(); QEMU reports (v << 1) | 1. */
#define KERN_EXIT_PASS		0x10	/* every test passed: QEMU exits 33 */
#define KERN_EXIT_FAIL		0x11	/* a test failed or the kernel panicked: 35 */
#define KERN_EXIT_NOCPU		0x12	/* CPU lacks a required feature: 37 */

#define BOOT_MAXREGIONS		32
struct boot_region {
	uint64_t	base;
	uint64_t	len;
};
struct boot_info {
	const char	*cmdline;		/* "" if none */
	unsigned	 nregions;		/* usable RAM, from the firmware map */
	struct boot_region regions[BOOT_MAXREGIONS];
	paddr_t		 kernel_end_pa;		/* first free byte after the image */
	paddr_t		 text_start_pa;		/* kernel text, page aligned */
	paddr_t		 text_end_pa;
	const char	*platform;		/* "qemu-i386", "host-model", ... */
	unsigned	 md_features;		/* pmap_bootstrap_args.md_features, as firmware says */
};

/* kern/ entry point, called by the platform with paging on (boot map). */
void	kmain(const struct boot_info *) __attribute__((noreturn));
/* The first half of kmain: memory and the pmap up, then return. */
void	kern_boot(const struct boot_info *);

/* ---- Provided by the platform ---- */
void	plat_putc(int c);
/* The pmap has switched to its own tables (x86: the #DF task needs the new CR3). */
void	plat_paging_ready(void);
void	plat_exit(int status) __attribute__((noreturn));
/* Direct physical access to the byte at pa (boot map / direct map / model RAM). */
void	*plat_phys(paddr_t pa);
uint64_t plat_nsec(void);		/* 0 where time means nothing (TCG) */

enum probe_access { PROBE_READ, PROBE_WRITE, PROBE_EXEC };
struct probe_result {
	bool		ok;		/* the access completed */
	uint32_t	value;		/* word read (READ), unchanged otherwise */
	uint32_t	fault_code;	/* hardware error code when !ok */
	vaddr_t		fault_va;	/* faulting address when !ok */
};
/*
 * User-mode probes on a real CPU run a small code page (the trampoline)
 * that the platform maps at this user VA in the current pmap for the
 * duration of the probe; tests must leave it unmapped.
 */
#define KERN_USER_TRAMPOLINE_VA	(VM_MAXUSER_ADDRESS - PAGE_SIZE)

/* What a probe's fault_code says; `known` marks the fields this platform reports. */
struct fault_info {
	bool		protection;	/* the page was present: a permission fault */
	bool		write;
	bool		user;
	bool		fetch;		/* instruction fetch */
	unsigned	known;		/* FAULT_KNOWS_* */
};
#define FAULT_KNOWS_PROTECTION	0x1u
#define FAULT_KNOWS_WRITE	0x2u
#define FAULT_KNOWS_USER	0x4u
#define FAULT_KNOWS_FETCH	0x8u
void	plat_fault_decode(uint32_t fault_code, struct fault_info *);

/*
 * Allow or forbid kernel-mode access to user pages (RISC-V sstatus.SUM);
 * false if the platform has no such control (x86 here: SMAP is not used).
 */
bool	plat_kernel_user_access(bool allow);

/* Shared by the guest platforms' user probes (kern/uprobe.c). */
struct pmap *kern_uprobe_map(vaddr_t va, paddr_t tramp_pa);
void	kern_uprobe_unmap(struct pmap *);

/* Write this platform's return instruction at p (the target of EXEC probes). */
void	plat_plant_return(void *p);

/* Can this platform run probes in user mode?  On every CPU, or on CPU 0 only? */
bool	plat_probe_user_supported(void);
bool	plat_probe_user_any_cpu(void);
/*
 * Access the 32-bit word at va in the current address space, as the kernel
 * or (if supported) as user code: READ loads it, WRITE stores wval, EXEC
 * calls va, which must hold a return instruction.  A fault is recovered
 * and reported, never fatal.
 */
void	plat_probe(vaddr_t va, enum probe_access, bool user, uint32_t wval,
	    struct probe_result *);

/*
 * ---- Multiprocessor ----
 * CPU 0 is the boot CPU; the platform numbers the others 1 .. n-1 densely,
 * n <= PMAP_MAXCPUS.  Provided by the platform:
 *
 * plat_cpu_index: the calling CPU's number.  Cheap; callable in interrupt
 *   context, before and after plat_start_cpus.
 * plat_start_cpus: start every other CPU the machine has (at most
 *   PMAP_MAXCPUS in all, the rest ignored with a message).  Called once by
 *   kern/ after pmap_init(), on CPU 0.  Each started CPU runs on the kernel
 *   pmap's tables (the same root and paging controls as CPU 0), on its own
 *   stack, with its own trap vectors, user-probe state and fault recovery,
 *   interrupts off, and calls kern_cpu_start(), which does not return.
 *   Returns once every started CPU has reached kern_cpu_start (or panics
 *   naming the CPU that did not); the result is the number of CPUs running.
 * plat_ipi: interrupt `cpu` (never the caller).  On it the platform calls
 *   kern_ipi_intr() from the interrupt, with interrupts off, and returns to
 *   what it interrupted.  Callable with interrupts off.  IPIs may coalesce.
 * plat_intr_enable: enable (true) or disable (false) interrupts on this CPU;
 *   returns whether they were enabled.  Only the IPI is ever unmasked.
 * plat_cpu_wait: called with interrupts off; waits until an interrupt is
 *   pending or has been taken (x86 sti;hlt;cli), returns with interrupts off.
 *   An IPI sent after the caller's last look at its mailbox is not lost.
 * plat_cpu_relax: spin-loop hint (pause; nop).
 */
unsigned plat_cpu_index(void);
unsigned plat_start_cpus(void);
void	plat_ipi(unsigned cpu);
bool	plat_intr_enable(bool on);
void	plat_cpu_wait(void);
void	plat_cpu_relax(void);
/*
 * Check every CPU's TLB against the page tables: the number of entries a CPU
 * could still use although the tables no longer allow it (each printed), or
 * -1 where TLBs cannot be inspected (the guest: real hardware).
 */
int	plat_tlb_audit(void (*print)(const char *, ...));

/*
 * Provided by kern/ (kern/smp.c):
 * kern_cpu_start: a secondary CPU's life after plat_start_cpus set it up.
 * kern_ipi_intr: the IPI handler (TLB shootdown, wake-up).
 * kern_ncpus: CPUs running.
 * kern_xcall: run fn(arg) on `cpu` (the caller's own: directly) and wait
 *   until it returns; kern_xcall_async: start it and return at once,
 *   kern_xcall_wait: wait for it.  The function runs in the target's idle
 *   loop with interrupts on.  While waiting the caller serves IPIs.
 * kern_cpu_serve: run this CPU's posted cross-call, if any (the idle loop's
 *   step; the host platform calls it when it hands a CPU control).
 * kern_spin_poll: what every kernel spin-wait calls each round (serves a
 *   pending shootdown, so two CPUs never wait on each other).
 * kern_cpu_ipis: IPIs CPU `cpu` has taken.
 */
void	kern_cpu_start(void) __attribute__((noreturn));
void	kern_ipi_intr(void);
unsigned kern_ncpus(void);
void	kern_xcall(unsigned cpu, void (*fn)(void *), void *arg);
void	kern_xcall_async(unsigned cpu, void (*fn)(void *), void *arg);
void	kern_xcall_wait(unsigned cpu);
void	kern_spin_poll(void);
bool	kern_cpu_serve(void);
/* The test kernel's spin lock (kern/smp.c): waiting serves shootdowns. */
struct kspin {
	uint32_t	locked;
};
void	kspin_lock(struct kspin *);
void	kspin_unlock(struct kspin *);
/*
 * Kernel threads that move between CPUs, for the preemption test; only the
 * host model has them (elsewhere plat_thread_start returns false).
 * plat_thread_start: run fn(arg) in a new thread on a free CPU other than 0;
 * plat_thread_join: wait for every one started; plat_thread_switch: the
 * calling kernel thread gives its CPU up and takes another free one, or
 * its own again (true if it moved; either way another thread may have run
 * on the CPU meanwhile); plat_thread_self_arg: its arg, NULL outside one.
 */
bool	plat_thread_start(void (*fn)(void *), void *arg);
void	plat_thread_join(void);
bool	plat_thread_switch(void);
void	*plat_thread_self_arg(void);
/* The preemption test's hook and this CPU's disable depth (kern/smp.c). */
extern void (*kern_preempt_hook)(void);
unsigned kern_preempt_depth(void);
unsigned long kern_cpu_ipis(unsigned cpu);
void	kern_smp_init(void);	/* kern/main.c: start the other CPUs */

/*
 * Does the platform take this command-line word (w, len bytes), which kern/
 * does not know?  It has read and checked it itself (the host model's
 * cpus=N, say); false for a word it does not know either.
 */
bool	plat_cmdline_word(const char *w, size_t len);

/* ---- Provided by kern/ ---- */
/* The command line (kern/cmdline.c): words separated by spaces. */
bool	kern_parse_u64(const char *s, size_t len, uint64_t *vp);
const char *kern_cmdline_next(const char **cursor, size_t *lenp);
bool	kern_cmdline_key(const char *w, size_t len, const char *key,
	    const char **valp, size_t *vlenp);
const char *kern_cmdline_value(const char *cmdline, const char *key, size_t *lenp);
int	kvsnprintf(char *, size_t, const char *, va_list)
	    __attribute__((format(printf, 3, 0)));
int	ksnprintf(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	kprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
void	kvprintf(const char *, va_list) __attribute__((format(printf, 1, 0)));
void	kpanic(const char *, ...) __attribute__((noreturn, format(printf, 1, 2)));
void	kvpanic(const char *, va_list) __attribute__((noreturn, format(printf, 1, 0)));

#endif /* KERN_KERN_H */
