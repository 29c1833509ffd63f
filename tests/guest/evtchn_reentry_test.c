/*
 * Suite `evtchn`, XSA-441 class (Linux deadlocked when an event channel
 * was closed while an event handler ran): handlers that close their own
 * port, close another port whose event is pending in the same upcall, and
 * mask, re-send and unmask their own port 50 times, all made pending at
 * once on real Xen loopback channels.  Nothing may hang, the closed
 * port's handler may not run after its close, Xen must see both ports
 * closed, and a closed port's peer sending again reaches no handler.
 */
#include "kernel/arch.h"
#include "kernel/ktest.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/xen.h"
#include "lib/string.h"

#define MS	 1000000ULL
#define REARMS	 50
#define DONE_NS	 (2000 * MS)
#define NR_LOOPS 4

struct rloop {
	evtchn_port_t a, b; /* a: ours with the handler, b: its peer */
	volatile unsigned int hits, after_close;
	volatile bool closed;
	struct rloop *victim; /* for the handler that closes another */
};

/* [0] closes itself, [1] closes [2], [2] the victim, [3] re-arms. */
static struct rloop loops[NR_LOOPS];

static void close_self(evtchn_port_t port, void *arg)
{
	struct rloop *l = arg;

	l->hits++;
	evtchn_unbind(port);
	l->closed = true;
}

static void close_other(evtchn_port_t port, void *arg)
{
	struct rloop *l = arg;

	l->hits++;
	if (!l->victim->closed) {
		evtchn_unbind(l->victim->a);
		l->victim->closed = true;
	}
}

static void victim(evtchn_port_t port, void *arg)
{
	struct rloop *l = arg;

	l->hits++;
	if (l->closed)
		l->after_close++;
}

static void rearm(evtchn_port_t port, void *arg)
{
	struct rloop *l = arg;

	if (++l->hits >= REARMS)
		return;
	evtchn_mask(port);
	evtchn_send(l->b);
	evtchn_unmask(port);
}

static int open_loop(struct rloop *l, evtchn_handler_t fn)
{
	int rc = evtchn_alloc_unbound(xen_domid(), &l->a);

	if (rc)
		return rc;
	rc = evtchn_bind_interdomain(xen_domid(), l->a, &l->b);
	if (rc) {
		evtchn_close(l->a);
		return rc;
	}
	rc = evtchn_bind(l->a, fn, l);
	if (rc) {
		evtchn_close(l->b);
		evtchn_close(l->a);
	}
	return rc;
}

static bool all_ran(void *arg)
{
	return loops[0].hits && loops[1].hits && loops[3].hits >= REARMS;
}

KTEST(evtchn, handlers_close_mask_rearm)
{
	static const evtchn_handler_t fns[NR_LOOPS] = {close_self, close_other,
						       victim, rearm};
	unsigned int opened = 0, hits0;
	bool irq;

	if (!xen_present())
		KT_SKIP("not running under Xen");
	memset(loops, 0, sizeof(loops));
	loops[1].victim = &loops[2];
	/* Opened in order: lowest ports first, so [1] runs before [2]. */
	while (opened < NR_LOOPS && !open_loop(&loops[opened], fns[opened]))
		opened++;
	KT_ASSERT(opened == NR_LOOPS);
	KT_EXPECT(loops[1].a < loops[2].a);
	/* All four pending at once, delivered in one upcall. */
	irq = arch_irq_save();
	for (unsigned int i = 0; i < NR_LOOPS; i++) {
		evtchn_mask(loops[i].a);
		evtchn_send(loops[i].b);
	}
	for (unsigned int i = 0; i < NR_LOOPS; i++)
		evtchn_unmask(loops[i].a);
	arch_irq_restore(irq);
	KT_EXPECT_EQ(wait_until(all_ran, NULL, DONE_NS), 0);
	ktest_diag("ports %u %u %u %u: hits %u %u %u %u, victim after close %u",
		   loops[0].a, loops[1].a, loops[2].a, loops[3].a,
		   loops[0].hits, loops[1].hits, loops[2].hits, loops[3].hits,
		   loops[2].after_close);
	KT_EXPECT_EQ(loops[0].hits, 1);
	KT_EXPECT_EQ(loops[1].hits, 1);
	KT_EXPECT_EQ(loops[2].hits, 0);
	KT_EXPECT_EQ(loops[3].hits, REARMS);
	KT_EXPECT(loops[0].closed && loops[2].closed);
	KT_EXPECT_EQ(evtchn_status(loops[0].a), EVTCHNSTAT_closed);
	KT_EXPECT_EQ(evtchn_status(loops[2].a), EVTCHNSTAT_closed);
	/* The closed ports' peers send again: nobody is called. */
	hits0 = loops[0].hits + loops[2].hits;
	evtchn_send(loops[0].b);
	evtchn_send(loops[2].b);
	sleep_ns(20 * MS);
	KT_EXPECT_EQ(loops[0].hits + loops[2].hits, hits0);
	KT_EXPECT_EQ(loops[2].after_close, 0);
	for (unsigned int i = 0; i < NR_LOOPS; i++) {
		if (!loops[i].closed)
			evtchn_unbind(loops[i].a);
		evtchn_close(loops[i].b);
	}
}
