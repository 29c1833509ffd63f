/*
 * A fake netback for the host tests of
 * drivers/netfront/netfront_{ids,core,tx,rx}.c:
 * the struct netfront_ops of a device whose grants live in a small table
 * (the test can mark a reference mapped, as Xen would while the backend
 * maps it), and the backend half of both rings over the same in-memory
 * pages the driver granted.  The test decides what the backend answers,
 * correct or hostile, response by response.
 */
#ifndef TESTS_HOST_NETFRONT_FAKE_H
#define TESTS_HOST_NETFRONT_FAKE_H

#include "drivers/netfront/netfront_priv.h"

#define NF_FAKE_REFS	 1024
#define NF_FAKE_REF_BASE 8 /* below: the toolstack's, as in Xen */
#define NF_FAKE_BACKEND	 0

struct nf_fake_grant {
	void *page;
	bool used, readonly, mapped, quarantined;
};

struct nf_fake {
	struct netfront nf;
	netif_tx_back_ring_t btx;
	netif_rx_back_ring_t brx;
	struct nf_fake_grant g[NF_FAKE_REFS];
	unsigned int grants_now; /* used, quarantined included */
	unsigned int quarantined_now;
	unsigned int notifies, delivered, grant_fail_after;
	size_t last_len;
	unsigned int last_flags; /* NETDEV_RX_* of the last frame */
	uint8_t last_frame[2048];
	size_t free_pages_before;
};

/* Reset, bring the rings up (RX buffers posted); NULL on failure. */
struct nf_fake *nf_fake_up(void);
/*
 * Release the rings, unmap everything and drain the fake quarantine; then
 * the device and the allocator must be back where nf_fake_up() found
 * them (recorded as test failures).
 */
void nf_fake_down(struct nf_fake *f);

/* ---- The backend's side of TX ---- */
/* Requests waiting; take the next one (false if none). */
unsigned int nf_fake_tx_pending(struct nf_fake *f);
bool nf_fake_tx_take(struct nf_fake *f, netif_tx_request_t *req);
/* Queue a response (published by nf_fake_tx_push). */
void nf_fake_tx_answer(struct nf_fake *f, uint16_t id, int16_t status);
void nf_fake_tx_push(struct nf_fake *f);
/* Take and answer OKAY everything pending; how many. */
unsigned int nf_fake_tx_serve(struct nf_fake *f);

/* ---- The backend's side of RX ---- */
unsigned int nf_fake_rx_pending(struct nf_fake *f);
bool nf_fake_rx_take(struct nf_fake *f, netif_rx_request_t *req);
/* Queue a response (id, offset, flags, status) and publish it. */
void nf_fake_rx_answer(struct nf_fake *f, uint16_t id, uint16_t off,
		       uint16_t flags, int16_t status);
/* Take a buffer, copy `len` bytes at offset 0 into it, answer; 0/-1. */
int nf_fake_rx_frame(struct nf_fake *f, const void *data, uint16_t len);

/* ---- Xen's side of grants ---- */
/* The page behind a reference the driver granted (NULL if none). */
void *nf_fake_page(struct nf_fake *f, grant_ref_t ref);
/* The backend maps / unmaps a grant (ending access fails meanwhile). */
void nf_fake_map(struct nf_fake *f, grant_ref_t ref, bool mapped);
/* Release quarantined references no longer mapped; how many remain. */
unsigned int nf_fake_quarantine_poll(struct nf_fake *f);

/* Is every byte of [p, p + len) equal to `byte`? */
bool nf_fake_all(const void *p, size_t len, uint8_t byte);

#endif
