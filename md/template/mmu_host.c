/*
 * TODO(port): the host model of this MMU (docs/PORTING.md step 5, "The
 * host MMU model").  It stands in for the hardware in the host programs
 * (the suite, its ASan/UBSan build, the fuzzer, libpmapkit-model.a), over
 * the strict TLB of tests/host/tlb.c, which keeps every translation until
 * an invalidation removes it.  Replace this paragraph with what the model
 * checks, cite the manual, and say where it is stricter than QEMU.
 *
 * Besides the functions below, the model implements the CPU primitives
 * the backend calls (satp/CR3 writes, TLB invalidation, the kva hook),
 * declared in the platform's cpufunc.h under PMAP_HOST: md/riscv-sv32/
 * mmu_host.c implements md/riscv's.  Every piece of CPU state (control
 * registers, cached root entries) is kept per simulated CPU, indexed by
 * model_cpu.  Something real hardware would not survive ends the run
 * with model_fatal().
 *
 * On md/x86 the shared md/x86/cpu_host.c already provides everything
 * below: delete it and write x86_model_walk, x86_model_set_dirty,
 * x86_model_cr3_loaded, x86_model_leaf and model_boot instead
 * (md/i386/mmu_host.c).
 *
 * The model runs before the pmap does (pmap_model_init calls
 * model_ram_layout, then model_boot), so the host program's first stop is
 * here.  Each body below panics until it is written.
 */
#include <string.h>

#include <pmap/pmap.h>
#include "kern.h"		/* struct fault_info, for model_fault_decode */
#include "host/model.h"
#include "host/tlb.h"

/*
 * The tables in model_ram change under the walk: other CPUs' pmaps store,
 * swap and compare-and-swap entries (pmap/pte_atomic.h) while this CPU
 * translates, as on hardware, and the simulated CPUs may run at once, a
 * thread each.  So nothing here (walk, audit walk, set-dirty) reads an
 * entry plainly: each is read once, with tmpl_model_pte_load (acquire: a
 * table newly hooked in was zeroed with plain stores before the release
 * store that published it).  Where the MMU sets A/D itself, it does so
 * with tmpl_model_pte_cas, from exactly the value the walk read to that
 * value with A (and D) set, never by a read-modify-write of the entry; if
 * that fails, another CPU removed or changed the entry meanwhile, and the
 * walk starts again from the root:
 *
 *	for (;;) {
 *		walk from the root, each entry once with tmpl_model_pte_load;
 *		return false (a fault) where the entries or the rights say so;
 *		set = pte | A | (acc == PMAP_MODEL_WRITE ? D : 0);
 *		if (set == pte || tmpl_model_pte_cas(ep, &pte, set))
 *			break;		(no store where A/D are set already)
 *	}
 *
 * State every CPU touches (a counter of the model's) is updated with
 * atomic operations too; what model_boot sets once may stay plain.  Either
 * macro takes an entry of any width.
 */
#define tmpl_model_pte_load(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define tmpl_model_pte_cas(p, oldp, newv) \
	__atomic_compare_exchange_n((p), (oldp), (newv), false, __ATOMIC_ACQ_REL, \
	    __ATOMIC_RELAXED)

/*
 * Fill bi's RAM regions for mem bytes as the backend's QEMU machine lays
 * them out (bi->nregions, bi->regions[]; RAM from PMAP_RAM_BASE), and
 * return the size of the model's RAM array: its highest address + 1
 * (reserved sparsely, so holes cost nothing).  A region the guest cannot
 * reach (above the PA width QEMU really walks) may be added to test the
 * full width, as the sv32 model does.  Called once, first, before
 * model_ram exists.  Tests: every host run; the matrix's host rows.
 */
uint64_t
model_ram_layout(struct pmap_model_boot *bi, uint64_t mem)
{
	(void)bi, (void)mem;
	model_fatal("md/template: model_ram_layout: lay out RAM as the QEMU machine does "
	    "(PORTING.md step 5)");
}

/*
 * What the guest's entry code leaves behind, on CPU 0: build in model_ram
 * the boot map ([PMAP_KERNBASE, + PMAP_BOOTMAP_SIZE) to [PMAP_RAM_BASE,
 * + PMAP_BOOTMAP_SIZE)), turn paging on, and set bi->kernel_end_pa (RAM
 * below it, holding the boot tables, is kept), bi->text_start_pa and
 * bi->text_end_pa (a stand-in text range below kernel_end_pa) and
 * bi->platform ("host-model-<b>").  Called once, after model_ram_layout.
 * Tests: every host run; t_kernel_image_protection.
 */
void
model_boot(struct pmap_model_boot *bi)
{
	(void)bi;
	model_fatal("md/template: model_boot: build the boot map and turn paging on "
	    "(PORTING.md step 5)");
}

/*
 * Translate va for an access (READ, WRITE, EXEC) in user or supervisor
 * mode on CPU model_cpu, as the hardware would: model_tlb_lookup first;
 * otherwise walk the tables in model_ram, check permissions, set A/D in
 * memory (or fault, where the MMU does not set them) and model_tlb_insert,
 * as the loop above shows.  On the first write through an entry cached
 * clean, set D as the hardware does (the same compare-and-swap, if the
 * entry still maps the page).  True and the physical address in *pap, or
 * false and the hardware's fault code in *fault_code.  Paging off: *pap =
 * va.
 * Tests: every probe; t_access_matrix, t_tlb_model_catches_missing_invalidation.
 */
bool
model_translate(vaddr_t va, enum pmap_model_access acc, bool user, uint64_t *pap,
    uint32_t *fault_code)
{
	(void)va, (void)acc, (void)user, (void)pap, (void)fault_code;
	model_fatal("md/template: model_translate: the TLB lookup and the page walk "
	    "(PORTING.md step 5)");
}

/*
 * CPU model_cpu starts as a trampoline leaves it: in the boot state
 * model_boot made (the boot map's root and controls) with an empty TLB
 * (model_tlb_inval / model_tlb_flush), so that pmap_cpu_init must move it
 * to the kernel pmap.  Called for CPUs 1 .. n - 1 after model_boot.
 * Tests: every host run with cpus= above 1; t_smp_*.
 */
void
model_cpu_start(void)
{
	model_fatal("md/template: model_cpu_start: a CPU starting on the boot map "
	    "(PORTING.md step 5)");
}

/*
 * The running CPU's stale TLB entries: model_tlb_check with the current
 * ASID (0 without) and a walk of the current tables without side effects
 * (1 and the leaf, 0 unmapped, -1 when cached root entries disagree with
 * memory).  Returns their number, each printed; 0 with paging off.
 * Tests: the TLB audit after every pmap_update (plat_tlb_audit).
 */
int
model_tlb_audit(void (*print)(const char *, ...))
{
	(void)print;
	model_fatal("md/template: model_tlb_audit: compare this CPU's TLB with the tables "
	    "(PORTING.md step 5)");
}

/*
 * What a fault code of this MMU says (the same code the guest platform's
 * trap handler gets): permission fault or not present, write, user,
 * instruction fetch, and in f->known the FAULT_KNOWS_* bits of the
 * fields the code really reports (kern/kern.h).  Share the decoding with
 * the guest platform through a macro in its cpufunc.h (X86_PF_DECODE,
 * RV_FAULT_DECODE).  Tests: t_access_matrix.
 */
void
model_fault_decode(uint32_t fault_code, struct fault_info *f)
{
	(void)fault_code, (void)f;
	model_fatal("md/template: model_fault_decode: decode a fault code "
	    "(PORTING.md step 5)");
}

/*
 * Forbid (false) or allow kernel loads and stores to user pages (RISC-V
 * sstatus.SUM, x86 SMAP); return false where the MMU has no such control.
 * Tests: t_kernel_user_access.
 */
bool
model_kernel_user_access(bool allow)
{
	(void)allow;
	model_fatal("md/template: model_kernel_user_access: the supervisor-access-to-user "
	    "control, or return false (PORTING.md step 5)");
}
