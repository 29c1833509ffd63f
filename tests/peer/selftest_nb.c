// SPDX-License-Identifier: MIT
/*
 * peer-selftest, hostile-netback half: dom0 plays a minimal netfront for
 * its own domid against hostile-netback --domid 0, and checks that each
 * scenario puts on the rings exactly the misbehaviour it promises (and
 * that "good" is a working backend).  The rings come from Xen's headers,
 * as in the peer; pages are shared with gntalloc (xengntshr).
 */
#include "nb.h"
#include "peer_util.h"
#include "selftest.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenevtchn.h>
#include <xengnttab.h>

#define FE "/local/domain/0/device/vif/0"
#define BE "/local/domain/0/backend/vif/0/0"

/* Shared pages: the two rings, one TX buffer, two RX buffers. */
enum { P_TXRING, P_RXRING, P_TXBUF, P_RXBUF0, P_RXBUF1, NPAGES };

struct fe {
	struct xs_handle *xs;
	xengntshr_handle *gs;
	xenevtchn_handle *xce;
	uint8_t *pages;
	uint32_t refs[NPAGES];
	evtchn_port_t port;
	netif_tx_front_ring_t tx;
	netif_rx_front_ring_t rx;
	unsigned int events;
};

static uint8_t *fe_page(struct fe *f, int i)
{
	return f->pages + (size_t)i * NB_PAGE_SIZE;
}

/* Wait up to @ms for an event; count it and unmask. */
static void fe_wait_event(struct fe *f, unsigned int ms)
{
	struct pollfd p = {.fd = xenevtchn_fd(f->xce), .events = POLLIN};
	xenevtchn_port_or_error_t port;

	if (poll(&p, 1, (int)ms) <= 0)
		return;
	port = xenevtchn_pending(f->xce);
	if (port >= 0) {
		xenevtchn_unmask(f->xce, (evtchn_port_t)port);
		f->events++;
	}
}

/* Wait until the backend published @n TX answers we have not consumed. */
static bool fe_wait_tx(struct fe *f, unsigned int n, unsigned int ms)
{
	uint64_t end = peer_now_ms() + ms;

	while (peer_now_ms() < end) {
		if (__atomic_load_n(&f->tx.sring->rsp_prod, __ATOMIC_ACQUIRE) -
			f->tx.rsp_cons >=
		    n)
			return true;
		fe_wait_event(f, 20);
	}
	return false;
}

static bool fe_wait_rx(struct fe *f, unsigned int n, unsigned int ms)
{
	uint64_t end = peer_now_ms() + ms;

	while (peer_now_ms() < end) {
		if (__atomic_load_n(&f->rx.sring->rsp_prod, __ATOMIC_ACQUIRE) -
			f->rx.rsp_cons >=
		    n)
			return true;
		fe_wait_event(f, 20);
	}
	return false;
}

static void fe_send(struct fe *f, uint16_t id)
{
	netif_tx_request_t *req;
	uint8_t *buf = fe_page(f, P_TXBUF);
	int notify;

	memset(buf, 0xff, 6); /* broadcast */
	memset(buf + 6, 0, 6);
	buf[12] = 0x88;
	buf[13] = 0xb5;
	snprintf((char *)buf + 14, 46, "selftest tx %u", id);
	req = RING_GET_REQUEST(&f->tx, f->tx.req_prod_pvt);
	req->gref = f->refs[P_TXBUF];
	req->offset = 0;
	req->flags = 0;
	req->id = id;
	req->size = 60;
	f->tx.req_prod_pvt++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f->tx, notify);
	if (notify)
		xenevtchn_notify(f->xce, f->port);
}

static netif_tx_response_t fe_tx_rsp(struct fe *f)
{
	netif_tx_response_t rsp;

	RING_COPY_RESPONSE(&f->tx, f->tx.rsp_cons, &rsp);
	f->tx.rsp_cons++;
	return rsp;
}

static netif_rx_response_t fe_rx_rsp(struct fe *f)
{
	netif_rx_response_t rsp;

	RING_COPY_RESPONSE(&f->rx, f->rx.rsp_cons, &rsp);
	f->rx.rsp_cons++;
	return rsp;
}

static void fe_post_rx(struct fe *f)
{
	netif_rx_request_t *req;
	int i, notify;

	for (i = 0; i < 2; i++) {
		req = RING_GET_REQUEST(&f->rx, f->rx.req_prod_pvt);
		req->id = (uint16_t)i;
		req->gref = f->refs[P_RXBUF0 + i];
		f->rx.req_prod_pvt++;
	}
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f->rx, notify);
	if (notify)
		xenevtchn_notify(f->xce, f->port);
}

static bool fe_connect(struct fe *f)
{
	xenevtchn_port_or_error_t port;
	char v[16];

	if (!st_wait_value(f->xs, BE "/state", "2", false, 10000))
		return false;
	f->pages = xengntshr_share_pages(f->gs, 0, NPAGES, f->refs, 1);
	if (!f->pages)
		return false;
	memset(f->pages, 0, NPAGES * NB_PAGE_SIZE);
	SHARED_RING_INIT((netif_tx_sring_t *)fe_page(f, P_TXRING));
	FRONT_RING_INIT(&f->tx, (netif_tx_sring_t *)fe_page(f, P_TXRING),
			NB_PAGE_SIZE);
	SHARED_RING_INIT((netif_rx_sring_t *)fe_page(f, P_RXRING));
	FRONT_RING_INIT(&f->rx, (netif_rx_sring_t *)fe_page(f, P_RXRING),
			NB_PAGE_SIZE);
	port = xenevtchn_bind_unbound_port(f->xce, 0);
	if (port < 0)
		return false;
	f->port = (evtchn_port_t)port;
	fe_post_rx(f);
	snprintf(v, sizeof(v), "%u", f->refs[P_TXRING]);
	st_write(f->xs, FE "/tx-ring-ref", v);
	snprintf(v, sizeof(v), "%u", f->refs[P_RXRING]);
	st_write(f->xs, FE "/rx-ring-ref", v);
	snprintf(v, sizeof(v), "%u", f->port);
	st_write(f->xs, FE "/event-channel", v);
	st_write(f->xs, FE "/request-rx-copy", "1");
	st_write(f->xs, FE "/feature-rx-notify", "1");
	st_write(f->xs, FE "/state", "4");
	return st_wait_value(f->xs, BE "/state", "4", false, 10000);
}

static void check_rx_frame(struct fe *f, uint16_t id, unsigned int seq)
{
	netif_rx_response_t r;
	char want[32];
	uint8_t *p;

	ST_CHECK(fe_wait_rx(f, 1, 3000), "no rx frame %u", seq);
	r = fe_rx_rsp(f);
	ST_CHECK(r.id == id && r.offset == 0 && r.status == NB_RX_FRAME_LEN,
		 "rx %u: id %u offset %u status %d", seq, r.id, r.offset,
		 r.status);
	p = fe_page(f, P_RXBUF0 + (id & 1));
	snprintf(want, sizeof(want), "ktest-netback rx %u", seq);
	ST_CHECK(p[12] == 0x88 && p[13] == 0xb5 &&
		     !strcmp((char *)p + 14, want),
		 "rx %u: frame content", seq);
}

/* Send TX id @id and take its one answer. */
static bool send_one(struct fe *f, uint16_t id, netif_tx_response_t *r)
{
	fe_send(f, id);
	if (!fe_wait_tx(f, 1, 3000)) {
		peer_log("no answer to tx id %u", id);
		return false;
	}
	*r = fe_tx_rsp(f);
	return true;
}

static void run_scenario(struct fe *f, const char *s)
{
	netif_tx_response_t r = {0};
	netif_rx_response_t rx;
	RING_IDX prod;

	if (!strcmp(s, "good") || !strcmp(s, "storm")) {
		if (!strcmp(s, "storm")) {
			fe_wait_event(f, 500);
			ST_CHECK(f->events > 0, "storm: no event seen");
		}
		check_rx_frame(f, 0, 0);
		ST_CHECK(send_one(f, 5, &r) && r.id == 5 &&
			     r.status == NETIF_RSP_OKAY,
			 "tx: id %u status %d", r.id, r.status);
		check_rx_frame(f, 1, 1);
	} else if (!strcmp(s, "dup-id")) {
		ST_CHECK(send_one(f, 5, &r) && r.id == 5, "1st id %u", r.id);
		ST_CHECK(send_one(f, 6, &r) && r.id == 5, "2nd id %u", r.id);
	} else if (!strcmp(s, "stale-id")) {
		ST_CHECK(send_one(f, 5, &r) && r.id != 5 &&
			     r.id < RING_SIZE(&f->tx),
			 "id %u", r.id);
	} else if (!strcmp(s, "bad-id")) {
		ST_CHECK(send_one(f, 5, &r) && r.id == RING_SIZE(&f->tx),
			 "id %u", r.id);
	} else if (!strcmp(s, "bad-status")) {
		ST_CHECK(send_one(f, 5, &r) &&
			     r.status == (int16_t)NB_BAD_STATUS_VALUE,
			 "status %d", r.status);
	} else if (!strcmp(s, "prod-jump")) {
		fe_send(f, 5);
		ST_CHECK(fe_wait_tx(f, 1, 3000), "no rsp_prod");
		prod = f->tx.sring->rsp_prod;
		ST_CHECK(RING_RESPONSE_PROD_OVERFLOW(&f->tx, prod),
			 "rsp_prod %u", prod);
	} else if (!strcmp(s, "prod-rewind")) {
		ST_CHECK(send_one(f, 5, &r) && r.id == 5, "1st id %u", r.id);
		fe_send(f, 6);
		/* Going backwards reads as a huge count of new answers. */
		ST_CHECK(fe_wait_tx(f, 2, 3000), "no rewind");
		prod = f->tx.sring->rsp_prod;
		ST_CHECK(prod == f->tx.rsp_cons - 1, "rsp_prod %u", prod);
	} else if (!strcmp(s, "rx-overflow")) {
		ST_CHECK(fe_wait_rx(f, 1, 3000), "no rx answer");
		rx = fe_rx_rsp(f);
		ST_CHECK(rx.offset == NB_RX_OVERFLOW_OFFSET &&
			     rx.status == NB_RX_OVERFLOW_LEN,
			 "offset %u status %d", rx.offset, rx.status);
	} else if (!strcmp(s, "hold-tx-grant")) {
		ST_CHECK(send_one(f, 5, &r) && r.status == NETIF_RSP_OKAY,
			 "status %d", r.status);
	} else if (!strcmp(s, "close-mid")) {
		fe_send(f, 5);
		ST_CHECK(!fe_wait_tx(f, 1, 1000), "answered");
		ST_CHECK(st_wait_value(f->xs, BE "/state", "5", false, 3000),
			 "not Closing");
	} else {
		ST_CHECK(false, "unknown scenario %s", s);
	}
}

void st_netback(struct xs_handle *xs, const char *scenario)
{
	char *argv[] = {"hostile-netback",
			"--domid",
			"0",
			"--storm",
			"2000",
			"--hold",
			"1",
			"--timeout",
			"60",
			(char *)scenario,
			NULL};
	struct fe f = {.xs = xs};
	unsigned int len;
	void *v;
	pid_t pid;

	peer_log("hostile-netback %s: begin", scenario);
	f.gs = xengntshr_open(NULL, 0);
	f.xce = xenevtchn_open(NULL, 0);
	ST_CHECK(f.gs && f.xce, "handles: %s", strerror(errno));
	if (!f.gs || !f.xce)
		goto out;
	pid = st_spawn("hostile-netback", argv);
	ST_CHECK(pid > 0, "spawn");
	if (fe_connect(&f))
		run_scenario(&f, scenario);
	else
		ST_CHECK(false, "%s: handshake failed", scenario);
	/* Close as a frontend does; the backend follows. */
	st_write(xs, FE "/state", "5");
	ST_CHECK(st_wait_value(xs, BE "/state", "5", false, 3000),
		 "backend not Closing");
	st_write(xs, FE "/state", "6");
	ST_CHECK(st_wait_value(xs, BE "/state", "6", false, 3000),
		 "backend not Closed");
	ST_CHECK(st_stop(pid) == 0, "hostile-netback exit status");
	/* It removes what it created: no toolstack would. */
	v = xs_read(xs, XBT_NULL, BE "/state", &len);
	ST_CHECK(!v, "backend nodes left behind");
	free(v);
	if (f.port)
		xenevtchn_unbind(f.xce, f.port);
	if (f.pages)
		xengntshr_unshare(f.gs, f.pages, NPAGES);
out:
	if (f.xce)
		xenevtchn_close(f.xce);
	if (f.gs)
		xengntshr_close(f.gs);
	peer_log("hostile-netback %s: end", scenario);
}
