/* SPDX-License-Identifier: MIT */
/*
 * hostile-netback core: the backend half of the netif rings (TX and RX),
 * correct by default, with one scripted misbehaviour per scenario.  Every
 * Xen access (grant copy, event notify, holding a mapping, closing the
 * device) goes through struct nb_ops, so tests/peer/test_nb.c can play the
 * guest's netfront on rings in ordinary memory.
 *
 * The rings and their layout come from Xen's <xen/io/netif.h> and
 * <xen/io/ring.h>; nothing is hand-copied.
 */
#ifndef NB_H
#define NB_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/*
 * ring.h leaves the barriers to the includer (xenctrl.h would provide
 * them, but we do not link libxenctrl).  C11 fences give the ordering the
 * ring protocol needs on any architecture; on x86-64 rmb/wmb cost nothing.
 */
#ifndef xen_mb
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

#include <xen/io/netif.h>
#include <xen/io/xenbus.h>

#include "nb_mailbox.h"

#define NB_PAGE_SIZE 4096
/* Slots of one TX packet we accept; what every netback must accept. */
#define NB_MAX_SLOTS XEN_NETIF_NR_SLOTS_MIN
/* Extra-info slots after one request; one per type at most. */
#define NB_MAX_EXTRAS (XEN_NETIF_EXTRA_TYPE_MAX - 1)
/* Length of the RX test frame we send. */
#define NB_RX_FRAME_LEN 64
/* Ethertype of the RX test frame: IEEE 802 local experimental. */
#define NB_RX_ETHERTYPE 0x88b5
/* RX test frames waiting for a guest buffer, at most. */
#define NB_RX_PENDING_MAX 64
/* bad-status answers with this, which is no NETIF_RSP_* value. */
#define NB_BAD_STATUS_VALUE 0x5a5a
/* rx-overflow answers with offset + length beyond the page. */
#define NB_RX_OVERFLOW_OFFSET 4000
#define NB_RX_OVERFLOW_LEN    200
/*
 * The byte the guest's msa01 tests poison its pool pages with
 * (tests/guest/msa01_test.c CANARY, tests/peer/traffic.h TRAFFIC_CANARY).
 */
#define NB_CANARY 0xc5
/* mixed-storm: one valid answer per this many events (spurious run < 64) */
#define NB_MIXED_EVERY 32

enum nb_mode {
	NB_GOOD,	  /* a minimal correct backend */
	NB_DUP_ID,	  /* 2nd TX packet answered with the 1st one's id */
	NB_STALE_ID,	  /* 1st TX packet answered with an id not in flight */
	NB_BAD_ID,	  /* 1st TX packet answered with id RING_SIZE */
	NB_RX_OVERFLOW,	  /* 1st RX answer: offset + len beyond the page */
	NB_BAD_STATUS,	  /* 1st TX answer: status NB_BAD_STATUS_VALUE */
	NB_PROD_JUMP,	  /* 1st TX answer: rsp_prod more than a ring ahead */
	NB_PROD_REWIND,	  /* 2nd TX answer: rsp_prod below the published one */
	NB_STORM,	  /* storm_count notifications at connect, then good */
	NB_HOLD_TX_GRANT, /* 1st TX grant kept mapped while answered OKAY */
	NB_CLOSE_MID,	  /* 1st TX packet left unanswered, backend Closing */
	NB_RX_DUP_ID,	  /* 2nd RX answer carries the 1st one's id */
	NB_RX_STALE_ID,	  /* 2nd RX answer: an id below RING_SIZE not posted */
	NB_RX_BAD_ID,	  /* 2nd RX answer: id RING_SIZE */
	NB_HOLD_RX_ALL,	  /* every RX buffer mapped, kept, answered; all fed */
	NB_HOLD_TX_ALL,	  /* every TX grant mapped, kept, answered OKAY */
	NB_HOLD_CYCLE,	  /* hold-rx-all, mappings kept across reconnects */
	NB_RX_REWRITE,	  /* RX answer rewritten once the guest copied it */
	NB_TX_SCAN,	/* whole TX page read: bytes beyond the frame = ERROR */
	NB_MIXED_STORM, /* storm, one RX frame every NB_MIXED_EVERY events */
	NB_VANISH,	/* backend removed: TX in flight, then mid-connect */
	NB_RX_ERROR_REPEAT, /* 2nd RX answer ERROR, 3rd names it again */
	NB_RX_REORDER,	    /* 2nd and 3rd RX buffers answered swapped */
	NB_MODE_COUNT,
};

struct nb_ops {
	/* Copy @len bytes at @off in the guest's grant @ref into @buf. */
	int (*copy_from)(void *ctx, uint32_t ref, uint16_t off, void *buf,
			 uint16_t len);
	/* Copy @len bytes from @buf into the guest's grant @ref at @off. */
	int (*copy_to)(void *ctx, uint32_t ref, uint16_t off, const void *buf,
		       uint16_t len);
	/* Kick the guest's event channel. */
	void (*notify)(void *ctx);
	/* Map the guest's grant @ref and keep it mapped; 0 or -errno. */
	int (*hold)(void *ctx, uint32_t ref);
	/* Ask the xenbus side to switch the backend to Closing. */
	void (*close)(void *ctx);
	/*
	 * Map the guest's grant @ref read-only for a look at the whole page
	 * (NULL on failure), and unmap it again before anything is answered.
	 * Optional: without them nothing is scanned.
	 */
	const uint8_t *(*peek)(void *ctx, uint32_t ref);
	void (*unpeek)(void *ctx, const uint8_t *page);
};

/*
 * MSA01 / XSA-403 seen from the backend: every granted page is looked at
 * whole while its request is outstanding, and what lies outside the bytes
 * the request gives us (a TX request's offset/size; all of an RX buffer,
 * which must reach us zeroed) is counted.
 */
struct nb_scan {
	unsigned int pages;  /* pages looked at */
	unsigned int dirty;  /* ...with a non-zero byte outside the request */
	unsigned int canary; /* NB_CANARY bytes outside the request, in all */
	unsigned int errors; /* grants we could not map for a look */
};

struct nb {
	const struct nb_ops *ops;
	void *ctx;
	enum nb_mode mode;
	unsigned int storm_count;
	netif_tx_back_ring_t tx;
	netif_rx_back_ring_t rx;
	uint8_t guest_mac[6];

	bool done;	/* the scenario's misbehaviour has happened */
	bool held_full; /* hold-*: ops->hold ran out of room */
	unsigned int held, rewrites, dirty_pages;
	bool dead; /* the rings are left alone from now on */
	unsigned int tx_packets, tx_errors, rx_packets, rx_pending;
	bool have_first;      /* dup-id, prod-rewind: after the 1st packet */
	uint16_t first_id;    /* dup-id: the 1st packet's id */
	RING_IDX published;   /* prod-rewind: rsp_prod after the 1st packet */
	uint16_t rx_first_id; /* rx-dup-id: the 1st RX answer's id */
	/* nb_xsa405.c: answers so far, the id given up, the swapped request */
	unsigned int rx_answers;
	uint16_t rx_given_up;
	bool rx_swapped;
	struct netif_rx_request rx_held_req;
	struct nb_scan scan_tx, scan_rx;

	/* One TX packet, gathered from its slots (grant copies). */
	uint8_t frame[XEN_NETIF_MAX_TX_SIZE];
};

/* Scenario name ("dup-id", ...) to mode; 0 or -EINVAL. */
int nb_mode_parse(const char *name, enum nb_mode *mode);
const char *nb_mode_name(enum nb_mode mode);

/* Attach to freshly connected rings (the frontend initialised them). */
void nb_init(struct nb *nb, const struct nb_ops *ops, void *ctx,
	     enum nb_mode mode, netif_tx_sring_t *tx, netif_rx_sring_t *rx,
	     const uint8_t guest_mac[6]);

/* Just connected: storm if asked, queue the first RX frame, serve. */
void nb_start(struct nb *nb);

/* An event arrived (or a tick passed): serve both rings. */
void nb_kick(struct nb *nb);

/* Build the RX test frame number @seq for @nb's guest into @buf. */
void nb_rx_frame(const struct nb *nb, unsigned int seq,
		 uint8_t buf[NB_RX_FRAME_LEN]);

/*
 * The bytes of a whole granted @page outside [@off, @off + @len): how many
 * are not zero, the first of them, how many are NB_CANARY.  The one
 * counter behind both looks at a page (MSA01's scan, tx-scan's verdict).
 */
struct nb_outside {
	unsigned int dirty, first, canary;
};
struct nb_outside nb_page_outside(const uint8_t *page, unsigned int off,
				  unsigned int len);

/* Scenario hooks (nb_scenario.c), called by the ring code (nb_ring.c). */
struct nb_tx_rsp {
	uint16_t id;
	int16_t status;
};

/* Before a TX packet's answers are written: may rewrite them. */
void nb_scn_tx_answers(struct nb *nb, const struct netif_tx_request *first,
		       struct nb_tx_rsp *rsp, unsigned int n);
/* Should this TX packet be left unanswered (and the device closed)? */
bool nb_scn_tx_withhold(struct nb *nb);
/* After a TX batch's answers are written: publish rsp_prod. */
void nb_scn_tx_publish(struct nb *nb, bool *notify);
/* Before an RX answer is written: may rewrite it; false: skip the copy. */
bool nb_scn_rx_answer(struct nb *nb, struct netif_rx_response *rsp);
/*
 * nb_xsa405.c: the rx-error-repeat and rx-reorder modes (XSA-405).  An RX
 * request was taken off the ring: rx-reorder may swap in another one.
 */
void nb_xsa405_rx_taken(struct nb *nb, struct netif_rx_request *req);
bool nb_xsa405_rx_answer(struct nb *nb, struct netif_rx_response *rsp);
/* hold-rx-all, hold-cycle: answer every posted RX buffer, not just frames */
bool nb_scn_rx_flood(const struct nb *nb);
/* An RX request was taken: hold-* modes map its buffer and keep it. */
void nb_scn_rx_taken(struct nb *nb, const struct netif_rx_request *req);
/* RX answer at ring index @idx was pushed (rx-rewrite races it). */
void nb_scn_rx_pushed(struct nb *nb, RING_IDX idx);
/* tx-scan: does the page of @gref hold bytes outside [off, off+len)? */
bool nb_scn_tx_dirty(struct nb *nb, uint32_t gref, uint16_t off, uint16_t len);
/* Do this mode's mappings go when the frontend closes (not hold-cycle)? */
bool nb_mode_release_at_close(enum nb_mode mode);

/* "tx_pages=N tx_dirty=N ..." of both scans, for the guest (xenstore). */
int nb_scan_format(const struct nb *nb, char *buf, size_t len);

/*
 * The mode channel (nb_request.c): a guest's data/ktest-nb/request
 * "<seq> <mode>[ storm=N][ hold=S]" asks the next connection to be served
 * as <mode>; the answer in data/ktest-nb/ack names what will be served.
 */
#define NB_REQUEST_MAX 96 /* bytes of a request, at most */
struct nb_request {
	uint32_t seq; /* 1.., a new request has a higher one */
	enum nb_mode mode;
	bool have_storm, have_hold, have_close;
	unsigned int storm;   /* storm, mixed-storm: notifications */
	unsigned long hold_s; /* hold-*: unmap after this (0: at the switch) */
	unsigned int close_s; /* this switch's bound on the frontend's close */
};

/* Parse exactly @len bytes; 0, or -EINVAL with a reason in *why. */
int nb_request_parse(const char *s, size_t len, struct nb_request *r,
		     const char **why);
/* "<seq> <mode> storm=N hold=S[ close=C]" (C 0: none); length or -E2BIG. */
int nb_ack_format(char *buf, size_t len, uint32_t seq, enum nb_mode mode,
		  unsigned int storm, unsigned long hold_s,
		  unsigned int close_s);
/* "<seq> refused <why>"; its length or -E2BIG. */
int nb_refusal_format(char *buf, size_t len, uint32_t seq, const char *why);

#endif /* NB_H */
