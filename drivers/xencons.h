/*
 * Xen PV console (drivers/xencons.c): its state, for tests.  The console
 * itself is a printk sink; nothing else calls into it.
 */
#ifndef DRIVERS_XENCONS_H
#define DRIVERS_XENCONS_H

#include "lib/compiler.h"

struct xencons_state {
	bool up;	 /* the ring is in use */
	bool broken;	 /* given up: bad index or a consumer too slow */
	const char *why; /* why it was given up, or NULL */
};
struct xencons_stats {
	uint64_t dropped; /* bytes not put on the ring since it was given up */
};
void xencons_get_state(struct xencons_state *s);
void xencons_get_stats(struct xencons_stats *st);

#endif
