/*
 * Locks: a spin lock per pmap, one for the list of user pmaps, and one in
 * each struct pmap_page (pp_lock).  What each protects, the order they are
 * taken in, and why page-level operations only try a pmap's lock: docs/
 * design.md, "Locking".  This file enforces the order (CONFIG_PMAP_DEBUG:
 * a wait for a lock of the same or a lower rank than one held panics,
 * naming both; two page locks only in address order).
 *
 * Every lock is taken with preemption disabled (the kernel's
 * pmap_kern_preempt_disable) and it is enabled again when the lock is
 * released.  A CPU spinning for a lock serves shootdowns meanwhile (the
 * holder may be waiting for this CPU's acknowledgement).  Every CPU keeps
 * the stack of locks it holds: pmap_lock_held() and pmap_panic_unwind()
 * use it.  struct pmaps are never given back to the kernel, so a lock word
 * stays a lock word (pmap_lock_wait reads one of a pmap that may be gone).
 */
#include "pmap_int.h"


struct pmap_percpu pmap_percpu[PMAP_MAXCPUS];	/* pmap_int.h */
_Static_assert(PMAP_MAXCPUS < PMAP_SPIN_CPU, "a lock word's low half holds a CPU + 1");

static struct pmap_spin pmap_users_spin;

static const char *const pmap_lock_class_names[] = {
	[PMAP_LC_PMAP] = "pmap lock", [PMAP_LC_USERS] = "user-pmap list lock",
	[PMAP_LC_PAGE] = "page lock",
};

void
pmap_cpu_bad(unsigned c)
{
	pmap_kern_panic("pmap_cpu_self: CPU %u beyond PMAP_MAXCPUS %u", c, (unsigned)PMAP_MAXCPUS);
}

/*
 * A held lock's class: the user-pmap list's by its address, a pmap's by the
 * depth in its word (a held pmap lock's is 1 or more, a page lock's 0).
 * Only for a lock this CPU holds, whose word no other CPU changes.
 */
static enum pmap_lock_class
pmap_lock_class_of(const struct pmap_spin *l)
{
	if (l == &pmap_users_spin)
		return PMAP_LC_USERS;
	return __atomic_load_n(&l->ps_owner, __ATOMIC_RELAXED) >= PMAP_SPIN_DEPTH1 ?
	    PMAP_LC_PMAP : PMAP_LC_PAGE;
}

#ifdef CONFIG_PMAP_DEBUG
/*
 * Waiting for l (class cls) while holding a lock of the same or a higher
 * rank, but a page lock at a lower address: panic.
 */
static void
pmap_lock_order_check(struct pmap_lock_cpu *lc, struct pmap_spin *l, enum pmap_lock_class cls)
{
	if (lc->page != NULL)
		pmap_kern_panic("pmap lock order: CPU %u waits for the %s %p while holding "
		    "the page lock %p", pmap_cpu_self(), pmap_lock_class_names[cls],
		    (void *)l, (void *)lc->page);
	for (unsigned i = 1; i <= lc->n; i++) {
		enum pmap_lock_class hc = pmap_lock_class_of(lc->held[i]);
		if ((hc > cls || (hc == cls && !(cls == PMAP_LC_PAGE && lc->held[i] < l))) &&
		    lc->held[i] != l)
			pmap_kern_panic("pmap lock order: CPU %u waits for the %s %p while holding "
			    "the %s %p", pmap_cpu_self(), pmap_lock_class_names[cls], (void *)l,
			    pmap_lock_class_names[hc], (void *)lc->held[i]);
	}
}
#endif

/* Until l is free (not taking it), serving shootdowns meanwhile. */
static void
pmap_spin_wait_free(const struct pmap_spin *l)
{
	while (__atomic_load_n(&l->ps_owner, __ATOMIC_RELAXED) != 0) {
		pmap_tlb_shootdown_poll();
		pmap_kern_cpu_relax();
	}
}

/* Take l for owner me, waiting while it is busy; with try, false at once instead. */
static bool
pmap_spin_take(struct pmap_spin *l, uint32_t me, bool try)
{
	for (;;) {
		uint32_t free = 0;
		if (__atomic_compare_exchange_n(&l->ps_owner, &free, me, false,
		    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return true;
		if (try)
			return false;
		PMAP_STAT_INC(lock_spins);
		pmap_spin_wait_free(l);
	}
}

/*
 * pmap_spin_acquire's slow way, preemption already off on `cpu`: a lock
 * this CPU holds (a pmap's: one level deeper), a busy one (wait, serving
 * shootdowns meanwhile; a try gives up), the held stack full.
 */
unsigned
pmap_spin_acquire_slow(struct pmap_spin *l, enum pmap_lock_class cls, bool try, unsigned cpu)
{
	struct pmap_lock_cpu *lc = &pmap_percpu[cpu].lock;
	uint32_t me = cpu + 1;

	KASSERTMSG(lc->n < PMAP_HELD_MAX, "pmap_spin_acquire: CPU %u holds %u locks already",
	    cpu, lc->n);
	uint32_t owner = __atomic_load_n(&l->ps_owner, __ATOMIC_RELAXED);
	if ((owner & PMAP_SPIN_CPU) == me) {
		KASSERTMSG(cls == PMAP_LC_PMAP, "pmap_spin_acquire: CPU %u takes the %s %p again",
		    cpu, pmap_lock_class_names[cls], (void *)l);
		KASSERTMSG(owner < ~PMAP_SPIN_CPU, "pmap_spin_acquire: CPU %u holds %p %u deep",
		    cpu, (void *)l, owner / PMAP_SPIN_DEPTH1);
		__atomic_store_n(&l->ps_owner, owner + PMAP_SPIN_DEPTH1, __ATOMIC_RELAXED);
	} else {
#ifdef CONFIG_PMAP_DEBUG
		if (!try)
			pmap_lock_order_check(lc, l, cls);
#endif
		if (!pmap_spin_take(l, PMAP_SPIN_OWNER(cls, cpu), try)) {
			pmap_kern_preempt_enable();
			return PMAP_NOCPU;
		}
	}
	lc->held[++lc->n] = l;
	return cpu;
}

/* pmap_spin_release's slow way: a recursive hold, a release out of order, or a bad one. */
void
pmap_spin_release_slow(struct pmap_spin *l, unsigned cpu)
{
	struct pmap_lock_cpu *lc = &pmap_percpu[cpu].lock;
	uint32_t me = cpu + 1;
	unsigned i = lc->n;

	while (i > 0 && lc->held[i] != l)
		i--;
	uint32_t owner = __atomic_load_n(&l->ps_owner, __ATOMIC_RELAXED);
	bool recursive = owner >= PMAP_SPIN_DEPTH1;	/* a pmap's (pmap_lock_class_of) */
	KASSERTMSG(i > 0 && (owner & PMAP_SPIN_CPU) == me,
	    "pmap_spin_release: CPU %u does not hold lock %p (owner %u)",
	    cpu, (void *)l, (unsigned)(owner & PMAP_SPIN_CPU));
	for (; i < lc->n; i++)
		lc->held[i] = lc->held[i + 1];
	lc->n--;
	if (recursive && owner >= 2 * PMAP_SPIN_DEPTH1)	/* one level less */
		__atomic_store_n(&l->ps_owner, owner - PMAP_SPIN_DEPTH1, __ATOMIC_RELAXED);
	else
		__atomic_store_n(&l->ps_owner, 0, __ATOMIC_RELEASE);
	pmap_kern_preempt_enable();
}

/* The checks before a brief page lock is taken: none held, the order. */
static void
pmap_page_spin_brief_check(struct pmap_spin *l, unsigned cpu)
{
	struct pmap_lock_cpu *lc = &pmap_percpu[cpu].lock;

	KASSERTMSG(lc->page == NULL, "pmap page lock: CPU %u waits for the page "
	    "lock %p holding the page lock %p", cpu, (void *)l, (void *)lc->page);
#ifdef CONFIG_PMAP_DEBUG
	pmap_lock_order_check(lc, l, PMAP_LC_PAGE);
#endif
}

/* Take a brief page lock, waiting while it is busy: after the checks. */
void
pmap_page_spin_wait_brief(struct pmap_spin *l, unsigned cpu)
{
	pmap_page_spin_brief_check(l, cpu);
	(void)pmap_spin_take(l, PMAP_SPIN_OWNER(PMAP_LC_PAGE, cpu), false);
}

/* pmap_spin_try_brief with CONFIG_PMAP_DEBUG: the checks, then one try. */
bool
pmap_spin_try_brief_checked(struct pmap_spin *l, enum pmap_lock_class cls, unsigned cpu)
{
	if (cls == PMAP_LC_PAGE)
		pmap_page_spin_brief_check(l, cpu);
#ifdef CONFIG_PMAP_DEBUG
	else
		pmap_lock_order_check(&pmap_percpu[cpu].lock, l, cls);
#endif
	return pmap_spin_take(l, PMAP_SPIN_OWNER(cls, cpu), true);
}

/* A lock this CPU holds once, not recorded (a brief hold): push it on the held stack. */
void
pmap_spin_record(struct pmap_spin *l, unsigned cpu)
{
	struct pmap_lock_cpu *lc = &pmap_percpu[cpu].lock;

	KASSERTMSG(lc->n < PMAP_HELD_MAX, "pmap_spin_acquire: CPU %u holds %u locks already",
	    cpu, lc->n);
	lc->held[++lc->n] = l;
}

void
pmap_brief_release_bad(struct pmap *pm, unsigned cpu)
{
	pmap_kern_panic("pmap lock: CPU %u releases the brief hold of pmap %p, whose lock word "
	    "is %#x (urgent batch %d)", cpu, (void *)pm,
	    (unsigned)__atomic_load_n(&pm->pm_lock.ps_owner, __ATOMIC_RELAXED),
	    (int)pm->pm_batch.urgent);
}

void
pmap_page_spin_release_brief_bad(struct pmap_spin *l, unsigned cpu)
{
	pmap_kern_panic("pmap page lock: CPU %u releases the brief page lock %p, whose word "
	    "is %#x", cpu, (void *)l, (unsigned)__atomic_load_n(&l->ps_owner, __ATOMIC_RELAXED));
}

/* ---- pmap locks ---- */

bool
pmap_locked(const struct pmap *pm)
{
	return (__atomic_load_n(&pm->pm_lock.ps_owner, __ATOMIC_RELAXED) & PMAP_SPIN_CPU) ==
	    pmap_cpu_self() + 1;
}

/* Until pm's lock is free (not taking it): a page operation waits so before retrying. */
void
pmap_lock_wait(struct pmap *pm)
{
	pmap_spin_wait_free(&pm->pm_lock);
}

/* ---- the user-pmap list lock and the page locks ---- */

void
pmap_users_lock(void)
{
	pmap_spin_acquire(&pmap_users_spin, PMAP_LC_USERS, false);
}

void
pmap_users_unlock(void)
{
	pmap_spin_release(&pmap_users_spin, pmap_cpu_self());
}

void
pmap_users_unlock_cleanup(unsigned *unused)
{
	(void)unused;
	pmap_users_unlock();
}

bool
pmap_users_locked(void)
{
	return __atomic_load_n(&pmap_users_spin.ps_owner, __ATOMIC_RELAXED) ==
	    PMAP_SPIN_OWNER(PMAP_LC_USERS, pmap_cpu_self());
}

/* ---- preemption alone (per-CPU state without a pmap: windows for zero/copy) ---- */

void
pmap_pin(void)
{
	pmap_kern_preempt_disable();
}

void
pmap_unpin(unsigned *unused)
{
	(void)unused;
	pmap_kern_preempt_enable();
}

/* ---- for a kernel whose panic returns (pmap_kern.h) ---- */

unsigned
pmap_lock_held(void)
{
	pmap_kern_preempt_disable();
	unsigned n = pmap_percpu[pmap_cpu_self()].lock.n;
	pmap_kern_preempt_enable();
	return n;
}

/*
 * After a panic that returned: release, newest first, the locks this CPU
 * took since it held `depth`, as their holders would have (a pmap's batch
 * completes).
 */
void
pmap_panic_unwind(unsigned depth)
{
	pmap_kern_preempt_disable();
	unsigned cpu = pmap_cpu_self();
	struct pmap_lock_cpu *lc = &pmap_percpu[cpu].lock;

	KASSERTMSG(depth <= lc->n, "pmap_panic_unwind: depth %u, held %u", depth, lc->n);
	if (lc->page != NULL) {	/* a brief page lock, named for the call that panicked */
		pmap_page_spin_release_brief(lc->page, cpu);
		lc->page = NULL;
	}
	if (lc->pmap != NULL) {	/* pmap_enter's fast path panicked: its brief hold */
		struct pmap *pm = lc->pmap;
		lc->pmap = NULL;
		pmap_brief_release(pm, cpu);	/* preemption on again, as the hold's end would */
	}
	while (lc->n > depth) {
		struct pmap_spin *h = lc->held[lc->n];
		if (pmap_lock_class_of(h) == PMAP_LC_PMAP)
			pmap_unlock((struct pmap *)((char *)h - offsetof(struct pmap, pm_lock)));
		else
			pmap_spin_release(h, cpu);
	}
	pmap_kern_preempt_enable();
}
