/*
 * netfront's half of the xenbus handshake with netback (xen/io/netif.h,
 * "Feature and Parameter Negotiation"):
 *   probe      device/vif/0: backend path and id, our MAC (validated)
 *   await      backend InitWait, then its features (feature-rx-copy needed)
 *   publish    ring refs, event channel, request-rx-copy, feature-rx-notify
 *              and our state Connected, in one transaction
 *   connected  backend Connected
 *   close      Closing, (caller releases), Closed, each answered by the
 *              backend within a bound; a vanished backend is not waited for
 * The backend's nodes are untrusted: numbers are parsed with bounds, a
 * boolean is 0 or 1, and anything else is -EPROTO with one log line.
 */
#include "drivers/netfront/netfront_priv.h"
#include "kernel/printk.h"
#include "kernel/xen/xenstore/xenbus.h"
#include "lib/errno.h"
#include "lib/printf.h"

/* Each answer of the backend to one of our state changes, at most. */
#define CLOSE_WAIT_NS (5ULL * 1000 * 1000 * 1000)
#define TXN_RETRIES   8

static int leaf_path(char *buf, size_t len, const char *dir, const char *leaf)
{
	int n = snprintf(buf, len, "%s/%s", dir, leaf);

	return n >= 0 && (size_t)n < len ? 0 : -E2BIG;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "xx:xx:xx:xx:xx:xx", unicast and not all zero; 0 or -EPROTO. */
int netfront_parse_mac(const char *s, size_t len, uint8_t mac[6])
{
	uint8_t all = 0;
	int hi, lo;

	if (len != 17)
		return -EPROTO;
	for (unsigned int i = 0; i < 6; i++) {
		hi = hex_digit(s[i * 3]);
		lo = hex_digit(s[i * 3 + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
			return -EPROTO;
		mac[i] = (uint8_t)(hi << 4 | lo);
		all |= mac[i];
	}
	/* A group address would make every frame we send a broadcast. */
	if (!all || (mac[0] & 1))
		return -EPROTO;
	return 0;
}

int netfront_xb_probe(struct netfront_xb *xb, uint8_t mac[6])
{
	char path[64], val[32];
	int rc;

	rc = xenbus_read_backend(NETFRONT_DEV, xb->be, sizeof(xb->be),
				 &xb->be_id);
	if (rc == -ENOENT)
		return -ENODEV;
	if (rc) {
		pr_err("netfront: %s: bad backend nodes (%d)\n", NETFRONT_DEV,
		       rc);
		return rc;
	}
	rc = leaf_path(path, sizeof(path), NETFRONT_DEV, "mac");
	if (!rc)
		rc = xs_read(XS_TXN_NIL, path, val, sizeof(val));
	if (rc >= 0)
		rc = netfront_parse_mac(val, (size_t)rc, mac);
	if (rc) {
		pr_err("netfront: %s: no valid MAC (%d)\n", NETFRONT_DEV, rc);
		return rc == -ERANGE ? -EPROTO : rc;
	}
	return 0;
}

/* A backend key: absent is 0; `max` bounds it (1 for a boolean). */
static int be_u32(const struct netfront_xb *xb, const char *leaf, uint32_t max,
		  uint32_t *out)
{
	char path[NETFRONT_PATH_MAX + 40];
	uint64_t v = 0;
	int rc = leaf_path(path, sizeof(path), xb->be, leaf);

	if (!rc)
		rc = xs_read_u64(XS_TXN_NIL, path, &v);
	if (rc == -ENOENT) {
		v = 0;
		rc = 0;
	}
	if (!rc && v > max)
		rc = -EPROTO;
	if (rc) {
		pr_err("netfront: backend %s/%s: bad value (%d)\n", xb->be,
		       leaf, rc);
		return rc == -EINVAL ? -EPROTO : rc;
	}
	*out = (uint32_t)v;
	return 0;
}

static int read_features(const struct netfront_xb *xb,
			 struct netfront_features *f)
{
	uint32_t copy, sg, split, gso, csum6, notify;
	int rc;

	rc = be_u32(xb, "feature-rx-copy", 1, &copy);
	rc = rc ?: be_u32(xb, "feature-sg", 1, &sg);
	rc = rc ?: be_u32(xb, "feature-split-event-channels", 1, &split);
	rc = rc ?: be_u32(xb, "feature-gso-tcpv4", 1, &gso);
	rc = rc ?: be_u32(xb, "feature-ipv6-csum-offload", 1, &csum6);
	rc = rc ?: be_u32(xb, "feature-rx-notify", 1, &notify);
	rc = rc ?: be_u32(xb, "multi-queue-max-queues", 0xffff, &f->max_queues);
	if (rc)
		return rc;
	f->rx_copy = copy;
	f->sg = sg;
	f->split_evtchn = split;
	f->gso_tcpv4 = gso;
	f->ipv6_csum = csum6;
	f->rx_notify = notify;
	/* No key: the one queue every backend serves. */
	f->max_queues = MAX(f->max_queues, 1);
	/* Page flipping is gone from every backend: copy or nothing. */
	if (!copy) {
		pr_err("netfront: backend %s lacks feature-rx-copy\n", xb->be);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int switch_state(struct netfront_xb *xb, enum xenbus_state st)
{
	int rc = xenbus_switch_state(XS_TXN_NIL, NETFRONT_DEV, st);

	if (!rc)
		xb->fe_state = st;
	return rc;
}

int netfront_xb_await_backend(struct netfront_xb *xb,
			      struct netfront_features *f, uint64_t timeout_ns)
{
	enum xenbus_state st;
	int rc;

	/* After a close, Initialising asks the backend to start over. */
	if (xb->fe_state != XenbusStateInitialising) {
		rc = switch_state(xb, XenbusStateInitialising);
		if (rc)
			return rc;
	}
	rc = xenbus_wait_state(xb->be, XENBUS_STATE_BIT(XenbusStateInitWait),
			       &st, timeout_ns);
	if (rc) {
		pr_err("netfront: backend %s not in InitWait (%s, %d)\n",
		       xb->be, xenbus_state_name(st), rc);
		return rc;
	}
	return read_features(xb, f);
}

struct publish {
	const struct netfront_xb *xb;
	const struct netfront *nf;
};

static int put(xs_transaction_t t, const char *leaf, unsigned int v)
{
	char path[64], val[12];
	int rc = leaf_path(path, sizeof(path), NETFRONT_DEV, leaf);

	snprintf(val, sizeof(val), "%u", v);
	return rc ?: xs_write(t, path, val);
}

static int publish_txn(xs_transaction_t t, void *arg)
{
	const struct publish *p = arg;
	int rc;

	rc = put(t, "tx-ring-ref", p->nf->tx_ring_ref);
	rc = rc ?: put(t, "rx-ring-ref", p->nf->rx_ring_ref);
	rc = rc ?: put(t, "event-channel", p->xb->port);
	rc = rc ?: put(t, "request-rx-copy", 1);
	rc = rc ?: put(t, "feature-rx-notify", 1);
	/* One slot per frame either way. */
	rc = rc ?: put(t, "feature-sg", 0);
	rc = rc ?: put(t, "feature-gso-tcpv4", 0);
	/*
	 * RX checksums may be left blank (netfront_rx.c rx_csum_flags()):
	 * dom0 then sends us its frames unchecksummed, as it does to Linux.
	 */
	rc = rc ?: put(t, "feature-no-csum-offload", 0);
	/* The backend never sees Connected without the keys above. */
	return rc ?: xenbus_switch_state(t, NETFRONT_DEV, XenbusStateConnected);
}

int netfront_xb_publish(struct netfront_xb *xb, const struct netfront *nf)
{
	struct publish p = {.xb = xb, .nf = nf};
	int rc = xs_transact(publish_txn, &p, TXN_RETRIES);

	if (rc) {
		pr_err("netfront: publishing the rings failed (%d)\n", rc);
		return rc;
	}
	xb->fe_state = XenbusStateConnected;
	return 0;
}

int netfront_xb_await_connected(struct netfront_xb *xb, uint64_t timeout_ns)
{
	/*
	 * XSA-465: a backend removed while we connect is gone, not slow: stop
	 * waiting at once (-ENOENT), and the caller closes without waiting
	 * for it either.
	 */
	uint32_t mask = XENBUS_STATE_BIT(XenbusStateConnected) |
			XENBUS_STATE_BIT(XenbusStateClosing) |
			XENBUS_STATE_BIT(XenbusStateClosed) |
			(BUGGY(XSA465) ? 0 : XENBUS_WAIT_GONE);
	enum xenbus_state st;
	int rc = xenbus_wait_state(xb->be, mask, &st, timeout_ns);

	if (!rc && st != XenbusStateConnected)
		rc = -ECONNRESET;
	if (rc)
		pr_err("netfront: backend %s did not connect (%s, %d)\n",
		       xb->be, xenbus_state_name(st), rc);
	return rc;
}

/* Our state `st`, then wait (bounded) for the backend to reach `mask`. */
static void close_step(struct netfront_xb *xb, enum xenbus_state st,
		       uint32_t mask, bool gone)
{
	enum xenbus_state be;
	int rc = switch_state(xb, st);

	if (rc || gone)
		return;
	rc = xenbus_wait_state(xb->be, mask, &be, CLOSE_WAIT_NS);
	if (rc && rc != -ENOENT)
		pr_warn("netfront: backend %s stays %s after our %s (%d)\n",
			xb->be, xenbus_state_name(be), xenbus_state_name(st),
			rc);
}

void netfront_xb_close_begin(struct netfront_xb *xb, bool gone)
{
	/* Backend Closing means it has unmapped our rings (netback does). */
	close_step(xb, XenbusStateClosing,
		   XENBUS_STATE_BIT(XenbusStateClosing) |
		       XENBUS_STATE_BIT(XenbusStateClosed),
		   gone);
}

void netfront_xb_close_end(struct netfront_xb *xb, bool gone)
{
	close_step(xb, XenbusStateClosed, XENBUS_STATE_BIT(XenbusStateClosed),
		   gone);
}

int netfront_xb_backend_state(const struct netfront_xb *xb)
{
	enum xenbus_state st;
	int rc = xenbus_read_state(xb->be, &st);

	return rc ? rc : (int)st;
}

static void be_changed(const char *path, const char *token, void *arg)
{
	/* Only noted: the state machine runs in netfront_service(). */
	((struct netfront_xb *)arg)->be_event = true;
}

int netfront_xb_watch(struct netfront_xb *xb)
{
	char path[NETFRONT_PATH_MAX];
	int rc = leaf_path(path, sizeof(path), xb->be, "state");

	if (rc || !strcmp(path, xb->watched))
		return rc;
	if (xb->watched[0])
		xs_unwatch(xb->watched, "netfront-be");
	xb->watched[0] = '\0';
	rc = xs_watch(path, "netfront-be", be_changed, xb);
	if (rc) {
		pr_err("netfront: cannot watch %s (%d)\n", path, rc);
		return rc;
	}
	strlcpy(xb->watched, path, sizeof(xb->watched));
	return 0;
}
