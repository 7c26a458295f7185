/*
 * RISC-V supervisor instructions and CSRs, and kernel-VA dereference, for
 * code shared by the guest and the host build (as md/x86/cpufunc.h is for
 * x86).  In the guest they are the instructions; on the host (PMAP_HOST)
 * calls into the sv32 MMU model with its strict TLB.
 */
#ifndef MD_RISCV_CPUFUNC_H
#define MD_RISCV_CPUFUNC_H

#include <stdint.h>

#define SATP_MODE_SV32		0x80000000u
#define SATP_ASID_SHIFT		22
#define SATP_ASID_MASK		0x1FFu
#define SATP_PPN_MASK		0x003FFFFFu

#define SSTATUS_SUM		(1u << 18)	/* S-mode may access U pages */
#define SSTATUS_MXR		(1u << 19)

/* scause values of page faults (privileged spec, Table 4.2). */
#define SCAUSE_FETCH_PAGE_FAULT	12
#define SCAUSE_LOAD_PAGE_FAULT	13
#define SCAUSE_STORE_PAGE_FAULT	15

/* Decode a page fault's scause: it tells the access type, not the cause or the mode. */
#define RV_FAULT_DECODE(code, f) do {						\
	(f)->protection = (f)->user = false;					\
	(f)->write = (code) == SCAUSE_STORE_PAGE_FAULT;				\
	(f)->fetch = (code) == SCAUSE_FETCH_PAGE_FAULT;				\
	(f)->known = FAULT_KNOWS_WRITE | FAULT_KNOWS_FETCH;			\
} while (0)

/* CSRs are XLEN wide: unsigned long on rv32 and rv64 alike, and on the host. */
#ifdef PMAP_HOST
unsigned long rv_read_satp(void);
void	rv_write_satp(unsigned long);
unsigned long rv_read_sstatus(void);
void	rv_write_sstatus(unsigned long);
/* sfence.vma va, asid; va == 0 with all_va, asid == 0 with all_asid mean x0. */
void	rv_sfence_vma(unsigned long va, unsigned long asid, int all_va, int all_asid);
/*
 * Svinval: sinval.vma (arguments as rv_sfence_vma's), ordered after the
 * table stores before sfence.w.inval and before the walks after
 * sfence.inval.ir.  An illegal instruction on a hart without Svinval.
 */
void	rv_sinval_vma(unsigned long va, unsigned long asid, int all_va, int all_asid);
void	rv_sfence_w_inval(void);
void	rv_sfence_inval_ir(void);
void	*rv_kva(unsigned long va);
#else
static inline unsigned long rv_read_satp(void) { unsigned long v; __asm__ volatile("csrr %0, satp" : "=r"(v)); return v; }
static inline void rv_write_satp(unsigned long v) { __asm__ volatile("csrw satp, %0" :: "r"(v) : "memory"); }
static inline unsigned long rv_read_sstatus(void) { unsigned long v; __asm__ volatile("csrr %0, sstatus" : "=r"(v)); return v; }
static inline void rv_write_sstatus(unsigned long v) { __asm__ volatile("csrw sstatus, %0" :: "r"(v) : "memory"); }
/*
 * sfence.vma (funct7 0x09) and Svinval's sinval.vma (0x0b; clang 14 has no
 * mnemonic for it): SYSTEM, rs1 = va or x0 (all_va), rs2 = asid or x0
 * (all_asid).  Svinval's fences are funct7 0x0c with rs2 = 0 / 1.
 */
#define RV_VMA_INSN(f7, va, asid, all_va, all_asid) do {					\
	if ((all_va) && (all_asid))								\
		__asm__ volatile(".insn r 0x73, 0, " #f7 ", x0, x0, x0" ::: "memory");		\
	else if (all_va)									\
		__asm__ volatile(".insn r 0x73, 0, " #f7 ", x0, x0, %0" :: "r"(asid) : "memory");	\
	else if (all_asid)									\
		__asm__ volatile(".insn r 0x73, 0, " #f7 ", x0, %0, x0" :: "r"(va) : "memory");	\
	else											\
		__asm__ volatile(".insn r 0x73, 0, " #f7 ", x0, %0, %1" :: "r"(va), "r"(asid) :	\
		    "memory");									\
} while (0)
static inline void rv_sfence_vma(unsigned long va, unsigned long asid, int all_va, int all_asid)
{
	RV_VMA_INSN(0x09, va, asid, all_va, all_asid);
}
static inline void rv_sinval_vma(unsigned long va, unsigned long asid, int all_va, int all_asid)
{
	RV_VMA_INSN(0x0b, va, asid, all_va, all_asid);
}
static inline void rv_sfence_w_inval(void) { __asm__ volatile(".insn r 0x73, 0, 0x0c, x0, x0, x0" ::: "memory"); }
static inline void rv_sfence_inval_ir(void) { __asm__ volatile(".insn r 0x73, 0, 0x0c, x0, x0, x1" ::: "memory"); }
static inline void *rv_kva(unsigned long va) { return (void *)(uintptr_t)va; }
#endif

#endif /* MD_RISCV_CPUFUNC_H */
