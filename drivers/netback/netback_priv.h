/*
 * netback internals, shared by the drivers/netback sources and their host
 * tests.
 *
 * Split: the ring logic (netback_tx.c, netback_rx.c, netback_switch.c)
 * reaches Xen only through struct nb_ops, so the host tests run it over
 * rings in plain memory; the xenbus handshake (netback_xenbus.c) talks
 * only to the xenstore client; netback.c is the Xen glue and life cycle.
 *
 * Rules (each at its line with the advisory's name):
 * - XSA-155: a request is copied out of the shared ring once, and only the
 *   copy is checked and used; req_prod is read once per pass and may not
 *   be more than a ring ahead of what we answered (else: broken).
 * - XSA-423/432/448 class: size 0, under an Ethernet header, over the MTU
 *   frame, offset beyond the page or offset+size past it: refused with
 *   NETIF_RSP_ERROR before anything is mapped.  No scatter-gather: every
 *   slot of a NETTXF_more_data chain gets NETIF_RSP_ERROR; extra-info
 *   slots are consumed (bounded) and answered NETIF_RSP_NULL.
 * - XSA-300: every TX page is mapped with gnttab_map(), charged to the
 *   frontend's domid; a refused map is NETIF_RSP_ERROR for that request.
 * - Pushback (issue 8; XSA-392 class): a TX request is consumed only when
 *   its frame can be handed on (a free frame, a free slot in the stack's
 *   queue); else it stays on the frontend's ring and we hold nothing for
 *   it.  A frame the stack sends to a vif with no RX buffer is -EAGAIN.
 * - XSA-392 class: frames waiting for a frontend's RX buffers are bounded
 *   per destination (NB_QUEUE_MAX) and in time (NB_QUEUE_AGE_NS); past
 *   either, frames are dropped and their mappings released at once.
 * - XSA-391: events with no work are reported to evtchn's storm back-off;
 *   every vif gets a bounded budget per service round, round robin.
 */
#ifndef DRIVERS_NETBACK_PRIV_H
#define DRIVERS_NETBACK_PRIV_H

#include "drivers/netback/netback.h"
#include "kernel/net/netdev.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "kernel/xen/ring.h" /* before netif.h: ring.h's barriers */
#include "kernel/xen/xenstore/xenbus.h"
#include <xen/event_channel.h>
#include <xen/io/netif.h>

#define NB_TX_BUDGET 64	 /* requests per vif per round */
#define NB_RX_BUDGET 64	 /* queued frames delivered per vif per round */
#define NB_QUEUE_MAX 256 /* frames waiting for one destination */
/* A frame waits at most this long for its destination's RX buffer. */
#define NB_QUEUE_AGE_NS (2ULL * 1000 * 1000 * 1000)
#define NB_FRAMES	512 /* in-flight TX frames, all vifs */
#define NB_MAX_EXTRAS	XEN_NETIF_EXTRA_TYPE_MAX
#define NB_FDB_SIZE	64
#define NB_RX_STAGE	16   /* our stack's frames copied in one batch */
#define NB_STAGE_SLOT	2048 /* bytes per staged frame: two per page */

/*
 * BUGGY(XSA155_NB), XSA-155's producer rule switched off at the backend:
 * req_prod is believed however far it runs ahead of our responses, so a
 * frontend makes us consume slots it never filled.  Only this rule: the
 * copy-once and the size/offset bounds stay.
 */

enum nb_state {
	NB_FREE = 0,  /* slot unused */
	NB_NEW,	      /* seen in xenstore, features not written yet */
	NB_INITWAIT,  /* waiting for the frontend's rings */
	NB_CONNECTED, /* rings mapped, port bound */
	NB_CLOSED,    /* released; may connect again */
	NB_REMOVING,  /* released, Closed; our directory goes at remove_at */
};

/*
 * libxl, asked to remove a device whose backend is not the toolstack
 * domain, writes online=0 and Closing, waits for Closed and only then for
 * the backend directory to go (libxl_device.c: device_backend_callback,
 * device_hotplug, device_destroy_be_watch_cb; 10 s each).  It reads the
 * state when its watch event is handled: a directory removed right after
 * our Closed reads as gone ("unable to remove device", the frontend's
 * nodes left behind unless forced).  xl devd in a Linux driver domain
 * removes it after running the hotplug script; we wait this long instead.
 */
#define NB_REMOVE_DELAY_NS (2ULL * 1000 * 1000 * 1000)

struct nb_vif;

/* A TX frame in flight: its mapping is held until it is delivered. */
struct nb_frame {
	struct nb_vif *src;
	struct nb_frame *next;
	struct gnttab_mapping m;
	uint64_t queued_at; /* ns, ops->now_ns() */
	uint16_t id, off, len, flags;
};

struct nb_vif_stats {
	uint64_t tx_ok, tx_err, rx_ok, rx_dropped;
	uint64_t err_size, err_ref, err_multislot, err_extra, refused_map;
	uint64_t refused_xen;
	uint64_t to_stack, to_vif, queued_max, events, spurious;
	uint64_t tx_held; /* rounds ended with requests left on the ring */
	uint64_t connects, teardowns;
	uint64_t break_logs; /* log lines of nb_vif_break: at most one */
};

struct nb_vif {
	enum nb_state state;
	enum xenbus_state be_state; /* as last read or written */
	domid_t fe_id;
	uint32_t devid;
	char be[XENBUS_PATH_MAX]; /* "backend/vif/<fe>/<dev>", relative */
	char fe[XENBUS_PATH_MAX]; /* the frontend's directory */
	char name[32];
	uint8_t mac[ETH_ALEN]; /* the frontend's, as the toolstack says */
	struct gnttab_mapping tx_m, rx_m;
	netif_tx_back_ring_t tx;
	netif_rx_back_ring_t rx;
	evtchn_port_t port;
	bool port_bound, broken;
	const char *why;
	bool in_chain;	     /* inside a multi-slot chain: all ERROR */
	unsigned int extras; /* extra-info slots still to consume */
	uint16_t extra_id;   /* their head request's id */
	bool tx_notify, rx_notify;
	bool tx_held; /* this round left requests on the ring (pushback) */
	struct nb_frame *q_head, *q_tail;
	unsigned int q_len;
	volatile bool kick;	 /* event seen: work may be waiting */
	bool fe_event, be_event; /* watches fired */
	bool watching;
	uint64_t remove_at; /* NB_REMOVING: ns, ops->now_ns() */
	struct nb_vif_stats st;
};

/*
 * A frame staged for a vif (issue 8: our stack's; issue 11: another
 * vif's, copied out of its mapping): its RX request is taken (copied
 * once, consumed) at once, the grant copy and the response wait for the
 * batch (nb_rx_flush).
 */
struct nb_staged {
	struct nb_vif *v; /* NULL: its vif went meanwhile */
	grant_ref_t gref;
	uint16_t id, len;
	bool from_vif; /* not our stack's: not in its counters */
};

/* One grant copy of our bytes at `src` (within a page) to a grant. */
struct nb_copy {
	domid_t dom;
	grant_ref_t ref;
	const void *src;
	uint16_t len;
};

/* What the ring logic needs from Xen (netback.c) or the host fakes. */
struct nb_ops {
	/* gnttab_map(): -ENOSPC our quota/cap, -ENOBUFS Xen's maptrack full */
	int (*map)(domid_t dom, grant_ref_t ref, bool ro,
		   struct gnttab_mapping *m);
	int (*unmap)(struct gnttab_mapping *m);
	/* Optional: gnttab_map_batch() / gnttab_unmap_batch()'s contracts,
	 * Xen's refusals -ENOBUFS as map()'s (else map/unmap one by one). */
	unsigned int (*map_batch)(domid_t dom, bool ro, const grant_ref_t *refs,
				  struct gnttab_mapping **m, int *rcs,
				  unsigned int n);
	int (*unmap_batch)(struct gnttab_mapping **m, int *rcs, unsigned int n);
	/* One grant copy from our page `src` (len <= page) to a grant. */
	int (*copy_to)(domid_t dom, grant_ref_t ref, const void *src,
		       uint16_t len);
	/* n copies (n <= NB_RX_STAGE) in one go; rcs[i] 0/-errno each. */
	void (*copy_batch)(const struct nb_copy *c, int *rcs, unsigned int n);
	void (*notify)(struct nb_vif *v);
	/* A frame for our own IP stack (copied before returning). */
	void (*to_stack)(const void *frame, size_t len);
	/* Frames to_stack() can take now (the stack's free queue slots). */
	size_t (*stack_room)(void);
	uint64_t (*now_ns)(void);
};

/*
 * One batch of a vif's TX requests (issue 8): a run of plain requests,
 * mapped in one hypercall and, once handed on, unmapped in one, where
 * each was two traps into Xen.  One per backend: rounds run in thread
 * context one at a time (netback.c's busy flag).
 */
struct nb_tx_batch {
	struct nb_frame *f[NB_TX_BUDGET];
	struct gnttab_mapping *m[NB_TX_BUDGET];
	grant_ref_t ref[NB_TX_BUDGET];
	int rc[NB_TX_BUDGET];
};

struct nb {
	const struct nb_ops *ops;
	struct nb_tx_batch batch;
	struct nb_vif vif[NETBACK_MAX_VIFS];
	struct nb_frame frames[NB_FRAMES];
	struct nb_frame *free;
	unsigned int nr_free;
	uint8_t *bounce; /* one page: frames are built here for grant copy */
	/* NB_RX_STAGE slots of NB_STAGE_SLOT bytes (set after nb_init; NULL:
	 * our stack's frames are copied one by one). */
	uint8_t *stage_buf;
	struct nb_staged staged[NB_RX_STAGE];
	struct nb_copy copies[NB_RX_STAGE];
	int copy_rc[NB_RX_STAGE];
	unsigned int nr_staged;
	uint8_t port_mac[ETH_ALEN];
	struct {
		uint8_t mac[ETH_ALEN];
		int8_t vif; /* -1: free */
	} fdb[NB_FDB_SIZE];
	unsigned int fdb_next, rr;
	struct netback_stats st;
};

/* netback_tx.c */
enum nb_tx_check {
	NB_TX_OK,
	NB_TX_BAD_SIZE,
	NB_TX_MORE_DATA,
	NB_TX_EXTRA,
};
/* Judge one copied request (the copy, never the ring slot). */
enum nb_tx_check nb_tx_check(const netif_tx_request_t *req);
/* Consume up to `budget` TX requests of `v`; returns how many. */
unsigned int nb_tx_round(struct nb *nb, struct nb_vif *v, unsigned int budget);
/* Answer one TX request (not pushed: nb_push pushes and notifies). */
void nb_tx_respond(struct nb_vif *v, uint16_t id, int16_t status);
/* Break `v`: one log line; the caller's service round tears it down. */
void nb_vif_break(struct nb_vif *v, const char *why);
/* Release a frame: unmap, answer its TX request OKAY, back to the pool. */
void nb_frame_done(struct nb *nb, struct nb_frame *f, int16_t status);
/* nb_frame_done(OKAY) for nb->batch.f[0..k-1], unmapped in one batch. */
void nb_tx_release(struct nb *nb, unsigned int k);

/* netback_rx.c */
/* RX requests the frontend posted that we have not used; <0: broken. */
int nb_rx_avail(struct nb_vif *v);
/* Copy `len` bytes at nb->bounce into `v`'s next RX buffer: 0/-errno. */
int nb_rx_deliver(struct nb *nb, struct nb_vif *v, uint16_t len);
/*
 * A frame of our stack for `v`: staged (0; copied at the next flush),
 * -EAGAIN with no RX buffer posted, or the vif's -ENETDOWN / -EPROTO.
 */
int nb_rx_stage(struct nb *nb, struct nb_vif *v, const void *frame,
		uint16_t len);
/* Copy every staged frame in one batch, answer in order and push. */
void nb_rx_flush(struct nb *nb);
/* Queue a frame for `v` (dropped past NB_QUEUE_MAX). */
void nb_rx_enqueue(struct nb *nb, struct nb_vif *v, struct nb_frame *f);
/* Deliver up to `budget` queued frames; returns how many. */
unsigned int nb_rx_round(struct nb *nb, struct nb_vif *v, unsigned int budget);
/* Drop every frame queued for `v` or sent by `v` (teardown). */
void nb_rx_purge(struct nb *nb, struct nb_vif *v);
/* Push both rings' responses and notify once if the frontend asked. */
void nb_push(struct nb *nb, struct nb_vif *v);

/* netback_switch.c */
void nb_init(struct nb *nb, const struct nb_ops *ops, void *bounce_page,
	     const uint8_t port_mac[ETH_ALEN]);
/*
 * Switch a mapped TX frame of `f->src`.  true: it is handed on (or was
 * for nobody) and the caller unmaps and answers it (netback_tx.c does a
 * batch at once); false: it waits in a vif's queue or was released.
 */
bool nb_switch_from_vif(struct nb *nb, struct nb_frame *f);
/* Switch a frame our IP stack sends: 0, or -ENETDOWN. */
int nb_switch_from_stack(struct nb *nb, const void *frame, size_t len);
/* Forget what was learnt about `v`. */
void nb_fdb_forget(struct nb *nb, const struct nb_vif *v);
/* Copy a frame out of its mapping to `dst`, checksum completed. */
void nb_frame_copy(const struct nb_frame *f, uint8_t *dst);
/* nb_frame_copy() into nb->bounce. */
int nb_frame_to_bounce(struct nb *nb, const struct nb_frame *f);
/* Frame pool. */
struct nb_frame *nb_frame_get(struct nb *nb);
void nb_frame_put(struct nb *nb, struct nb_frame *f);
static inline bool nb_vif_up(const struct nb_vif *v)
{
	return v->state == NB_CONNECTED && !v->broken;
}

/* netback_xenbus.c: one step of vif's handshake; 0 or -errno. */
int nb_xb_step(struct nb *nb, struct nb_vif *v);
/* Ring setup/teardown provided by netback.c (Xen glue). */
int nb_connect_rings(struct nb *nb, struct nb_vif *v, grant_ref_t tx_ref,
		     grant_ref_t rx_ref, evtchn_port_t port);
void nb_release(struct nb *nb, struct nb_vif *v);

/*
 * ---- Kernel only (netback.c, netback_vifs.c) ----
 */
extern struct nb *nb_glue;
int nb_vifs_start(void);
void nb_vifs_service(void);
bool nb_vifs_kicked(void);

#endif
