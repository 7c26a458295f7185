/*
 * x86 privileged instructions, and kernel-VA dereference, for code shared by
 * the guest and the host build.  In the guest they are the instructions; on
 * the host (PMAP_HOST) they are calls into the MMU model, which keeps a
 * strict TLB, so md/ code is exercised unchanged against it.
 */
#ifndef MD_X86_CPUFUNC_H
#define MD_X86_CPUFUNC_H

#include <stdint.h>

#define CR0_PE		0x00000001u
#define CR0_WP		0x00010000u
#define CR0_PG		0x80000000u
#define CR4_PSE		0x00000010u
#define CR4_PAE		0x00000020u
#define CR4_PGE		0x00000080u
#define CR4_LA57	0x00001000u	/* 5-level paging (long mode) */
#define CR4_PCIDE	0x00020000u	/* CR3[11:0] is the PCID (long mode) */
#define CR3_NOFLUSH	(1ull << 63)	/* PCIDE: a CR3 load keeps the new PCID's entries */
#define CR3_PCID_MASK	0xFFFu

#define CPUID_1_EDX_PSE	(1u << 3)
#define CPUID_1_EDX_PAE	(1u << 6)
#define CPUID_1_EDX_PGE	(1u << 13)
#define CPUID_1_EDX_PSE36 (1u << 17)
#define CPUID_1_ECX_PCID (1u << 17)
#define CPUID_7_EBX_INVPCID (1u << 10)	/* leaf 7 subleaf 0 */
#define CPUID_7_ECX_LA57 (1u << 16)
#define CPUID_EXT_EDX_NX (1u << 20)	/* leaf 0x80000001 */
#define CPUID_EXT_EDX_PAGE1GB (1u << 26)
#define CPUID_EXT_EDX_LM (1u << 29)
#define CPUID_EXT_ADDR	0x80000008u	/* EAX[7:0]: physical-address bits */

#define MSR_EFER	0xC0000080u
#define EFER_LME	(1u << 8)	/* long mode enable */
#define EFER_LMA	(1u << 10)	/* long mode active */
#define EFER_NXE	(1u << 11)

/* #PF error code (Intel SDM vol. 3A, 4.7, Figure 4-12). */
#define PF_P		0x01u	/* protection violation (else not present) */
#define PF_W		0x02u	/* write access */
#define PF_U		0x04u	/* user-mode access */
#define PF_RSVD		0x08u	/* reserved bit set in a paging entry */
#define PF_I		0x10u	/* instruction fetch (with NX or SMEP enabled) */

/* Decode a #PF error code; the fetch bit is reported only when nx_on. */
#define X86_PF_DECODE(code, f, nx_on) do {					\
	(f)->protection = ((code) & PF_P) != 0;					\
	(f)->write = ((code) & PF_W) != 0;					\
	(f)->user = ((code) & PF_U) != 0;					\
	(f)->fetch = ((code) & PF_I) != 0;					\
	(f)->known = FAULT_KNOWS_PROTECTION | FAULT_KNOWS_WRITE | FAULT_KNOWS_USER | \
	    ((nx_on) ? FAULT_KNOWS_FETCH : 0);					\
} while (0)

/*
 * Control registers are as wide as the mode: 32 bits in the i386 guest, 64
 * in the amd64 guest and on the host (the model holds 64).
 */
typedef unsigned long x86_reg_t;

/* INVPCID types (SDM vol. 2A, INVPCID). */
#define INVPCID_ADDR		0	/* one address of one PCID, not global */
#define INVPCID_CONTEXT		1	/* everything of one PCID, not global */
#define INVPCID_ALL_GLOBAL	2	/* everything, every PCID, global too */
#define INVPCID_ALL		3	/* everything of every PCID but global */

#ifdef PMAP_HOST
x86_reg_t x86_rcr0(void);
void	x86_lcr0(x86_reg_t);
x86_reg_t x86_rcr3(void);
void	x86_lcr3(x86_reg_t);
x86_reg_t x86_rcr4(void);
void	x86_lcr4(x86_reg_t);
void	x86_invlpg(uint64_t va);
void	x86_invpcid(unsigned type, unsigned pcid, uint64_t va);
void	x86_cpuid(uint32_t leaf, uint32_t regs[4]);
uint64_t x86_rdmsr(uint32_t msr);
void	x86_wrmsr(uint32_t msr, uint64_t v);
/* Pointer to kernel VA va, translated as a supervisor write through the model. */
void	*x86_kva(uint64_t va);
#else
static inline x86_reg_t x86_rcr0(void) { x86_reg_t v; __asm__ volatile("mov %%cr0,%0" : "=r"(v)); return v; }
static inline void x86_lcr0(x86_reg_t v) { __asm__ volatile("mov %0,%%cr0" :: "r"(v) : "memory"); }
static inline x86_reg_t x86_rcr3(void) { x86_reg_t v; __asm__ volatile("mov %%cr3,%0" : "=r"(v)); return v; }
static inline void x86_lcr3(x86_reg_t v) { __asm__ volatile("mov %0,%%cr3" :: "r"(v) : "memory"); }
static inline x86_reg_t x86_rcr4(void) { x86_reg_t v; __asm__ volatile("mov %%cr4,%0" : "=r"(v)); return v; }
static inline void x86_lcr4(x86_reg_t v) { __asm__ volatile("mov %0,%%cr4" :: "r"(v) : "memory"); }
static inline void x86_invlpg(uintptr_t va) { __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory"); }
#ifdef __x86_64__
/* The descriptor is {PCID, linear address}, 16 bytes (SDM vol. 2A, INVPCID). */
static inline void x86_invpcid(unsigned type, unsigned pcid, uint64_t va)
{
	struct { uint64_t pcid, va; } d = { pcid, va };
	__asm__ volatile("invpcid %0,%1" :: "m"(d), "r"((uint64_t)type) : "memory");
}
#endif
static inline void x86_cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	    : "a"(leaf), "c"(0));
}
static inline uint64_t x86_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}
static inline void x86_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}
static inline void *x86_kva(uintptr_t va) { return (void *)va; }
#endif

#endif /* MD_X86_CPUFUNC_H */
