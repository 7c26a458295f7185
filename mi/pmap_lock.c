/*
 * The pmap lock: one lock, pmap-wide, serializes every pmap(9) call (each
 * starts with PMAP_LOCKED(), pmap_int.h).  It belongs to a CPU and is
 * recursive; a CPU spinning for it serves shootdowns meanwhile
 * (pmap_tlb_shootdown_poll), as the holder may be waiting for that CPU's
 * acknowledgement.  The outermost release completes this CPU's urgent
 * batch first (pmap_tlb_complete), so a call that may not defer work
 * returns with it done.
 */
#include "pmap_int.h"

static struct {
	volatile uint32_t owner;	/* CPU number + 1, 0 if free */
	unsigned	 depth;
} pmap_biglock;

unsigned
pmap_lock(void)
{
	uint32_t me = pmap_cpu_self() + 1;

	if (__atomic_load_n(&pmap_biglock.owner, __ATOMIC_RELAXED) == me) {
		pmap_biglock.depth++;
		return 0;
	}
	for (;;) {
		uint32_t free = 0;
		if (__atomic_compare_exchange_n(&pmap_biglock.owner, &free, me, false,
		    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			break;
		pmap_tlb_shootdown_poll();
	}
	pmap_biglock.depth = 1;
	return 0;
}

void
pmap_unlock(void)
{
	uint32_t me = pmap_cpu_self() + 1;

	KASSERTMSG(pmap_biglock.owner == me && pmap_biglock.depth > 0,
	    "pmap_unlock: CPU %u does not hold the pmap lock (owner %u, depth %u)",
	    me - 1, (unsigned)pmap_biglock.owner, pmap_biglock.depth);
	if (pmap_biglock.depth == 1 && pmap_tlb_urgent())
		pmap_tlb_flush_now();
	if (--pmap_biglock.depth == 0)
		__atomic_store_n(&pmap_biglock.owner, 0, __ATOMIC_RELEASE);
}

unsigned
pmap_lock_held(void)
{
	return pmap_biglock.owner == pmap_cpu_self() + 1 ? pmap_biglock.depth : 0;
}

void
pmap_panic_unwind(unsigned depth)
{
	KASSERTMSG(depth <= pmap_lock_held(), "pmap_panic_unwind: depth %u, held %u", depth,
	    pmap_lock_held());
	while (pmap_lock_held() > depth)
		pmap_unlock();
}

void
pmap_unlock_cleanup(unsigned *unused)
{
	(void)unused;
	pmap_unlock();
}
