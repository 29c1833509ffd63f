/*
 * Internal to netfront (drivers/netfront/netfront*.c) and the tests its
 * fragment netfront.mk builds; make check-layering refuses it anywhere
 * else.  The public API is netfront.h.
 *
 * The ring logic works on a struct netfront whose Xen access (grants, end
 * access, notify, delivery) comes through struct netfront_ops, so the host
 * tests (tests/host/netfront_*.c) run it over rings in plain memory, with
 * the test playing a correct or hostile backend.
 */
#ifndef DRIVERS_NETFRONT_PRIV_H
#define DRIVERS_NETFRONT_PRIV_H

#include "drivers/netfront/netfront.h"
#include "kernel/xen/ring.h" /* before netif.h: supplies ring.h's barriers */
#include "lib/compiler.h"
#include "lib/string.h"
#include <xen/io/netif.h>

#define NETFRONT_TX_RING_SIZE __CONST_RING_SIZE(netif_tx, PAGE_SIZE)
#define NETFRONT_RX_RING_SIZE __CONST_RING_SIZE(netif_rx, PAGE_SIZE)
#define NETFRONT_MAX_IDS      256
/* RX buffers kept posted, and the batch in which they are refilled. */
#define NETFRONT_RX_TARGET 64
#define NETFRONT_RX_BATCH  16
/* Free pages kept for reuse; more are given back to the allocator. */
#define NETFRONT_POOL_MAX 64
/* TX responses we let the backend answer before it notifies us (at most;
 * half of what is in flight when that is less): netfront_tx.c. */
#define NETFRONT_TX_EVENT_BATCH 16U
/*
 * RX responses per notification while a stream flows (netfront.c): 16,
 * for the goal of one notification per 10 packets (8 gave 0.106-0.112 per
 * packet, kernel/net/README.md).  At least NETFRONT_RX_TARGET -
 * NETFRONT_RX_BATCH = 48 buffers stay posted, so 16 responses always fit.
 */
#define NETFRONT_RX_EVENT_BATCH 16U

/*
 * netfront's BUGGY= switches (lib/compiler.h), each one rule off:
 * BUGGY(MSA00): ids from a small counter, owners never checked.
 * BUGGY(MSA01_ZERO): MSA01's netfront half: pages granted with whatever
 *   they held before, TX past the frame and RX whole.
 * BUGGY(DRAIN): the drain switched back on (issue 9): a buffer answered
 *   while still mapped is quarantined and the device goes on; no bound on
 *   reconnects.
 * BUGGY(XSA155): an RX response's offset and length read twice.
 * BUGGY(XSA403): TX grants the caller's buffer's page itself.
 * BUGGY(XSA457): the page pool is forgotten at teardown, not freed.
 * BUGGY(XSA465): a backend whose state node vanished is ignored.
 * BUGGY(XSA405): an RX buffer answered with an error keeps its id and
 *   grant, but its page goes back to the pool.
 * BUGGY(XSA405_ORDER): an RX answer is taken as answering the buffer
 *   posted at its ring index, whatever id it names.
 */
/*
 * Issue 9: the device does not (re)connect while the grant quarantine
 * holds this many references granted to its backend.  With what one
 * connection can leave there (both rings, every RX buffer, a full TX
 * ring), a backend can never hold more than NETFRONT_QUARANTINE_BOUND.
 */
#define NETFRONT_QUARANTINE_MAX 64
#define NETFRONT_CONN_GRANTS_MAX                                               \
	(2 + NETFRONT_RX_TARGET + NETFRONT_TX_RING_SIZE)
#define NETFRONT_QUARANTINE_BOUND                                              \
	(NETFRONT_QUARANTINE_MAX + NETFRONT_CONN_GRANTS_MAX)
/* BUGGY(MSA00)'s id space: smaller than what can be in flight. */
#define NETFRONT_MSA00_OFF_IDS 32

enum netfront_id_state {
	NETFRONT_ID_IDLE = 0, /* not issued since the rings were set up */
	NETFRONT_ID_INFLIGHT, /* owned by one pushed request */
	NETFRONT_ID_ANSWERED, /* its last request was answered; free */
};

/* Request ids: FIFO free list, so a freed id is reused as late as can be. */
struct netfront_ids {
	uint16_t size, nfree, head, tail;
	uint16_t next[NETFRONT_MAX_IDS];
	uint8_t state[NETFRONT_MAX_IDS];
	uint32_t buggy_next;
};

void netfront_ids_init(struct netfront_ids *ids, unsigned int size);
/* A free id, now in flight; -ENOSPC if none. */
int netfront_id_alloc(struct netfront_ids *ids);
/*
 * May a response carry `id`?  0: in flight.  NETFRONT_ERR_BAD_ID,
 * _STALE_ID or _DUP_ID otherwise (MSA00).
 */
enum netfront_err netfront_id_check(const struct netfront_ids *ids,
				    uint32_t id);
/*
 * The slot a response's id names, once netfront_id_check() accepted it:
 * the id itself.  BUGGY=msa00 checks no range, like Linux netfront before
 * its 2021 hardening (XSA-331 era), which indexed its arrays with the
 * backend's id; here the id is folded into the ring instead, so the bug
 * hands out the wrong buffer rather than corrupting memory.
 */
static inline uint16_t netfront_id_slot(const struct netfront_ids *ids,
					uint32_t id)
{
	return (uint16_t)(BUGGY(MSA00) ? id % ids->size : id);
}
/* The response for in-flight `id` was taken: free it. */
void netfront_id_release(struct netfront_ids *ids, uint16_t id);

/* What one id's request holds. */
struct netfront_slot {
	void *page;
	grant_ref_t ref;
	uint16_t len;
	bool borrowed; /* BUGGY=xsa403 only: the caller's page, not ours */
};

struct netfront_ops {
	/* Grant the backend access to `page`; 0 or -errno. */
	int (*grant)(void *ctx, void *page, bool readonly, grant_ref_t *ref);
	/* gnttab_end_access(): 0, or -EBUSY while mapped. */
	int (*end)(void *ctx, grant_ref_t ref);
	/* gnttab_end_access_and_free(): 0, or -EBUSY: quarantined. */
	int (*end_and_free)(void *ctx, grant_ref_t ref, void *page);
	void (*notify)(void *ctx);
	/* A received frame, valid during the call; flags NETDEV_RX_*. */
	void (*deliver)(void *ctx, const void *frame, size_t len,
			unsigned int flags);
};

/* Test observers, called with the device locked; all optional. */
struct netfront_hooks {
	/* A TX request is about to be pushed; its page is granted. */
	void (*tx_push)(void *arg, uint16_t id, const void *page, size_t len);
	void (*tx_done)(void *arg, uint16_t id, int16_t status);
	/* An RX buffer is about to be pushed; its page is granted. */
	void (*rx_post)(void *arg, uint16_t id, const void *page);
	void (*rx_done)(void *arg, uint16_t id, int16_t status);
	/* A received frame, before it goes up to the stack. */
	void (*rx_frame)(void *arg, const void *frame, size_t len);
	void *arg;
};

struct netfront {
	const struct netfront_ops *ops;
	void *ctx;
	domid_t backend;
	netif_tx_front_ring_t tx;
	netif_rx_front_ring_t rx;
	grant_ref_t tx_ring_ref, rx_ring_ref;
	/* Highest rsp_prod seen per ring: it may never go backwards. */
	RING_IDX tx_seen, rx_seen;
	/* RX responses the backend may produce before it notifies us: 1
	 * (every one) unless the kernel glue saw a stream (netfront.c). */
	unsigned int rx_event_batch;
	struct netfront_ids tx_ids, rx_ids;
	struct netfront_slot tx_slot[NETFRONT_MAX_IDS];
	struct netfront_slot rx_slot[NETFRONT_MAX_IDS];
#if BUGGY(XSA405_ORDER)
	/* The id posted at each RX ring index: what the switch pairs by. */
	uint16_t rx_id_at[NETFRONT_MAX_IDS];
#endif
	void *pool[NETFRONT_POOL_MAX];
	unsigned int rx_target;
	bool rings_up;
	bool in_rx, in_tx; /* re-entry guards (netdev_rx may xmit or poll) */
	struct netfront_stats st;
	struct netfront_state state;
	struct netfront_hooks hooks;
};

/* netfront_core.c */
/* Interrupts off around ring work (the event handler is an interrupt). */
bool netfront_lock(void);
void netfront_unlock(bool was_on);
/* Record a violation: one log line; the first one marks the device broken */
void netfront_broken(struct netfront *nf, enum netfront_err kind,
		     const char *fmt, ...) __printf(3, 4);
/*
 * Check a freshly read response producer `prod`: `overflow` is
 * RING_RESPONSE_PROD_OVERFLOW() of it, `cons` the ring's consumer,
 * `req_prod` our request producer and `*seen` the highest value seen.
 * True if sane (and *seen updated); else the device is broken.
 */
bool netfront_prod_ok(struct netfront *nf, const char *ring, RING_IDX prod,
		      bool overflow, RING_IDX cons, RING_IDX req_prod,
		      RING_IDX *seen);
/* Page pool: a page (pool first, else the allocator), or NULL. */
void *netfront_page_get(struct netfront *nf);
/* A page we own exclusively again: back to the pool, or freed. */
void netfront_page_put(struct netfront *nf, void *page);
/*
 * End access to a slot's grant.  True: the page is ours again.  False: the
 * backend still maps it: page and reference now belong to the quarantine.
 */
bool netfront_slot_end(struct netfront *nf, struct netfront_slot *s);
/* Teardown: end access and give the page up (freed or quarantined). */
void netfront_slot_drop(struct netfront *nf, struct netfront_slot *s);
/* End access to `ref` and give `page` up for good: freed or quarantined. */
void netfront_grant_free(struct netfront *nf, grant_ref_t ref, void *page);
/* Fill every page sitting in the pool with `byte`; how many (tests). */
unsigned int netfront_pool_poison(struct netfront *nf, uint8_t byte);
/* Is `page` in the pool? (tests) */
bool netfront_pool_has(const struct netfront *nf, const void *page);

/* netfront_rings.c: the orchestrator over rx and tx */
/*
 * Allocate and grant both ring pages to `backend` and post the RX
 * buffers.  0 or -errno (nothing left allocated).
 */
int __must_check netfront_rings_init(struct netfront *nf, domid_t backend);
/*
 * End every grant and free every page (quarantining what the backend
 * still maps); in-flight TX frames count as dropped.  Idempotent.
 */
void netfront_rings_release(struct netfront *nf);
/*
 * Both rings' responses, then an RX refill.  True if there was any work
 * (a false return from the event handler is a spurious event, XSA-391).
 */
bool netfront_work(struct netfront *nf);

/* netfront_tx.c */
int netfront_tx(struct netfront *nf, const void *frame, size_t len);
/* Take the TX responses; the number taken, or -EPROTO when broken. */
int netfront_tx_reap(struct netfront *nf);
/* Drop every in-flight TX request (teardown). */
void netfront_tx_release(struct netfront *nf);

/* netfront_rx.c */
/* Post buffers up to rx_target, if a batch is due (or `force`). */
int netfront_rx_refill(struct netfront *nf, bool force);
int netfront_rx_reap(struct netfront *nf);
void netfront_rx_release(struct netfront *nf);

/* netfront_xenbus.c: the handshake over xenstore (process context). */
#define NETFRONT_PATH_MAX 256

struct netfront_xb {
	char be[NETFRONT_PATH_MAX];	 /* the backend's directory */
	char watched[NETFRONT_PATH_MAX]; /* "<be>/state" under watch, or "" */
	domid_t be_id;
	uint32_t port;		/* our event channel */
	int fe_state;		/* enum xenbus_state we last wrote */
	volatile bool be_event; /* the backend's state node changed */
};

/* Backend path and id, and our MAC; -ENODEV if there is no vif. */
int netfront_xb_probe(struct netfront_xb *xb, uint8_t mac[6]);
/* Initialising; backend InitWait; its features (rx-copy required). */
int netfront_xb_await_backend(struct netfront_xb *xb,
			      struct netfront_features *f, uint64_t timeout_ns);
/* Rings, event channel, requests and state Connected: one transaction. */
int netfront_xb_publish(struct netfront_xb *xb, const struct netfront *nf);
int netfront_xb_await_connected(struct netfront_xb *xb, uint64_t timeout_ns);
/* Closing and the backend's answer; `gone`: nobody to wait for. */
void netfront_xb_close_begin(struct netfront_xb *xb, bool gone);
/* Closed and the backend's answer. */
void netfront_xb_close_end(struct netfront_xb *xb, bool gone);
/* The backend's state now (enum xenbus_state), or -errno (-ENOENT: gone). */
int netfront_xb_backend_state(const struct netfront_xb *xb);
/* Watch "<be>/state" (once per path): events set be_event. */
int netfront_xb_watch(struct netfront_xb *xb);

/* netfront.c: the one device, for tests. */
struct netfront *netfront_dev(void);

/* What was in use apart from the device, taken at its first connect. */
struct netfront_baseline {
	uint64_t pages;		    /* page-API pages (mm used - heap) */
	uint64_t free_pages;	    /* mm free pages, the device's counted in */
	uint32_t refs;		    /* grant references granted */
	uint32_t quarantined_pages; /* pages in the grant quarantine */
	bool valid;
};
/* False (and zeros) before the first connect. */
bool netfront_get_baseline(struct netfront_baseline *b);

#endif
