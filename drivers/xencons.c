/*
 * Xen PV console: the ring page of HVM_PARAM_CONSOLE_PFN, served by
 * xenconsoled in dom0; this is what `xl console` and `xl create -c` show.
 *
 * The console backend is another domain (MSA03, the PV console relative
 * of XSA-155): our producer index lives here and is only ever written to
 * the page, never read back; the consumer index is copied once and must
 * lie between the last one we saw and our producer.  A backend that moves
 * it back, past what we produced, or more than a ring behind has broken
 * the protocol; one that keeps us waiting CONS_WAIT_NS in all since it
 * last caught up with us (whether it moves or not, across any number of
 * writes and flushes) is too slow to wait for.  Either
 * way the ring is given up for good with one log line, and the kernel's
 * other console paths (port 0xE9, the UART) carry on alone.
 */
#include "drivers/xencons.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/hypercall.h"
#include "kernel/xen/xen.h"
#include "lib/errno.h"
#include <xen/hvm/params.h>
#include <xen/io/console.h>

/* Waiting in all since the ring was last empty: 10 s, then give up. */
#define CONS_WAIT_NS 10000000000ULL
#define CONS_POLL_NS 10000000ULL

/*
 * BUGGY(MSA03) (MirageOS MSA03, Solo5's console writer): the producer is
 * read back from the page and a wait lasts as long as the consumer index
 * keeps moving, so a backend that keeps moving it holds us forever.
 */

static struct xencons_interface *ring;
static evtchn_port_t port;
static XENCONS_RING_IDX prod;	   /* ours: written to the page, never read */
static XENCONS_RING_IDX cons_seen; /* the last consumer index we accepted */
static uint64_t dropped;	   /* bytes not put on the ring */
static uint64_t waited_ns;	   /* since the consumer last caught up */
static const char *broken;	   /* why the ring was given up */

static XENCONS_RING_IDX producer(void)
{
	return BUGGY(MSA03) ? READ_ONCE(ring->out_prod) : prod;
}

static bool give_up(const char *why, XENCONS_RING_IDX cons)
{
	/* Set first: the line below goes to every sink, this one included. */
	broken = why;
	pr_warn("xencons: %s (consumer %u, producer %u): ring given up\n", why,
		cons, producer());
	return false;
}

/* The consumer index, copied once and checked: cons_seen <= c <= prod. */
static bool read_cons(XENCONS_RING_IDX *cons)
{
	XENCONS_RING_IDX c = READ_ONCE(ring->out_cons), p = producer();

	if (p - c > sizeof(ring->out) || c - cons_seen > p - cons_seen)
		return give_up("bad consumer index", c);
	cons_seen = *cons = c;
	return true;
}

/* Wait for the consumer to move from `seen`, within the wait budget. */
static bool wait_moved(XENCONS_RING_IDX seen)
{
	uint64_t start = time_now_ns();

	/* BUGGY: each wait starts afresh, so any movement resets it. */
	if (BUGGY(MSA03))
		waited_ns = 0;
	while (READ_ONCE(ring->out_cons) == seen) {
		if (waited_ns + (time_now_ns() - start) > CONS_WAIT_NS)
			return give_up("consumer too slow", seen);
		evtchn_clear_pending(port);
		evtchn_send(port);
		/* Re-check after clearing: an update in between is seen. */
		if (READ_ONCE(ring->out_cons) != seen)
			break;
		evtchn_poll(port, CONS_POLL_NS);
	}
	waited_ns += time_now_ns() - start;
	return true;
}

static void xencons_write(const char *s, size_t len)
{
	XENCONS_RING_IDX cons, p;
	size_t n;

	while (len && !broken && read_cons(&cons)) {
		if (cons == producer())
			waited_ns = 0; /* caught up: a new budget */
		/* Pairs with xenconsoled's barrier before moving out_cons. */
		mb();
		p = producer();
		for (n = 0; n < len && p - cons < sizeof(ring->out); n++)
			ring->out[MASK_XENCONS_IDX(p++, ring->out)] = s[n];
		/* Data before the index: xenconsoled reads out_prod first. */
		wmb();
		prod = p;
		WRITE_ONCE(ring->out_prod, p);
		evtchn_send(port);
		s += n;
		len -= n;
		if (len && !wait_moved(cons))
			break;
	}
	dropped += len;
}

/* Before shutdown: the last lines must reach dom0 before we vanish. */
static void xencons_flush(void)
{
	XENCONS_RING_IDX cons;

	while (!broken && read_cons(&cons) && cons != producer())
		if (!wait_moved(cons))
			break;
}

void xencons_get_state(struct xencons_state *s)
{
	s->up = ring && !broken;
	s->broken = broken;
	s->why = broken;
}

void xencons_get_stats(struct xencons_stats *st)
{
	st->dropped = dropped;
}

static struct cons_sink xencons_sink = {
    .name = "xen-pv",
    .write = xencons_write,
    .flush = xencons_flush,
    .replay = true,
};

static int xencons_init(void)
{
	uint64_t pfn, evtchn;
	int rc;

	if (!xen_present())
		return -ENODEV;
	rc = xen_hvm_get_param(HVM_PARAM_CONSOLE_PFN, &pfn);
	if (!rc)
		rc = xen_hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &evtchn);
	if (rc)
		return rc;
	/* Below 4 GiB (our identity map) and a port the 2-level ABI has. */
	if (!pfn || pfn >= (1ULL << 20) || evtchn >= 4096) {
		pr_err("xencons: bad console pfn %#lx / port %lu\n", pfn,
		       evtchn);
		return -EINVAL;
	}
	ring = (struct xencons_interface *)(uintptr_t)(pfn << PAGE_SHIFT);
	port = (evtchn_port_t)evtchn;
	/* Where the domain builder left the ring; checked before use. */
	prod = READ_ONCE(ring->out_prod);
	cons_seen = READ_ONCE(ring->out_cons);
	cons_register(&xencons_sink);
	return 0;
}
KINIT(KINIT_XEN_CONSOLE, xencons_init);
