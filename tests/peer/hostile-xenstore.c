// SPDX-License-Identifier: MIT
/*
 * hostile-xenstore: a xenstored that breaks the wire protocol on the
 * guest's real xenstore ring, for tests/guest/xsclient_test.c (the
 * xenstore client hardening rows: XSA-155/349 classes seen from the
 * client).  It maps the ring (grant reference GNTTAB_RESERVED_XENSTORE,
 * granted to dom0 by the domain builder: xenstored maps it the same way),
 * stops dom0's xenstored (SIGSTOP) so that it alone answers the guest,
 * takes the guest's next request off the ring and answers it so:
 *
 *   reply-len    a reply header whose length is XSM_BAD_LEN (over
 *                XENSTORE_PAYLOAD_MAX), then that many bytes, as fast as
 *                the guest consumes them;
 *   ring-index   a well-formed reply, but rsp_prod published XSM_INDEX_LEAP
 *                bytes past it (4 rings ahead), for 2 s, then put back;
 *   watch-flood  XSM_FLOOD_EVENTS watch events for the guest's watch,
 *                every one a different node, then the real reply.
 *
 * Protocol: the guest writes data/ktest-xs/go=1 (through xenstored); we
 * stop xenstored and put XSM_READY in the page's mailbox word
 * (xs_mailbox.h); the guest sends one request; we answer as above, let
 * xenstored go on (SIGCONT) and put XSM_DONE.  A forked watchdog sends
 * xenstored SIGCONT after WATCHDOG_S whatever happens to us: dom0 needs
 * it for every later scenario.
 *
 * Usage: hostile-xenstore [--domid N] [--timeout SECS] MODE
 */
#include "peer_util.h"
#include "peer_xs.h"
#include "xs_mailbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/grant_table.h>
#include <xen/io/xs_wire.h>
#include <xengnttab.h>

#define WATCHDOG_S    20
#define TAKE_MS	      15000 /* for the guest's request to arrive */
#define FEED_MS	      3000  /* for the guest to take bytes, per wait */
#define INDEX_HOLD_MS 2000

static pid_t xenstored, watchdog;
static struct xenstore_domain_interface *intf;

static void release_xenstored(void)
{
	if (xenstored > 0 && !kill(xenstored, SIGCONT))
		peer_log("xenstored %d continued", (int)xenstored);
	xenstored = 0;
	if (watchdog > 0)
		kill(watchdog, SIGKILL);
	watchdog = 0;
}

static void mailbox(uint32_t v)
{
	__atomic_store_n((uint32_t *)((char *)intf + XSM_OFFSET), v,
			 __ATOMIC_SEQ_CST);
}

static uint32_t ld(XENSTORE_RING_IDX *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

/* Copy len bytes out of the request ring at index `at`. */
static void req_copy(void *dst, XENSTORE_RING_IDX at, size_t len)
{
	for (size_t i = 0; i < len; i++)
		((char *)dst)[i] = intf->req[MASK_XENSTORE_IDX(at + i)];
}

/* Wait for one whole request, take it off the ring; 0 or -ETIMEDOUT. */
static int take_request(struct xsd_sockmsg *h)
{
	uint64_t end = peer_now_ms() + TAKE_MS;

	while (!peer_stop && peer_now_ms() < end) {
		XENSTORE_RING_IDX prod = ld(&intf->req_prod);
		XENSTORE_RING_IDX cons = ld(&intf->req_cons);

		if (prod - cons >= sizeof(*h)) {
			req_copy(h, cons, sizeof(*h));
			if (h->len <= XENSTORE_PAYLOAD_MAX &&
			    prod - cons >= sizeof(*h) + h->len) {
				__atomic_store_n(&intf->req_cons,
						 cons + sizeof(*h) + h->len,
						 __ATOMIC_SEQ_CST);
				return 0;
			}
		}
		usleep(1000);
	}
	return -ETIMEDOUT;
}

/* Put len bytes into the response ring as the guest frees room. */
static size_t put(const void *src, size_t len)
{
	uint64_t end = peer_now_ms() + FEED_MS;
	size_t done = 0;

	while (done < len && !peer_stop && peer_now_ms() < end) {
		XENSTORE_RING_IDX prod = ld(&intf->rsp_prod);
		XENSTORE_RING_IDX room =
		    XENSTORE_RING_SIZE - (prod - ld(&intf->rsp_cons));
		size_t n = 0;

		if (room > XENSTORE_RING_SIZE)
			break; /* the guest's consumer is past our producer */
		for (; n < room && done + n < len; n++)
			intf->rsp[MASK_XENSTORE_IDX(prod + n)] =
			    ((const char *)src)[done + n];
		if (n) {
			__atomic_store_n(&intf->rsp_prod, prod + n,
					 __ATOMIC_SEQ_CST);
			done += n;
			end = peer_now_ms() + FEED_MS;
		} else {
			usleep(500);
		}
	}
	return done;
}

static size_t put_msg(uint32_t type, const struct xsd_sockmsg *req,
		      const void *body, uint32_t len)
{
	struct xsd_sockmsg h = {.type = type, .len = len};

	if (req) {
		h.req_id = req->req_id;
		h.tx_id = req->tx_id;
	}
	if (put(&h, sizeof(h)) != sizeof(h))
		return 0;
	return sizeof(h) + put(body, len);
}

static void reply_len(const struct xsd_sockmsg *req)
{
	static char body[XSM_BAD_LEN];
	struct xsd_sockmsg h = {.type = XS_READ,
				.req_id = req->req_id,
				.tx_id = req->tx_id,
				.len = XSM_BAD_LEN};
	size_t n;

	memset(body, 'A', sizeof(body));
	n = put(&h, sizeof(h));
	if (n == sizeof(h))
		n = put(body, sizeof(body));
	peer_log("reply-len: header len %u, %zu of its body bytes taken",
		 XSM_BAD_LEN, n);
}

static void ring_index(const struct xsd_sockmsg *req)
{
	XENSTORE_RING_IDX cons0 = ld(&intf->rsp_cons), real;
	uint64_t end;
	struct xsd_sockmsg h = {.type = XS_READ,
				.req_id = req->req_id,
				.tx_id = req->tx_id,
				.len = 2};
	char msg[sizeof(h) + 2];

	/* Bytes first, then one store: the guest never sees the real index. */
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), "ok", 2);
	real = ld(&intf->rsp_prod);
	for (size_t i = 0; i < sizeof(msg); i++)
		intf->rsp[MASK_XENSTORE_IDX(real + i)] = msg[i];
	real += sizeof(msg);
	__atomic_store_n(&intf->rsp_prod, real + XSM_INDEX_LEAP,
			 __ATOMIC_SEQ_CST);
	/*
	 * Held INDEX_HOLD_MS for a guest that takes nothing (a refusal is
	 * seen only as time without a byte taken); a guest that takes bytes
	 * past the real index has shown the bug: let go at once.
	 */
	end = peer_now_ms() + INDEX_HOLD_MS;
	while (!peer_stop && peer_now_ms() < end &&
	       (int32_t)(ld(&intf->rsp_cons) - real) <= 0)
		usleep(10000);
	peer_log("ring-index: rsp_prod %u published as %u; the guest's "
		 "rsp_cons %u -> %u",
		 real, real + XSM_INDEX_LEAP, cons0, ld(&intf->rsp_cons));
	/* xenstored finds the ring as it was. */
	__atomic_store_n(&intf->rsp_prod, real, __ATOMIC_SEQ_CST);
}

static void watch_flood(const struct xsd_sockmsg *req)
{
	unsigned int i, sent = 0;

	for (i = 0; i < XSM_FLOOD_EVENTS && !peer_stop; i++) {
		char ev[96];
		int n = snprintf(ev, sizeof(ev), "%s/%u%c%s", XSM_FLOOD_PATH, i,
				 0, XSM_FLOOD_TOKEN);

		if (put_msg(XS_WATCH_EVENT, NULL, ev, (uint32_t)n + 1) !=
		    sizeof(struct xsd_sockmsg) + (size_t)n + 1)
			break;
		sent++;
	}
	put_msg(XS_READ, req, XSM_FLOOD_REPLY, sizeof(XSM_FLOOD_REPLY) - 1);
	peer_log("watch-flood: %u events, then the reply", sent);
}

/* Wait for data/ktest-xs/go = 1; 0, or -ETIMEDOUT at `end`. */
static int wait_go(struct xs_handle *xs, unsigned int domid, uint64_t end)
{
	char path[96], buf[16];

	snprintf(path, sizeof(path), "/local/domain/%u/data/ktest-xs/go",
		 domid);
	while (!peer_stop && peer_now_ms() < end) {
		if (peer_xs_read(xs, XBT_NULL, path, buf, sizeof(buf)) >= 0 &&
		    !strcmp(buf, "1"))
			return 0;
		usleep(20000);
	}
	return -ETIMEDOUT;
}

static pid_t start_watchdog(pid_t target)
{
	pid_t pid = fork();

	if (!pid) {
		/* Outlive a kill of our process group. */
		setsid();
		sleep(WATCHDOG_S);
		kill(target, SIGCONT);
		_exit(0);
	}
	return pid;
}

int main(int argc, char **argv)
{
	static const char *const modes[] = {"reply-len", "ring-index",
					    "watch-flood", NULL};
	struct peer_target t;
	uint32_t domid, timeout;
	const char *mode;
	struct xsd_sockmsg req;
	struct xs_handle *xs;
	xengnttab_handle *gt;

	peer_log_init("hostile-xenstore");
	if (peer_parse_target(argc, argv, modes, &t)) {
		fprintf(stderr,
			"usage: hostile-xenstore [--domid N] [--timeout SECS] "
			"reply-len|ring-index|watch-flood\n");
		return 1;
	}
	domid = t.domid;
	timeout = t.timeout_s;
	mode = t.mode;
	if (peer_signals_init())
		return 1;
	xs = xs_open(0);
	if (!xs) {
		peer_log("xs_open: %s", strerror(errno));
		return 1;
	}
	if (wait_go(xs, domid, peer_now_ms() + (uint64_t)timeout * 1000)) {
		peer_log("no go from domain %u", domid);
		return 2;
	}
	gt = xengnttab_open(NULL, 0);
	intf = gt ? xengnttab_map_grant_ref(gt, domid, GNTTAB_RESERVED_XENSTORE,
					    PROT_READ | PROT_WRITE)
		  : NULL;
	if (!intf) {
		peer_log("cannot map the xenstore grant of domain %u: %s",
			 domid, strerror(errno));
		return 1;
	}
	xenstored = peer_find_pid("xenstored");
	if (xenstored > 0)
		watchdog = start_watchdog(xenstored);
	if (xenstored <= 0 || watchdog <= 0 || kill(xenstored, SIGSTOP)) {
		peer_log("cannot stop xenstored");
		release_xenstored();
		xengnttab_unmap(gt, intf, 1);
		return 1;
	}
	atexit(release_xenstored);
	peer_log("%s: xenstored %d stopped, xenstore ring of domain %u mapped",
		 mode, (int)xenstored, domid);
	mailbox(XSM_READY);
	if (take_request(&req)) {
		peer_log("no request from domain %u", domid);
	} else {
		peer_log("request type %u id %u len %u taken", req.type,
			 req.req_id, req.len);
		if (!strcmp(mode, "reply-len"))
			reply_len(&req);
		else if (!strcmp(mode, "ring-index"))
			ring_index(&req);
		else
			watch_flood(&req);
	}
	release_xenstored();
	mailbox(XSM_DONE);
	xengnttab_unmap(gt, intf, 1);
	xs_close(xs);
	return 0;
}
