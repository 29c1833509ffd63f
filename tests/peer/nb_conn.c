// SPDX-License-Identifier: MIT
/*
 * hostile-netback, connection: the frontend's two ring pages mapped
 * read-write, its event channel bound, and struct nb_ops for the ring
 * core.  Packet data moves with grant copies, as Linux netback does, so
 * no guest page stays mapped except on purpose (hold-tx-grant); the MSA01
 * scan maps each request's page read-only and unmaps it before answering.
 */
#include "nb_xen.h"
#include "peer_util.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

static int nb_errno(void)
{
	return errno ? -errno : -EIO;
}

static int nb_copy(struct nb_conn *c, xengnttab_grant_copy_segment_t *seg)
{
	if (xengnttab_grant_copy(c->gt, 1, seg))
		return nb_errno();
	if (seg->status != GNTST_okay) {
		/* One line per failure would flood: count, log the first. */
		if (!c->copy_errors++)
			peer_log("grant copy failed: GNTST %d", seg->status);
		return -EIO;
	}
	return 0;
}

static int nb_copy_from(void *ctx, uint32_t ref, uint16_t off, void *buf,
			uint16_t len)
{
	struct nb_conn *c = ctx;
	xengnttab_grant_copy_segment_t seg = {
	    .source.foreign = {.ref = ref,
			       .offset = off,
			       .domid = (uint16_t)c->domid},
	    .dest.virt = buf,
	    .len = len,
	    .flags = GNTCOPY_source_gref,
	};

	return nb_copy(c, &seg);
}

static int nb_copy_to(void *ctx, uint32_t ref, uint16_t off, const void *buf,
		      uint16_t len)
{
	struct nb_conn *c = ctx;
	xengnttab_grant_copy_segment_t seg = {
	    .source.virt = (void *)buf,
	    .dest.foreign = {.ref = ref,
			     .offset = off,
			     .domid = (uint16_t)c->domid},
	    .len = len,
	    .flags = GNTCOPY_dest_gref,
	};

	return nb_copy(c, &seg);
}

static void nb_notify(void *ctx)
{
	struct nb_conn *c = ctx;

	xenevtchn_notify(c->xce, c->port);
}

static int nb_hold(void *ctx, uint32_t ref)
{
	struct nb_conn *c = ctx;
	void *p;

	if (c->nheld == NB_MAX_HELD)
		return -ENOSPC;
	/* Read-only: TX grants are usually granted read-only. */
	p = xengnttab_map_grant_ref(c->gt, c->domid, ref, PROT_READ);
	if (!p)
		return nb_errno();
	c->held[c->nheld++] = p;
	c->held_at_ms = peer_now_ms();
	return 0;
}

/* MSA01 scan: a read-only look at the whole page, unmapped at once. */
static const uint8_t *nb_peek(void *ctx, uint32_t ref)
{
	struct nb_conn *c = ctx;

	return xengnttab_map_grant_ref(c->gt, c->domid, ref, PROT_READ);
}

static void nb_unpeek(void *ctx, const uint8_t *page)
{
	struct nb_conn *c = ctx;

	/* Before the answer: the guest must be able to end its access. */
	if (xengnttab_unmap(c->gt, (void *)page, 1))
		peer_log("unmapping a scanned grant failed: %s",
			 strerror(errno));
}

static void nb_close(void *ctx)
{
	struct nb_conn *c = ctx;

	/* The main loop owns xenstore; it switches the state. */
	c->close_requested = true;
}

static const struct nb_ops nb_conn_ops = {
    .copy_from = nb_copy_from,
    .copy_to = nb_copy_to,
    .notify = nb_notify,
    .hold = nb_hold,
    .close = nb_close,
    .peek = nb_peek,
    .unpeek = nb_unpeek,
};

int nb_conn_open(struct nb_conn *c, unsigned int domid)
{
	c->domid = domid;
	c->gt = xengnttab_open(NULL, 0);
	if (!c->gt)
		return nb_errno();
	c->xce = xenevtchn_open(NULL, 0);
	if (!c->xce) {
		int err = nb_errno();

		xengnttab_close(c->gt);
		c->gt = NULL;
		return err;
	}
	return 0;
}

int nb_conn_up(struct nb_conn *c, const struct nb_fe_info *fe,
	       enum nb_mode mode, unsigned int storm, const uint8_t mac[6])
{
	xenevtchn_port_or_error_t port;
	int err;

	if (c->up)
		return -EBUSY;
	c->tx_page = xengnttab_map_grant_ref(c->gt, c->domid, fe->tx_ref,
					     PROT_READ | PROT_WRITE);
	if (!c->tx_page)
		return nb_errno();
	c->rx_page = xengnttab_map_grant_ref(c->gt, c->domid, fe->rx_ref,
					     PROT_READ | PROT_WRITE);
	if (!c->rx_page) {
		err = nb_errno();
		goto unmap_tx;
	}
	port = xenevtchn_bind_interdomain(c->xce, c->domid, fe->evtchn);
	if (port < 0) {
		err = nb_errno();
		goto unmap_rx;
	}
	c->port = (evtchn_port_t)port;
	c->up = true;
	c->close_requested = false;
	nb_init(&c->nb, &nb_conn_ops, c, mode, c->tx_page, c->rx_page, mac);
	c->nb.storm_count = storm;
	return 0;

unmap_rx:
	xengnttab_unmap(c->gt, c->rx_page, 1);
unmap_tx:
	xengnttab_unmap(c->gt, c->tx_page, 1);
	c->tx_page = c->rx_page = NULL;
	return err;
}

void nb_conn_down(struct nb_conn *c)
{
	if (!c->up)
		return;
	/* Stop serving first: the core must not touch unmapped rings. */
	c->nb.dead = true;
	xenevtchn_unbind(c->xce, c->port);
	xengnttab_unmap(c->gt, c->tx_page, 1);
	xengnttab_unmap(c->gt, c->rx_page, 1);
	c->tx_page = c->rx_page = NULL;
	c->up = false;
}

void nb_conn_event(struct nb_conn *c)
{
	xenevtchn_port_or_error_t port;

	port = xenevtchn_pending(c->xce);
	if (port < 0)
		return;
	/* Unmask before serving: an event sent meanwhile is not lost. */
	xenevtchn_unmask(c->xce, (evtchn_port_t)port);
	if (c->up && (evtchn_port_t)port == c->port)
		nb_kick(&c->nb);
}

void nb_conn_release_held(struct nb_conn *c)
{
	unsigned int n = c->nheld, bad = 0;

	while (c->nheld) {
		c->nheld--;
		if (xengnttab_unmap(c->gt, c->held[c->nheld], 1) && !bad++)
			peer_log("unmapping a held grant failed: %s",
				 strerror(errno));
	}
	if (n == 1 && !bad)
		peer_log("held grant unmapped");
	else if (n)
		peer_log("%u held grant(s) unmapped, %u failed", n - bad, bad);
}

void nb_conn_close(struct nb_conn *c)
{
	if (c->xce)
		xenevtchn_close(c->xce);
	if (c->gt)
		xengnttab_close(c->gt);
	c->xce = NULL;
	c->gt = NULL;
}
