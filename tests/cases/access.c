/*
 * The access matrix: every prot x access type x mode, on user pages, an
 * unmapped page and kernel pages, with the outcome and the decoded fault
 * (present/permission, write, user, fetch where the platform reports it).
 * Read-only holds for the kernel too (CR0.WP on x86).
 */
#include "t.h"

#define UVA	0x08000000u

struct ax_page {
	const char	*name;
	vm_prot_t	 prot;		/* VM_PROT_NONE: not mapped */
	bool		 kernel;
	vaddr_t		 va;
};

static bool
ax_expect(const struct ax_page *p, enum probe_access a, bool user)
{
	vm_prot_t eff = p->prot;

	if (p->prot == VM_PROT_NONE || (user && p->kernel))
		return false;
	if (!user && !p->kernel && a == PROBE_EXEC && (pmap_backend_caps() & PMAP_CAP_NO_KX_USER))
		return false;			/* RISC-V: S-mode never executes U pages */
	if (!(pmap_backend_caps() & PMAP_CAP_NX) && (eff & VM_PROT_READ))
		eff |= VM_PROT_EXECUTE;
	return a == PROBE_READ ? (eff & VM_PROT_READ) != 0 :
	    a == PROBE_WRITE ? (eff & VM_PROT_WRITE) != 0 : (eff & VM_PROT_EXECUTE) != 0;
}

void
t_access_matrix(struct tctx *t)
{
	struct pmap *pm = t_pmap(t);
	paddr_t pa = t_page(t);
	vaddr_t kva = t_kva(t, 2);
	struct ax_page pages[] = {
		{ "user r--", VM_PROT_READ, false, UVA },
		{ "user rw-", VM_PROT_READ | VM_PROT_WRITE, false, UVA + PAGE_SIZE },
		{ "user r-x", VM_PROT_READ | VM_PROT_EXECUTE, false, UVA + 2 * PAGE_SIZE },
		{ "user rwx", VM_PROT_ALL, false, UVA + 3 * PAGE_SIZE },
		{ "unmapped", VM_PROT_NONE, false, UVA + 4 * PAGE_SIZE },
		{ "kernel r--", VM_PROT_READ, true, kva },
		{ "kernel rw-", VM_PROT_READ | VM_PROT_WRITE, true, kva + PAGE_SIZE },
	};
	static const char *const acc[] = { "read", "write", "exec" };
	unsigned n = 0, user_skipped = 0;
	bool user_ok;

	plat_plant_return((uint8_t *)plat_phys(pa) + 8);	/* for exec probes */
	pmap_activate(pm);
	for (unsigned i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		if (pages[i].prot == VM_PROT_NONE)
			continue;
		if (pages[i].kernel)
			pmap_kenter_pa(pages[i].va, pa, pages[i].prot, 0);
		else
			T_EQ(t, pmap_enter(pm, pages[i].va, pa, pages[i].prot, 0), 0);
	}
	pmap_update(pm);
	for (unsigned i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		const struct ax_page *p = &pages[i];
		for (int a = PROBE_READ; a <= PROBE_EXEC; a++) {
			for (int user = 0; user <= 1; user++) {
				struct probe_result r;
				struct fault_info f;
				if (user && !plat_probe_user_supported()) {
					user_skipped++;
					continue;
				}
				vaddr_t va = p->va + (a == PROBE_EXEC ? 8 : 0);
				plat_probe(va, (enum probe_access)a, user, 0, &r);
				bool want = ax_expect(p, (enum probe_access)a, user);
				n++;
				T_ASSERT(t, r.ok == want, "%s %s %s: %s, expected %s", p->name,
				    user ? "user" : "kernel", acc[a], r.ok ? "ok" : "fault",
				    want ? "ok" : "fault");
				if (r.ok)
					continue;
				plat_fault_decode(r.fault_code, &f);
				T_ASSERT(t, r.fault_va == va,
				    "%s %s %s: fault va %#" PMAP_PRIxVADDR, p->name,
				    user ? "user" : "kernel", acc[a], r.fault_va);
				user_ok = f.user == (bool)user;
				T_ASSERT(t, !(f.known & FAULT_KNOWS_PROTECTION) ||
				    f.protection == (p->prot != VM_PROT_NONE),
				    "%s %s %s: code %#x present bit", p->name, user ? "user" :
				    "kernel", acc[a], r.fault_code);
				T_ASSERT(t, !(f.known & FAULT_KNOWS_WRITE) ||
				    f.write == (a == PROBE_WRITE), "%s %s %s: code %#x write bit",
				    p->name, user ? "user" : "kernel", acc[a], r.fault_code);
				T_ASSERT(t, !(f.known & FAULT_KNOWS_USER) || user_ok,
				    "%s %s %s: code %#x user bit", p->name, user ? "user" : "kernel",
				    acc[a], r.fault_code);
				T_ASSERT(t, !(f.known & FAULT_KNOWS_FETCH) ||
				    f.fetch == (a == PROBE_EXEC), "%s %s %s: code %#x fetch bit",
				    p->name, user ? "user" : "kernel", acc[a], r.fault_code);
			}
		}
	}
	kprintf("# access matrix: %u prot x access x mode combinations checked%s\n", n,
	    user_skipped ? " (user mode not available here)" : "");
	pmap_kremove(kva, 2 * PAGE_SIZE);
	pmap_update(pmap_kernel());
}

/*
 * Kernel access to user pages where the platform can forbid it (RISC-V
 * sstatus.SUM): with it off, kernel loads and stores to a user page fault,
 * with it on they work; the kernel never executes user pages there.
 */
void
t_kernel_user_access(struct tctx *t)
{
	struct pmap *pm = t_pmap(t);
	paddr_t pa = t_page(t);
	uint32_t v;

	pmap_activate(pm);
	T_EQ(t, pmap_enter(pm, UVA, pa, VM_PROT_ALL, 0), 0);
	pmap_update(pm);
	T_ASSERT(t, t_write(UVA, 0x77) && t_read(UVA, &v) && v == 0x77);
	if (!plat_kernel_user_access(false))
		T_SKIP(t, "this platform does not restrict kernel access to user pages");
	bool rd = t_read(UVA, &v), wr = t_write(UVA, 1);
	plat_kernel_user_access(true);
	T_ASSERT(t, !rd && !wr, "kernel %s a user page with access forbidden",
	    rd ? "read" : "wrote");
	T_ASSERT(t, t_read(UVA, &v) && v == 0x77, "kernel access after allowing it again");
	kprintf("# kernel loads/stores to user pages fault with access forbidden, work with it "
	    "allowed\n");
}
