/*
 * netfront: the Xen paravirtual network frontend (xen/io/netif.h), one
 * device ("device/vif/0"), one queue, one event channel, copy-mode RX.
 *
 * What another domain writes is untrusted (STYLE.md, XSA-155): every
 * response is copied out of the ring once (RING_COPY_RESPONSE) and only the
 * copy is validated and used; the producer index is read once per pass and
 * may neither run more than a ring ahead (RING_RESPONSE_PROD_OVERFLOW) nor
 * go backwards.  A violation logs one line, marks the device broken with a
 * reason and stops all ring processing; the next netfront_service() in
 * process context tears the device down, ending every grant (a page the
 * backend still maps goes to the grant quarantine, MSA02) and freeing every
 * page, so nothing leaks and nothing crashes.
 *
 * MSA00: a request id (TX and RX) belongs to exactly one in-flight request
 * from push to response; a response whose id is out of range, not in
 * flight, or already answered is rejected and no buffer changes hands.
 * MSA01 / XSA-403: a page granted to the backend holds only the bytes of
 * this use and zeros: TX pages get the frame then zeros, RX buffers are
 * zeroed before every grant, including pages recycled from the pool.
 *
 * Contexts: the event channel handler processes both rings in interrupt
 * context (interrupts off) and delivers received frames to the stack with
 * netdev_rx_flags() there (NETDEV_RX_CSUM_OK for a checksum the backend
 * left blank or checked); xmit may be called from anywhere, also from
 * inside netdev_rx_flags().  The xenbus side (connect, teardown, reacting to
 * the backend's state) needs xenstore, so it runs only in process context: at
 * boot, in netfront_service(), which the netdev's poll op calls.
 */
#ifndef DRIVERS_NETFRONT_H
#define DRIVERS_NETFRONT_H

#include "lib/compiler.h"

struct netdev;

/* The one device netfront drives (its xenstore directory). */
#define NETFRONT_DEV "device/vif/0"
/*
 * "xx:xx:xx:xx:xx:xx" (len bytes), unicast, not zero: 0 or -EPROTO.  Also
 * for other frontends reading a vif's "mac" node (tests/guest/hostile_fe).
 */
int netfront_parse_mac(const char *s, size_t len, uint8_t mac[6]);

/* Kinds of backend misbehaviour, each counted; the first one breaks. */
enum netfront_err {
	NETFRONT_ERR_NONE = 0,
	NETFRONT_ERR_BAD_ID,	    /* id outside the ring */
	NETFRONT_ERR_STALE_ID,	    /* id never issued since connect */
	NETFRONT_ERR_DUP_ID,	    /* id's request already answered */
	NETFRONT_ERR_BAD_STATUS,    /* status no NETIF_RSP_* we expect */
	NETFRONT_ERR_RX_BOUNDS,	    /* rx offset + length beyond the page */
	NETFRONT_ERR_RX_FLAGS,	    /* rx multi-slot / extra-info: not asked */
	NETFRONT_ERR_PROD_OVERFLOW, /* rsp_prod more than we requested */
	NETFRONT_ERR_PROD_REWIND,   /* rsp_prod went backwards */
	NETFRONT_ERR_STILL_MAPPED,  /* answered a buffer it still maps */
	NETFRONT_ERR_COUNT,
};

/* What the backend offered (its xenstore keys), for users and tests. */
struct netfront_features {
	bool rx_copy, sg, split_evtchn, gso_tcpv4, ipv6_csum, rx_notify;
	uint32_t max_queues;
};

struct netfront_stats {
	uint64_t tx_packets, tx_bytes;
	uint64_t tx_dropped; /* NETIF_RSP_DROPPED, or lost at teardown */
	uint64_t tx_errors;  /* NETIF_RSP_ERROR */
	uint64_t tx_busy;    /* xmit refused: ring full (-EAGAIN) */
	uint64_t rx_packets, rx_bytes;
	uint64_t rx_dropped; /* runts, NETIF_RSP_DROPPED, no page to refill */
	uint64_t rx_errors;  /* NETIF_RSP_ERROR */
	uint64_t proto_errors[NETFRONT_ERR_COUNT]; /* by kind */
	uint64_t notifies;	    /* event channel sends (both rings) */
	uint64_t irqs;		    /* events received */
	uint64_t spurious;	    /* events that found no work (XSA-391) */
	uint64_t quarantined_pages; /* handed to the grant quarantine, ever */
	uint64_t grant_fails;	    /* grant refused (table full) */
	uint64_t connects, disconnects;
	/* Now. */
	uint32_t pages_held;  /* ring pages, pool, in-flight buffers */
	uint32_t grants_held; /* references we must still end */
	uint32_t tx_inflight, rx_posted, pool_pages;
};

/* What the device is, apart from its counters. */
struct netfront_state {
	bool up, broken;
	enum netfront_err broken_kind; /* the first violation, once broken */
	char broken_reason[96];
	uint8_t mac[6];
	struct netfront_features features;
};

/* A snapshot of the device's statistics (zeros before any connect). */
void netfront_get_stats(struct netfront_stats *st);
/* A snapshot of its state (zeros before any connect). */
void netfront_get_state(struct netfront_state *s);
/* "dup-id"-style name of a kind, for logs. */
const char *netfront_err_name(enum netfront_err kind);

/* The registered netdev, or NULL if the device never connected. */
struct netdev *netfront_netdev(void);
/*
 * Connect if not connected, waiting up to `timeout_ns` for the device's
 * xenstore nodes (and at least 10 s for each answer of the backend).  A
 * broken device is torn down first and reconnected.  0 when up, -ENODEV
 * with no vif, -EBUSY outside process context, or -errno.
 */
int netfront_connect(uint64_t timeout_ns);
/*
 * Frontend-initiated close: Closing, release everything, Closed.  The
 * device stays down until netfront_connect().  Process context.
 */
int netfront_disconnect(void);
/*
 * React to what happened: tear a broken device down, follow the backend's
 * state (Closing/Closed/gone: down and released; back to InitWait after a
 * backend-side close: reconnect).  Process context only (no-op otherwise).
 */
void netfront_service(void);
/* Ring work without an interrupt (and service when in process context). */
void netfront_poll(void);
/* Queue one frame (copied).  0, -EAGAIN (ring full), -ENETDOWN, -EINVAL. */
int netfront_xmit(const void *frame, size_t len);
/*
 * The backend is a program dom0 starts with this domain (hostile-netback):
 * the boot-time connect waits up to 20 s for the device's nodes instead
 * of giving up at once.  Call before the devices come up (a command-line
 * key's handler: tests/guest/expect.c's netfront.expect=).
 */
void netfront_backend_late(void);
/*
 * Keep netfront off every vif for this boot: netfront_connect() returns
 * -ENODEV.  For the hostile_fe suite, whose raw frontend drives the vifs
 * itself (its command-line key calls this before the devices come up).
 */
void netfront_leave_alone(void);

#endif
