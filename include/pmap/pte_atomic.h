/*
 * The entry accessors every backend's <pte.h> includes after defining
 * pt_entry_t: each a single atomic operation on the whole entry, because the
 * MMU reads entries, and sets A/D in them, concurrently with the kernel.  A
 * backend may define PTE_NOTE_WRITE(p, v) first to observe every write (the
 * i386-pae host model's tear check does).
 */
#ifndef PMAP_PTE_ATOMIC_H
#define PMAP_PTE_ATOMIC_H

#ifndef PTE_NOTE_WRITE
#define PTE_NOTE_WRITE(p, v)	((void)0)
#endif

static inline pt_entry_t pte_load(const pt_entry_t *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }

static inline void
pte_store(pt_entry_t *p, pt_entry_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
	PTE_NOTE_WRITE(p, v);
}

static inline pt_entry_t
pte_swap(pt_entry_t *p, pt_entry_t v)
{
	pt_entry_t old = __atomic_exchange_n(p, v, __ATOMIC_ACQ_REL);

	PTE_NOTE_WRITE(p, v);
	return old;
}

/* Replace *p with newv if it still holds *oldp; else reload *oldp. */
static inline bool
pte_cas(pt_entry_t *p, pt_entry_t *oldp, pt_entry_t newv)
{
	bool done = __atomic_compare_exchange_n(p, oldp, newv, false,
	    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);

	if (done)
		PTE_NOTE_WRITE(p, newv);
	return done;
}

#endif /* PMAP_PTE_ATOMIC_H */
