/*
 * Suite `hostile_fe`: the kernel as a hostile netif frontend, the attacker
 * of the driver-domain scenario (issue 8, /work/coord/DD-CONTRACT.md).
 *
 * It does NOT use drivers/netfront: a raw frontend of its own does the
 * xenbus handshake on every device/vif/N (kernel gnttab, evtchn, xenstore
 * and xenbus APIs, Xen's io/netif.h ring macros) and then misbehaves, one
 * mode per vif, in the order of `hostile_fe.modes=M0,M1,...`:
 *   flood      >= HFE_FLOOD_REFS distinct TX grants, TX ring kept full of
 *              valid frames aimed at the norx vif (never consumes RX)
 *   badref     TX requests with references never granted / out of range
 *   badsize    TX requests of size 0, 65535, offset + size > 4096
 *   multislot  NETTXF_more_data chains (a backend without SG: ERROR)
 *   prodjump   req_prod more than a ring ahead
 *   storm      event channel notifications with no work
 *   norx       no RX buffers posted, RX responses never consumed
 *   closemid   Closing / Closed, ring grants revoked, requests in flight
 * Its tests assert that each attack really happened and what the backend
 * did about it, as far as a frontend can see.  Everything the backend
 * writes is treated as hostile too: responses are copied once, ids and
 * producers bounded, every wait bounded.
 *
 * This header: the pure parts (mode list, ring filling), built for the
 * host tests too (tests/host/hostile_fe_ring_test.c), and the Xen side.
 */
#ifndef TESTS_GUEST_HOSTILE_FE_H
#define TESTS_GUEST_HOSTILE_FE_H

#include "kernel/xen/ring.h" /* before netif.h: ring.h's barriers */
#include "lib/bitmap.h"
#include "lib/compiler.h"
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/io/netif.h>

enum hfe_mode {
	HFE_FLOOD,
	HFE_BADREF,
	HFE_BADSIZE,
	HFE_MULTISLOT,
	HFE_PRODJUMP,
	HFE_STORM,
	HFE_NORX,
	HFE_CLOSEMID,
	HFE_MODE_COUNT,
};

/* Vifs (= modes) one boot drives at most. */
#define HFE_MAX_VIFS 16

/*
 * Parse "flood,badref,...": the modes into modes[], at most `max`.  The
 * number of modes, or -EINVAL (empty, unknown name, empty item, too many).
 */
int hfe_parse_modes(const char *s, uint8_t *modes, unsigned int max);
/* "flood", ...; "?" outside the enum. */
const char *hfe_mode_name(unsigned int mode);
/* The modes of the command line (`hostile_fe.modes=`); 0 if none. */
unsigned int hfe_modes(const uint8_t **modes);

/* ---- TX ring, frontend side (hostile_fe_ring.c, pure) ---- */

#define HFE_TX_RING_SIZE __CONST_RING_SIZE(netif_tx, PAGE_SIZE)
#define HFE_RX_RING_SIZE __CONST_RING_SIZE(netif_rx, PAGE_SIZE)
/* Distinct TX grants of the flood: 8x Linux netback's ring, 4x a quota. */
#define HFE_FLOOD_REFS 2048
/* Pages behind them: each granted HFE_FLOOD_REFS / HFE_FLOOD_PAGES times */
#define HFE_FLOOD_PAGES 64

/* Status of an id with no response since it was posted. */
#define HFE_ST_PENDING ((int16_t)0x7fff)

struct hfe_tx {
	netif_tx_front_ring_t ring;
	/* Per id (= slot index mod ring size): the last response's status. */
	int16_t status[HFE_TX_RING_SIZE];
	uint64_t posted, answered;
	uint64_t okay, error, dropped, null, other;
	uint64_t bad_id;      /* response id outside the ring */
	uint64_t prod_bad;    /* rsp_prod beyond what we posted */
	RING_IDX jumped_to;   /* prodjump: the req_prod we published, or 0 */
	RING_IDX real_prod;   /* requests really written (prodjump aside) */
	uint64_t last_rsp_ns; /* when the last response was taken */
	bool dead;	      /* stop reading: the backend wrote nonsense */
};

/* Responses the ring could hold right now: free request slots. */
unsigned int hfe_tx_free(const struct hfe_tx *t);
/* Set up the front ring over a zeroed shared page. */
void hfe_tx_init(struct hfe_tx *t, void *sring_page);
/*
 * Write one request (not yet visible: hfe_tx_push()).  Its id is its slot
 * index mod the ring size, returned in *id.  -ENOSPC when full.
 */
int hfe_tx_post(struct hfe_tx *t, grant_ref_t ref, uint16_t offset,
		uint16_t size, uint16_t flags, uint16_t *id);
/*
 * A chain of `n` slots (n >= 2) with NETTXF_more_data on all but the
 * last, as netif.h lays it out: slot 0's size is the whole packet
 * (`total`), the others carry `frag` bytes each.  0 or -ENOSPC / -EINVAL;
 * the chain's first id in *id.
 */
int hfe_tx_post_chain(struct hfe_tx *t, const grant_ref_t *refs, unsigned int n,
		      uint16_t total, uint16_t frag, uint16_t *id);
/* Publish the written requests; true if the backend wants a notify. */
bool hfe_tx_push(struct hfe_tx *t);
/*
 * Publish a req_prod `ahead` slots past the real one (prodjump): the
 * backend sees more requests than a ring can hold.
 */
void hfe_tx_jump(struct hfe_tx *t, RING_IDX ahead);
/*
 * Take every response: copied once, id bounded, the producer read once
 * and never more than what we really posted (else t->dead, counted).
 * cb (optional) sees each response.  The number taken.
 */
unsigned int hfe_tx_reap(struct hfe_tx *t, uint64_t now_ns,
			 void (*cb)(void *arg, uint16_t id, int16_t status),
			 void *arg);
/* Requests posted and not answered yet. */
unsigned int hfe_tx_inflight(const struct hfe_tx *t);

/*
 * The flood's grant cycle: refs[] (HFE_FLOOD_REFS of them, all granted
 * at once) handed out in order, each request its own reference while
 * fewer than HFE_FLOOD_REFS are posted; `used` marks every reference that
 * went into a posted request.
 */
struct hfe_flood {
	grant_ref_t refs[HFE_FLOOD_REFS];
	unsigned int nrefs, next;
	unsigned long used[BITS_TO_LONGS(HFE_FLOOD_REFS)];
	unsigned int distinct; /* references posted at least once */
	uint64_t posted;
	uint64_t ring_full; /* fills that left the ring completely full */
};

/*
 * Fill every free TX slot with a frame of `size` bytes at offset 0, each
 * request with the cycle's next reference.  The number posted.
 */
unsigned int hfe_flood_fill(struct hfe_tx *t, struct hfe_flood *f,
			    uint16_t size);

/* A frame: dst, src, ethertype 0x88b5 (local experimental), a pattern. */
void hfe_frame(void *buf, size_t len, const uint8_t dst[6],
	       const uint8_t src[6], uint8_t fill);

/* ---- The Xen side (hostile_fe_xen.c, hostile_fe_attack.c) ---- */

#define HFE_SEC		 1000000000ULL
#define HFE_RX_BUFS	 8
#define HFE_PATH_MAX	 256
#define HFE_CLOSEMID_REQ HFE_TX_RING_SIZE

/* Where a misbehaving device stands, as far as the frontend can see. */
enum hfe_reaction {
	HFE_R_NONE = 0, /* nothing yet */
	HFE_R_ERROR,	/* every bad request answered ERROR / DROPPED */
	HFE_R_CLOSED,	/* backend state Closing / Closed / gone */
	HFE_R_DEAD,	/* nothing answered for HFE_DEAD_NS after the attack */
	HFE_R_ACCEPTED, /* a bad request answered OKAY: the backend took it */
	HFE_R_MISPARSE, /* responses for requests never posted */
};
#define HFE_DEAD_NS (10 * HFE_SEC)

struct hfe_vif {
	unsigned int devid;
	uint8_t mode;
	char dev[32];	       /* "device/vif/N", relative to our home */
	char be[HFE_PATH_MAX]; /* the backend's directory */
	domid_t be_id;
	uint8_t mac[6];
	bool be_sg; /* backend offers feature-sg */
	void *tx_sring, *rx_sring;
	grant_ref_t tx_ring_ref, rx_ring_ref;
	evtchn_port_t port;
	bool connected, tx_ring_granted, rx_ring_granted, port_bound;
	struct hfe_tx tx;
	netif_rx_front_ring_t rx;
	void *rx_buf[HFE_RX_BUFS];
	grant_ref_t rx_ref[HFE_RX_BUFS];
	unsigned int rx_posted;
	uint64_t rx_answered, rx_bad;
	RING_IDX rx_prod_last; /* RX rsp_prod as last read */
	volatile uint64_t events;
	/* The page every single-slot frame of this vif comes from. */
	void *frame_page;
	grant_ref_t frame_ref;
	bool frame_granted;
	/* The attack. */
	bool started;
	uint64_t attack_ns;	 /* when the bad part was posted */
	RING_IDX attack_from;	 /* first bad request's index */
	unsigned int attack_n;	 /* bad requests posted */
	uint16_t attack_id[8];	 /* their ids (chain: the first slot's) */
	uint8_t attack_slots[8]; /* slots per bad request (chains) */
	bool probe_ok;		 /* a valid probe before it got OKAY */
	bool post_sent;		 /* multislot: the probe after the chains */
	uint16_t post_id;
	uint64_t storm_sent, storm_fail;
	uint64_t announces;
	uint64_t last_announce_ns;
	uint64_t state_poll_ns;		/* last read of the backend's state */
	unsigned int closemid_inflight; /* unanswered when we said Closing */
	int closemid_step; /* 0 none, 1 Closing, 2 Closed, 3 done */
	uint64_t closemid_ns;
	int be_state_seen; /* last backend state read, -errno if gone */
	unsigned int closing_seen;
	struct hfe_flood *flood;
	void *flood_pages[HFE_FLOOD_PAGES];
	unsigned int flood_granted;
	uint16_t flood_size;
	uint8_t flood_dst[6];
};

/* The vifs (hostile_fe_xen.c), allocated by hfe_discover(). */
extern struct hfe_vif *hfe_vifs;
extern unsigned int hfe_nvifs;

/*
 * Find device/vif/N (devid order), one per mode, and do the handshake on
 * each: Initialising, backend InitWait, rings and event channel granted,
 * Connected, backend Connected.  0 or the first -errno (logged).
 */
int hfe_discover(unsigned int nmodes, const uint8_t *modes);
int hfe_vif_connect(struct hfe_vif *v, uint64_t timeout_ns);
/* Our state `st` on the vif; 0/-errno. */
int hfe_vif_state(struct hfe_vif *v, int st);
/* The backend's state now (enum xenbus_state) or -errno (-ENOENT: gone). */
int hfe_backend_state(struct hfe_vif *v);
/*
 * End every grant and free every page of the vif; a grant the backend
 * still maps is retried until `timeout_ns`.  The grants not ended.
 */
unsigned int hfe_vif_release(struct hfe_vif *v, uint64_t timeout_ns);
/* Notify the backend. */
int hfe_notify(struct hfe_vif *v);
/* Reap TX and RX (RX buffers reposted; norx never). */
void hfe_vif_reap(struct hfe_vif *v);

/* hostile_fe_attack.c */
/* A valid single-slot frame on the vif's TX ring, to itself; 0/-errno. */
int hfe_send_frame(struct hfe_vif *v, uint16_t size, uint16_t *id);
/* Start the vif's attack (probe first where the mode has one); 0/-errno */
int hfe_start(struct hfe_vif *v);
/* One round of every vif's attack and reaping (never blocks long). */
void hfe_pump(void);
/* Pump until cond(arg) or timeout_ns; true if cond held. */
bool hfe_run(bool (*cond)(void *arg), void *arg, uint64_t timeout_ns);
/* Classify the backend's reaction to the vif's bad requests. */
enum hfe_reaction hfe_reaction(struct hfe_vif *v, uint64_t now_ns);
const char *hfe_reaction_name(enum hfe_reaction r);
/* multislot: has every slot of every chain been answered? */
bool hfe_chains_answered(struct hfe_vif *v);
/*
 * The attack has shown its effect, as far as the frontend can see: a
 * reaction to the bad requests, the chains and the probe after them
 * answered.  Modes without a bad part: at once.
 */
bool hfe_settled(struct hfe_vif *v, uint64_t now_ns);
/* The first vif running `mode`, or NULL. */
struct hfe_vif *hfe_find(unsigned int mode);
/* hfe_run() condition: request `id` of `v`'s TX ring has its response. */
struct hfe_id_wait {
	struct hfe_vif *v;
	uint16_t id;
};
bool hfe_id_answered(void *arg);

#endif
