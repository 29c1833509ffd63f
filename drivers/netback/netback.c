/*
 * netback on Xen: the backend role (`netback=1`), the Xen glue of the
 * ring logic (struct nb_ops: gnttab map/unmap/copy, event channels) and
 * the stack's port (a struct netdev); a vif's rings and event channel are
 * netback_rings.c's, the vif table and its watches netback_vifs.c's.
 *
 * Contexts: the event channel handler (netback_rings.c) only counts,
 * notes the vif as kicked, and reports an event with no work to the storm
 * back-off (XSA-391).  Everything else runs in thread context in
 * netback_service(), which the port's poll op calls from net_poll():
 * watch events, handshake steps, then one round over the vifs with a
 * budget each, starting at the next vif every round (one frontend's
 * event storm or full ring cannot starve the others).
 */
#include "drivers/netback/netback_priv.h"
#include "kernel/arch.h"
#include "kernel/cmdline.h"
#include "kernel/init.h"
#include "kernel/mm/mm.h"
#include "kernel/net/net.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/xen.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

static struct netdev port;
static bool enabled, ready, busy;
KPARAM_BOOL("netback", enabled);

bool netback_enabled(void)
{
	return enabled;
}

bool netback_ready(void)
{
	return ready;
}

/* ---- Xen glue ---- */

static int x_copy_to(domid_t dom, grant_ref_t ref, const void *src,
		     uint16_t len)
{
	struct gnttab_copy op = {0};

	op.source.u.gmfn = (uintptr_t)src >> PAGE_SHIFT;
	op.source.domid = DOMID_SELF;
	op.source.offset = (uint16_t)((uintptr_t)src & (PAGE_SIZE - 1));
	op.dest.u.ref = ref;
	op.dest.domid = dom;
	op.len = len;
	op.flags = GNTCOPY_dest_gref;
	return gnttab_copy(&op, 1);
}

/* Heap, backend role only: NB_RX_STAGE ops for x_copy_batch(). */
static struct gnttab_copy *copy_ops;

static void x_copy_batch(const struct nb_copy *c, int *rcs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		uintptr_t src = (uintptr_t)c[i].src;

		/* An op Xen never saw (the call refused) keeps an error. */
		copy_ops[i] = (struct gnttab_copy){
		    .source.u.gmfn = src >> PAGE_SHIFT,
		    .source.domid = DOMID_SELF,
		    .source.offset = (uint16_t)(src & (PAGE_SIZE - 1)),
		    .dest.u.ref = c[i].ref,
		    .dest.domid = c[i].dom,
		    .len = c[i].len,
		    .flags = GNTCOPY_dest_gref,
		    .status = GNTST_general_error,
		};
	}
	/* Its answer is the first failure; each op's status says more. */
	if (gnttab_copy(copy_ops, n) == 0) {
		memset(rcs, 0, n * sizeof(*rcs));
		return;
	}
	/* Each op's own status: one bad buffer ref costs one frame. */
	for (unsigned int i = 0; i < n; i++)
		rcs[i] = gnttab_status_errno(copy_ops[i].status);
}

/*
 * The map layer answers -ENOSPC both for our own limits and for Xen's
 * full maptrack; the ring logic counts them apart: Xen's is -ENOBUFS.
 */
static int x_map(domid_t dom, grant_ref_t ref, bool ro,
		 struct gnttab_mapping *m)
{
	static uint64_t xen_full_seen;
	struct gnttab_map_stats st;
	int rc = gnttab_map(dom, ref, ro, m);

	if (rc != -ENOSPC)
		return rc;
	gnttab_map_get_stats(&st);
	if (st.xen_no_space == xen_full_seen)
		return rc;
	xen_full_seen = st.xen_no_space;
	return -ENOBUFS;
}

/* As x_map(), a batch: our refusal ends it, Xen's full maptrack not. */
static unsigned int x_map_batch(domid_t dom, bool ro, const grant_ref_t *refs,
				struct gnttab_mapping **m, int *rcs,
				unsigned int n)
{
	unsigned int t = gnttab_map_batch(dom, ro, refs, m, rcs, n);

	for (unsigned int i = 0; i < t; i++)
		if (rcs[i] == -ENOSPC)
			rcs[i] = -ENOBUFS;
	return t;
}
BUILD_BUG_ON(NB_TX_BUDGET > GNTTAB_BATCH_MAX);

static void x_notify(struct nb_vif *v)
{
	if (v->port_bound)
		evtchn_send(v->port);
}

static void x_to_stack(const void *frame, size_t len)
{
	netdev_rx(&port, frame, len);
}

static const struct nb_ops xen_ops = {
    .map = x_map,
    .unmap = gnttab_unmap,
    .map_batch = x_map_batch,
    .unmap_batch = gnttab_unmap_batch,
    .copy_to = x_copy_to,
    .copy_batch = x_copy_batch,
    .notify = x_notify,
    .to_stack = x_to_stack,
    .stack_room = netdev_rx_room,
    .now_ns = time_now_ns,
};

/* ---- The stack's port ---- */

static int port_xmit(struct netdev *dev, const void *frame, size_t len)
{
	return nb_switch_from_stack(nb_glue, frame, len);
}

static void port_poll(struct netdev *dev)
{
	netback_service();
}

static const struct netdev_ops port_ops = {
    .xmit = port_xmit,
    .poll = port_poll,
};

void netback_service(void)
{
	if (!ready || busy || !arch_irqs_enabled())
		return;
	busy = true;
	nb_vifs_service();
	busy = false;
}

static bool woken(void *arg)
{
	return net_rxq_pending() || nb_vifs_kicked();
}

int netback_wait(bool (*cond)(void *arg), void *arg, uint64_t timeout_ns)
{
	uint64_t start = time_now_ns();

	for (;;) {
		uint64_t waited;

		net_poll(); /* runs netback_service() through the port */
		if (cond(arg))
			return 0;
		waited = time_now_ns() - start;
		if (waited >= timeout_ns)
			return -ETIMEDOUT;
		(void)wait_until(woken, NULL,
				 MIN(timeout_ns - waited, 10000000ULL));
	}
}

/* nb's stage: NB_RX_STAGE slots of NB_STAGE_SLOT bytes, 32 KiB. */
#define STAGE_ORDER 3
BUILD_BUG_ON((PAGE_SIZE << STAGE_ORDER) < NB_RX_STAGE * NB_STAGE_SLOT);
BUILD_BUG_ON(NB_STAGE_SLOT < ETH_FRAME_MAX || PAGE_SIZE % NB_STAGE_SLOT);

static const uint8_t port_mac[ETH_ALEN] = {0x00, 0x16, 0x3e, 0xdd, 0x00, 0x0a};

static int netback_kinit(void)
{
	void *bounce, *stage;
	int rc;

	if (!enabled)
		return 0;
	if (!xen_present() || !xs_connected()) {
		pr_err("netback: no Xen or no xenstore: backend role off\n");
		return -ENODEV;
	}
	nb_glue = mm_zalloc(sizeof(*nb_glue));
	bounce = mm_page_alloc_zeroed(0);
	stage = mm_page_alloc(STAGE_ORDER);
	copy_ops = mm_alloc(NB_RX_STAGE * sizeof(*copy_ops));
	if (!nb_glue || !bounce || !stage || !copy_ops) {
		pr_err("netback: no memory for the backend's state\n");
		rc = -ENOMEM;
		goto fail;
	}
	nb_init(nb_glue, &xen_ops, bounce, port_mac);
	nb_glue->stage_buf = stage;
	rc = nb_vifs_start();
	if (rc) {
		pr_err("netback: cannot watch backend/vif (%d)\n", rc);
		goto fail;
	}
	port.name = "netback0";
	memcpy(port.mac, port_mac, ETH_ALEN);
	port.ops = &port_ops;
	port.up = true;
	ready = true;
	netdev_register(&port);
	pr_info("netback: backend role: serving backend/vif\n");
	return 0;
fail:
	if (bounce)
		mm_page_free(bounce, 0);
	if (stage)
		mm_page_free(stage, STAGE_ORDER);
	mm_free(copy_ops);
	copy_ops = NULL;
	mm_free(nb_glue);
	nb_glue = NULL;
	return rc;
}
KINIT(KINIT_DEVICES, netback_kinit);

/* ---- For tests ---- */

bool netback_vif_get(unsigned int i, struct netback_vif_info *o)
{
	const struct nb_vif *v;

	if (i >= NETBACK_MAX_VIFS || !nb_glue)
		return false;
	v = &nb_glue->vif[i];
	memset(o, 0, sizeof(*o));
	o->used = v->state != NB_FREE;
	o->connected = nb_vif_up(v);
	o->broken = v->broken;
	o->fe_id = v->fe_id;
	o->devid = v->devid;
	strlcpy(o->name, v->name, sizeof(o->name));
	memcpy(o->mac, v->mac, sizeof(o->mac));
	o->why = v->why;
	o->tx_ok = v->st.tx_ok;
	o->tx_err = v->st.tx_err;
	o->rx_ok = v->st.rx_ok;
	o->rx_dropped = v->st.rx_dropped;
	o->err_size = v->st.err_size;
	o->err_ref = v->st.err_ref;
	o->err_multislot = v->st.err_multislot;
	o->err_extra = v->st.err_extra;
	o->refused_map = v->st.refused_map;
	o->refused_xen = v->st.refused_xen;
	o->to_stack = v->st.to_stack;
	o->to_vif = v->st.to_vif;
	o->queued_max = v->st.queued_max;
	o->events = v->st.events;
	o->spurious = v->st.spurious;
	o->mapped = v->tx_m.mapped + v->rx_m.mapped;
	o->queued = v->q_len;
	o->connects = v->st.connects;
	o->teardowns = v->st.teardowns;
	o->break_logs = v->st.break_logs;
	for (unsigned int k = 0; k < NETBACK_MAX_VIFS; k++)
		for (const struct nb_frame *f = nb_glue->vif[k].q_head; f;
		     f = f->next)
			if (f->src == v)
				o->mapped++;
	return true;
}

void netback_get_stats(struct netback_stats *st)
{
	if (!nb_glue) { /* not the backend role */
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = nb_glue->st;
	st->vifs = st->connected = 0;
	for (unsigned int i = 0; i < NETBACK_MAX_VIFS; i++) {
		st->vifs += nb_glue->vif[i].state != NB_FREE;
		st->connected += nb_vif_up(&nb_glue->vif[i]);
	}
	st->frames_free = nb_glue->nr_free;
	st->frames_total = NB_FRAMES;
}
