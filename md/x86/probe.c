/*
 * plat_probe() for the x86 guest: the access really happens, in kernel mode,
 * through probe_access.S, and a page fault is recovered by trap.c.  QEMU's
 * MMU is the oracle.  User-mode (ring 3) probes are not implemented yet; the GDT
 * already has the user segments and the TSS they will need.
 */
#include <stdbool.h>
#include <stdint.h>

#include <kern.h>

#include "x86_guest.h"

volatile struct x86_onfault x86_onfault;

/* Contract (kern.h): can plat_probe run as user?  Not yet on x86. */
bool
plat_probe_user_supported(void)
{
	return false;
}

/* One armed access; fills the fault fields of r if it faulted. */
static bool
probe_kernel(vaddr_t va, enum probe_access access, uint32_t wval,
    struct probe_result *r)
{
	int error;

	switch (access) {
	case PROBE_READ:
		error = x86_probe_read(va, &r->value);
		break;
	case PROBE_WRITE:
		error = x86_probe_write(va, wval);
		break;
	case PROBE_EXEC:
		error = x86_probe_exec(va);
		break;
	default:
		kpanic("plat_probe: bad access %d at va %#x", (int)access,
		    (unsigned)va);
	}
	if (error == 0)
		return true;
	r->fault_code = x86_onfault.of_code;
	r->fault_va = x86_onfault.of_va;
	return false;
}

/*
 * Contract (kern.h): access the word at va in the current address space:
 * READ (r->value set only if the read completed), WRITE (wval stored) or
 * EXEC (va called; it must hold `ret`).  A page fault is reported in r
 * (fault_code = the #PF error code, fault_va = CR2), never fatal; any
 * other exception is.  user = true panics until ring-3 probes exist.
 */
void
plat_probe(vaddr_t va, enum probe_access access, bool user, uint32_t wval,
    struct probe_result *r)
{
	if (user)
		kpanic("plat_probe: user-mode probes not supported on this "
		    "platform yet");
	r->fault_code = 0;
	r->fault_va = 0;
	r->ok = probe_kernel(va, access, wval, r);
}
