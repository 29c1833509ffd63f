/*
 * Requests and replies over the ring: one request in flight at a time
 * (single CPU, synchronous callers), matched to its reply by request id.
 *
 * What a hostile or confused xenstored can do, and what we do about it:
 *  - impossible ring index, or a header length over XENSTORE_PAYLOAD_MAX:
 *    the byte stream can no longer be framed, so the connection is marked
 *    broken (one log line) and every later call fails with -EIO;
 *  - a framed message that is not the awaited reply (stale id from a
 *    request that timed out, unknown type): skipped whole, counted as a
 *    resync, and we keep waiting;
 *  - the awaited reply with the wrong type or an unknown error name: the
 *    request fails with -EPROTO, counted as malformed;
 *  - silence: every wait has a deadline; -ETIMEDOUT, and a late reply is
 *    later skipped by its stale id.  A request stuck half-written in a
 *    full ring breaks the connection (the stream would be torn).
 */
#include "kernel/printk.h"
#include "kernel/xen/xenstore/xs_priv.h"
#include "lib/string.h"

/* Messages taken per drain: a peer that refills as fast as we read
 * cannot keep us here. */
#define DRAIN_MAX 256
/* Malformed messages logged; after that they are only counted. */
#define LOG_MAX 8

struct xs_conn {
	struct xs_ring ring;
	struct xs_rx rx;
	const struct xs_transport *tp;
	uint32_t req_id; /* id of the last request sent */
	uint64_t timeout_ns;
	bool attached;
	bool broken;
};

static struct xs_conn conn;
struct xs_stats xs_stats;

int xs_attach(struct xenstore_domain_interface *intf,
	      const struct xs_transport *tp)
{
	int rc;

	memset(&conn, 0, sizeof(conn));
	memset(&xs_stats, 0, sizeof(xs_stats));
	xs_watch_reset();
	conn.tp = tp;
	conn.timeout_ns = XS_TIMEOUT_NS;
	rc = xs_ring_attach(&conn.ring, intf);
	if (rc) {
		pr_err("xenstore: ring page indices invalid at attach\n");
		return rc;
	}
	conn.attached = true;
	return 0;
}

void xs_detach(void)
{
	conn.attached = false;
	xs_watch_reset();
}

bool xs_attached(void)
{
	return conn.attached;
}

bool xs_connected(void)
{
	return conn.attached && !conn.broken;
}

void xs_set_timeout(uint64_t ns)
{
	conn.timeout_ns = ns;
}

void xs_get_stats(struct xs_stats *st)
{
	*st = xs_stats;
	st->rsp_bytes = conn.ring.taken;
}

int xs_break(const char *why)
{
	if (!conn.broken)
		pr_err("xenstore: %s: connection marked broken\n", why);
	conn.broken = true;
	xs_stats.broken = true;
	return -EIO;
}

void xs_malformed(const char *what)
{
	if (++xs_stats.malformed <= LOG_MAX)
		pr_warn("xenstore: malformed %s (type %u, len %u)\n", what,
			conn.rx.hdr.type, conn.rx.hdr.len);
}

int xs_expect_ok(int rc, const char *body)
{
	if (rc)
		return rc;
	/* Compared on our terminated copy. */
	if (strcmp(body, "OK")) {
		xs_malformed("acknowledgement");
		return -EPROTO;
	}
	return 0;
}

static uint64_t xs_now(void)
{
	/* Before attach there is no clock; callers then fail with -EIO. */
	return conn.tp ? conn.tp->now_ns(conn.tp->ctx) : 0;
}

uint64_t xs_deadline(uint64_t ns)
{
	uint64_t now = xs_now();

	return ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
}

static bool rsp_cond(void *arg)
{
	return conn.broken || xs_ring_rsp_ready(&conn.ring);
}

static bool req_cond(void *arg)
{
	return conn.broken || xs_ring_req_room(&conn.ring);
}

static int wait_for(bool (*cond)(void *), uint64_t deadline)
{
	uint64_t now = xs_now();

	if (now >= deadline)
		return -ETIMEDOUT;
	return conn.tp->wait(cond, NULL, deadline - now, conn.tp->ctx);
}

int xs_wait_rsp(uint64_t deadline)
{
	return wait_for(rsp_cond, deadline);
}

/* One message out of the ring: 1 got one, 0 none yet, -EIO broken. */
static int pull_one(void)
{
	int rc = xs_rx_pull(&conn.rx, &conn.ring);

	/* xenstored stops writing on a full ring until we say we read. */
	if (conn.ring.peer_blocked) {
		conn.ring.peer_blocked = false;
		conn.tp->notify(conn.tp->ctx);
	}
	if (rc < 0)
		return xs_break("response stream cannot be framed");
	return rc;
}

/*
 * Look at the message in conn.rx.  Returns true if it is the reply to
 * request `id` of type `type` (want = true), with *result its verdict;
 * false if it was consumed otherwise (event queued, or skipped).
 */
static bool classify(bool want, uint32_t id, uint32_t type, int *result)
{
	const struct xsd_sockmsg *h = &conn.rx.hdr;

	if (h->type == XS_WATCH_EVENT) {
		xs_stats.events++;
		xs_watch_queue(conn.rx.body, h->len);
		return false;
	}
	/* Request ids must match an outstanding request. */
	if (!want || h->req_id != id) {
		xs_stats.resyncs++;
		if (!xs_type_known(h->type))
			xs_malformed("message");
		return false;
	}
	if (h->type == XS_ERROR) {
		*result = xs_errno_from_body(conn.rx.body, h->len);
		if (*result)
			xs_stats.errors++;
		else {
			xs_malformed("error reply");
			*result = -EPROTO;
		}
	} else if (h->type != type) {
		xs_malformed("reply");
		*result = -EPROTO;
	} else {
		*result = 0;
	}
	return true;
}

int xs_drain(void)
{
	int unused, rc = 0;

	if (!conn.attached || conn.broken)
		return -EIO;
	for (unsigned int i = 0; i < DRAIN_MAX; i++) {
		rc = pull_one();
		if (rc <= 0)
			break;
		classify(false, 0, 0, &unused);
	}
	return rc < 0 ? rc : 0;
}

/* Write all of [p, p + len) into the request ring by `deadline`. */
static int send_bytes(const void *p, size_t len, uint64_t deadline, bool *torn)
{
	while (len) {
		int n = xs_ring_write(&conn.ring, p, len);

		if (n < 0)
			return xs_break("request ring index invalid");
		if (n)
			*torn = true;
		p = (const char *)p + n;
		len -= n;
		if (!len)
			break;
		conn.tp->notify(conn.tp->ctx);
		if (wait_for(req_cond, deadline)) {
			xs_stats.timeouts++;
			/* Half a request in the ring tears the stream. */
			return *torn ? xs_break("request stuck in ring")
				     : -ETIMEDOUT;
		}
		if (conn.broken)
			return -EIO;
	}
	return 0;
}

static int send_request(const struct xsd_sockmsg *h, const struct xs_iov *iov,
			unsigned int n, uint64_t deadline)
{
	bool torn = false;
	int rc;

	rc = send_bytes(h, sizeof(*h), deadline, &torn);
	for (unsigned int i = 0; !rc && i < n; i++)
		rc = send_bytes(iov[i].base, iov[i].len, deadline, &torn);
	if (!rc)
		conn.tp->notify(conn.tp->ctx);
	return rc;
}

static int recv_reply(uint32_t id, uint32_t type, uint64_t deadline)
{
	int rc, result;

	for (;;) {
		rc = pull_one();
		if (rc < 0)
			return rc;
		if (rc && classify(true, id, type, &result))
			return result;
		/* A flood of other messages must not outlast the deadline. */
		if (rc && xs_now() < deadline)
			continue;
		if (xs_wait_rsp(deadline)) {
			xs_stats.timeouts++;
			return -ETIMEDOUT;
		}
	}
}

int xs_request(uint32_t type, xs_transaction_t t, const struct xs_iov *iov,
	       unsigned int n, const char **body, uint32_t *len)
{
	struct xsd_sockmsg h = {.type = type, .tx_id = t};
	uint64_t deadline;
	int rc;

	if (!conn.attached || conn.broken)
		return -EIO;
	for (unsigned int i = 0; i < n; i++) {
		if (iov[i].len > XENSTORE_PAYLOAD_MAX - h.len)
			return -E2BIG;
		h.len += iov[i].len;
	}
	h.req_id = ++conn.req_id;
	deadline = xs_deadline(conn.timeout_ns);
	xs_stats.requests++;
	rc = send_request(&h, iov, n, deadline);
	if (!rc)
		rc = recv_reply(h.req_id, type, deadline);
	if (!rc) {
		*body = conn.rx.body;
		*len = conn.rx.hdr.len;
	}
	return rc;
}
