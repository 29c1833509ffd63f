/*
 * What the allocator does to memory as it changes hands: poison on free,
 * verify the poison and zero (on request or in scrub mode) on allocation,
 * and the one log line for a refused free.
 *
 * The bytes are written and checked outside the lock: by then the block
 * belongs to exactly one party (the caller, or a free in progress).
 */
#include "kernel/mm/mm_priv.h"
#include "kernel/printk.h"

/*
 * The allocator's state is defined here, in the bottom file of kernel/mm:
 * page.c, heap.c and check.c all build on this one, and it calls none of
 * them.  Its options (opts) are this file's to set.
 */
struct mm_state mm_state = {.opts = MM_OPT_CHECK_POISON};

#define S mm_state

/*
 * BUGGY=msa01-scrub switches the scrub off, to show that the test
 * guarding MSA01's allocator half (mm.scrub_on_reuse) fails without it.
 */
#if BUGGY(MSA01_SCRUB)
#define MM_SCRUB_ENABLED 0
#else
#define MM_SCRUB_ENABLED 1
#endif

void mm_poison(void *p, size_t len)
{
	mm_fill(p, MM_POISON_WORD, len);
}

void mm_poison_report(const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i = 0;
	bool irq;

	while (i < len && b[i] == MM_POISON)
		i++;
	irq = mm_lock();
	S.st.poison_corrupted++;
	mm_unlock(irq);
	printk(LOG_ERR, "mm: use after free: %p (%zu bytes) written at +%#zx\n",
	       p, len, i);
}

void mm_prepare(void *p, size_t len, size_t check, bool zero)
{
	unsigned int opts = READ_ONCE(S.opts);

	if (check && (opts & MM_OPT_CHECK_POISON) &&
	    !mm_poison_intact(p, check))
		mm_poison_report(p, check);
	/* MSA01: with scrub on, no caller ever sees a previous user's bytes. */
	if (zero || (MM_SCRUB_ENABLED && (opts & MM_OPT_SCRUB)))
		mm_fill(p, 0, len);
}

void mm_bad_free(const char *kind, const void *p, const char *why,
		 const void *caller)
{
	bool irq = mm_lock();

	S.st.bad_frees++;
	mm_unlock(irq);
	printk(LOG_ERR, "mm: refused %s free of %p: %s (caller %p)\n", kind, p,
	       why, caller);
}

/* Set or clear an option; returns whether it was set. */
static bool set_opt(unsigned int opt, bool on)
{
	bool irq = mm_lock();
	bool was = S.opts & opt;

	S.opts = on ? S.opts | opt : S.opts & ~opt;
	mm_unlock(irq);
	return was;
}

bool mm_set_scrub_on_reuse(bool on)
{
	return set_opt(MM_OPT_SCRUB, on);
}

bool mm_set_poison_check(bool on)
{
	return set_opt(MM_OPT_CHECK_POISON, on);
}
