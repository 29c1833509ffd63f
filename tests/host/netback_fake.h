/*
 * Fake frontends for the host tests of drivers/netback/netback_{tx,rx,
 * switch}.c: each fake vif's two shared rings live in plain pages, its
 * "grants" are a table of pages the test fills, and struct nb_ops maps
 * them (with a per-domain quota like the real map layer's, and counts of
 * what is mapped), copies into them, and records frames for the stack.
 * The test plays the frontend: it posts requests, moves the producer
 * (correctly or not) and reads the backend's responses.
 */
#ifndef TESTS_HOST_NETBACK_FAKE_H
#define TESTS_HOST_NETBACK_FAKE_H

#include "drivers/netback/netback_priv.h"

#define NBF_VIFS  3
#define NBF_REFS  64 /* grants per fake frontend */
#define NBF_QUOTA 32 /* maps per domain, as gnttab.map_quota */

struct nbf_fe {
	struct nb_vif *v;
	netif_tx_front_ring_t tx;
	netif_rx_front_ring_t rx;
	void *page[NBF_REFS]; /* grant ref i -> page i; NULL: not granted */
	uint8_t mac[ETH_ALEN];
};

struct nbf {
	struct nb nb;
	struct nbf_fe fe[NBF_VIFS];
	unsigned int mapped[NBF_VIFS]; /* by domid = index + 1 */
	unsigned int maps, unmaps, copies, notifies, stack_frames;
	size_t stack_len;
	uint8_t stack_frame[ETH_FRAME_MAX];
	unsigned int quota; /* maps per domain (NBF_QUOTA after nbf_up) */
	size_t stack_room;  /* frames the fake stack takes (SIZE_MAX: all) */
	uint64_t now;	    /* the clock nb sees, ns */
	void *bounce;
};

/* All NBF_VIFS vifs connected (domids 1..N, MAC ...:0N); NULL on failure */
struct nbf *nbf_up(void);
/* Purge and free; every mapping must be back, no page lost. */
void nbf_down(struct nbf *f);

/* Post a TX request of frontend i (not published); the ref's page gets a
 * frame from our MAC to `dst` of `len` bytes at `off`. */
void nbf_tx(struct nbf *f, unsigned int i, const uint8_t *dst, uint16_t off,
	    uint16_t len, uint16_t flags, uint16_t id);
/* The page behind frontend i's TX grant for request `id` (nbf_tx's). */
uint8_t *nbf_tx_page(struct nbf *f, unsigned int i, uint16_t id);
/* Post a raw request (any values), not published. */
void nbf_tx_raw(struct nbf *f, unsigned int i, const netif_tx_request_t *r);
void nbf_tx_publish(struct nbf *f, unsigned int i);
/* Next TX response of frontend i into *rsp: false if none. */
bool nbf_tx_rsp(struct nbf *f, unsigned int i, netif_tx_response_t *rsp);
/* Post n RX buffers (refs NBF_REFS/2 ...) and publish. */
void nbf_rx_post(struct nbf *f, unsigned int i, unsigned int n);
bool nbf_rx_rsp(struct nbf *f, unsigned int i, netif_rx_response_t *rsp);
/* One service round over every vif (as netback_vifs.c does). */
void nbf_round(struct nbf *f);

#endif
