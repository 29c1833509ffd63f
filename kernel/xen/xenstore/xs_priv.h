/*
 * Internal to the xenstore client (kernel/xen/xenstore/xs_*.c) and its host
 * tests and fuzz harness; nothing else may include it.
 *
 * Layers, bottom up, each testable on the host with the ring page being
 * plain memory and the transport (notify, wait, clock) injected:
 *   xs_ring.c   byte I/O on the two rings of struct xenstore_domain_interface
 *   xs_proto.c  framing one message out of the byte stream, and the pure
 *               parsers of reply bodies (errors, events, directories)
 *   xs_conn.c   requests and replies: ids, timeouts, broken state, stats
 *   xs_watch.c  watch table, event queue, dispatch in the waiter's context
 *               (the one up-call: xs_conn.c hands it each event it reads)
 *   xs_ops.c    read/write/rm/directory/transactions on top
 *   xs_client.c Xen glue: HVM params, event channel, timer (kernel only)
 *   xenbus.c    device state helpers (uses xs_deadline and the watch wait)
 */
#ifndef KERNEL_XEN_XS_PRIV_H
#define KERNEL_XEN_XS_PRIV_H

#include "lib/compiler.h"
#include "lib/errno.h"
/*
 * xs_wire.h builds xsd_errors[] from the E* macros in scope, and lib/errno.h
 * leaves out three that Xen has: take those from Xen's own errno.h.
 */
#include <xen/errno.h>
#ifndef EISDIR
#define EISDIR XEN_EISDIR
#endif
#ifndef EROFS
#define EROFS XEN_EROFS
#endif
#ifndef ENOTEMPTY
#define ENOTEMPTY XEN_ENOTEMPTY
#endif
#include <xen/io/xs_wire.h>

#include "kernel/xen/xenstore/xenstore.h"

/*
 * BUGGY(XS_RING_INDEX), BUGGY(XS_REPLY_LEN), BUGGY(XS_WATCH_QUEUE)
 * (lib/compiler.h): each turns one untrusted-input rule off so the tests
 * that guard it (host suite xs_hostile; xsclient against hostile-xenstore)
 * can be seen failing.
 */

/* ---- xs_ring.c ---- */

struct xs_ring {
	struct xenstore_domain_interface *intf;
	/* Ours: written to the page, never read back from it. */
	XENSTORE_RING_IDX rsp_cons, req_prod;
	/* The peer's, as last seen and found valid. */
	XENSTORE_RING_IDX rsp_prod, req_cons;
	/* The response ring was full: xenstored waits for a notify. */
	bool peer_blocked;
	uint64_t taken; /* response bytes copied out, ever */
};

/*
 * Take over the page: our indices start where the page says; responses
 * left over from before us are discarded (they may end mid-message).
 * Returns 0, or -EPROTO if the page's indices are impossible.
 */
int __must_check xs_ring_attach(struct xs_ring *r,
				struct xenstore_domain_interface *intf);
/*
 * Copy up to len response bytes into dst and free their slots.  Returns
 * the number copied (0 if none), or -EPROTO when the producer index ran
 * more than a ring ahead of us or went backwards.
 */
int __must_check xs_ring_read(struct xs_ring *r, void *dst, size_t len);
/*
 * Copy up to len request bytes into free slots and publish them.  Returns
 * the number copied, or -EPROTO when the consumer index is impossible.
 */
int __must_check xs_ring_write(struct xs_ring *r, const void *src, size_t len);
/* Wake-up hints only: the peer's index, peeked; reads recheck it. */
bool xs_ring_rsp_ready(const struct xs_ring *r);
bool xs_ring_req_room(const struct xs_ring *r);

/* ---- xs_proto.c ---- */

struct xs_rx {
	size_t got; /* bytes of the current message copied so far */
	uint8_t raw[sizeof(struct xsd_sockmsg)];
	struct xsd_sockmsg hdr; /* checked copy, valid once got >= header */
	/* Body, NUL-terminated by us at body[hdr.len]. */
	char body[XENSTORE_PAYLOAD_MAX + 1];
};

void xs_rx_reset(struct xs_rx *rx);
/*
 * Copy the next message out of the ring into rx, across as many calls as
 * it takes.  Returns 1 with a whole message in rx, 0 if the ring ran dry
 * first, -EPROTO if the stream cannot be framed (ring index or header
 * length invalid): the connection is then broken.
 */
int __must_check xs_rx_pull(struct xs_rx *rx, struct xs_ring *r);
/* Is `type` one xenstored may send (a reply type, error or event)? */
bool xs_type_known(uint32_t type);
/*
 * Map the body of an XS_ERROR reply (an errno name from xsd_errors[]) to
 * a negative errno; 0 if the name is not one we know.
 */
int xs_errno_from_body(const char *body, size_t len);
/*
 * Split an XS_WATCH_EVENT body "path\0token\0" (the last NUL may be ours).
 * Returns 0, or -EPROTO if either part is missing or empty.
 */
int __must_check xs_parse_event(const char *body, size_t len, const char **path,
				const char **token);
/*
 * Check a directory listing: NUL-terminated names, none empty or holding
 * '/'.  Returns 0 with *count set, or -EPROTO.
 */
int __must_check xs_parse_dir(const char *body, size_t len,
			      unsigned int *count);
/* Digits only, at most 20 (kstrtou64).  0, -EINVAL or -ERANGE. */
int __must_check xs_parse_u64(const char *s, size_t len, uint64_t *out);

/* ---- xs_conn.c ---- */

struct xs_transport {
	void (*notify)(void *ctx);
	/* Sleep until cond(arg) or timeout_ns passed: 0 or -ETIMEDOUT. */
	int (*wait)(bool (*cond)(void *arg), void *arg, uint64_t timeout_ns,
		    void *ctx);
	uint64_t (*now_ns)(void *ctx);
	void *ctx;
};

struct xs_iov {
	const void *base;
	size_t len;
};

/*
 * Attach to a ring page and a transport, resetting all state (watches,
 * queue, stats).  Returns 0 or -EPROTO.
 */
int __must_check xs_attach(struct xenstore_domain_interface *intf,
			   const struct xs_transport *tp);
void xs_detach(void);
bool xs_attached(void);
void xs_set_timeout(uint64_t ns);
/*
 * Send one request and wait for its reply.  On 0, *body and *len are the
 * reply's body (NUL-terminated by us), valid until the next request.
 * Returns 0, xenstored's error as -errno, -EPROTO for a malformed reply,
 * -ETIMEDOUT, -E2BIG for a request over XENSTORE_PAYLOAD_MAX, or -EIO
 * when the connection is broken.
 */
int __must_check xs_request(uint32_t type, xs_transaction_t t,
			    const struct xs_iov *iov, unsigned int n,
			    const char **body, uint32_t *len);
/*
 * Take every complete message out of the ring: events are queued, stray
 * replies dropped.  0, or -EIO when broken.
 */
int xs_drain(void);
/* The transport's clock, `ns` from now (saturating). */
uint64_t xs_deadline(uint64_t ns);
/* Wait for a response or for `deadline`; 0 or -ETIMEDOUT. */
int xs_wait_rsp(uint64_t deadline);
/* Mark the connection broken, with one log line.  Returns -EIO. */
int xs_break(const char *why);
/* Count (and log the first few) messages that failed validation. */
void xs_malformed(const char *what);
/*
 * A request that changes something is answered "OK": rc, or -EPROTO
 * (counted malformed) for any other body.
 */
int xs_expect_ok(int rc, const char *body);

extern struct xs_stats xs_stats;

/* ---- xs_watch.c ---- */

void xs_watch_reset(void);
/* Queue a copy of an event body for dispatch; drops and counts if bad. */
void xs_watch_queue(const char *body, uint32_t len);
/* Run callbacks for queued events; returns how many ran. */
unsigned int xs_watch_dispatch(void);
bool xs_watch_pending(void);
/* xs_watch_wait() with an absolute deadline (xs_deadline()); xenbus.c. */
int xs_watch_wait_until(uint64_t deadline);

#endif
