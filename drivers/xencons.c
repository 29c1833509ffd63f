/*
 * Xen PV console: the ring page of HVM_PARAM_CONSOLE_PFN, served by
 * xenconsoled in dom0; this is what `xl console` and `xl create -c` show.
 * Output never drops bytes while the consumer makes progress: a full ring
 * makes us notify and wait (SCHEDOP_poll on the console port, which works
 * with interrupts off) until xenconsoled frees space.  Only a consumer
 * that makes no progress for CONS_STALL_NS gets its output dropped, and
 * counted, so a dead xenconsoled cannot hang the kernel.
 */
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/hypercall.h"
#include "kernel/xen/xen.h"
#include "lib/errno.h"
#include <xen/hvm/params.h>
#include <xen/io/console.h>

#define CONS_STALL_NS 5000000000ULL /* 5 s without progress: give up */
#define CONS_POLL_NS  10000000ULL

static struct xencons_interface *ring;
static evtchn_port_t port;
static uint64_t dropped; /* bytes lost to a stalled consumer */
static bool stalled;

/* Wait for the consumer to move; false once it has stalled for good. */
static bool wait_progress(XENCONS_RING_IDX seen)
{
	uint64_t start = time_now_ns();

	while (READ_ONCE(ring->out_cons) == seen) {
		if (time_now_ns() - start > CONS_STALL_NS) {
			stalled = true;
			return false;
		}
		evtchn_clear_pending(port);
		evtchn_send(port);
		/* Re-check after clearing: an update in between is seen. */
		if (READ_ONCE(ring->out_cons) != seen)
			break;
		evtchn_poll(port, CONS_POLL_NS);
	}
	return true;
}

static void xencons_write(const char *s, size_t len)
{
	while (len) {
		XENCONS_RING_IDX cons = READ_ONCE(ring->out_cons);
		XENCONS_RING_IDX prod = ring->out_prod;
		size_t n = 0;

		/* Pairs with xenconsoled's barrier before moving out_cons. */
		mb();
		if (prod - cons > sizeof(ring->out)) {
			/* Consumer index out of range: a broken peer. */
			stalled = true;
		}
		if (stalled) {
			dropped += len;
			return;
		}
		while (n < len && prod - cons < sizeof(ring->out))
			ring->out[MASK_XENCONS_IDX(prod++, ring->out)] = s[n++];
		/* Data before the index: xenconsoled reads out_prod first. */
		wmb();
		ring->out_prod = prod;
		evtchn_send(port);
		s += n;
		len -= n;
		if (len && !wait_progress(cons))
			dropped += len, len = 0;
	}
}

/* Before shutdown: the last lines must reach dom0 before we vanish. */
static void xencons_flush(void)
{
	while (!stalled && READ_ONCE(ring->out_cons) != ring->out_prod)
		if (!wait_progress(READ_ONCE(ring->out_cons)))
			break;
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
	cons_register(&xencons_sink);
	return 0;
}
KINIT(KINIT_XEN_CONSOLE, xencons_init);
