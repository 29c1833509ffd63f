/*
 * Helpers shared by the netfront guest suites (netfront, msa00, msa01,
 * xsa155, xsa403), defined in tests/guest/netfront_test.c and (which
 * backend, the mode channel) tests/guest/netfront_mode.c.
 *
 * Which backend a boot runs against comes from the command line:
 * no netfront.expect= means a real netback (a vif= in the xl config);
 * netfront.expect=M1,M2,... means dom0's hostile-netback, which each test
 * of one of those modes asks for its mode on a connection of its own
 * (NFT_USE_HOSTILE).  A test whose mode is not listed SKIPs; a test that
 * needs a correct backend runs under the real one or hostile-netback good.
 */
#ifndef TESTS_GUEST_NETFRONT_TEST_H
#define TESTS_GUEST_NETFRONT_TEST_H

#include "drivers/netfront/netfront_priv.h"
#include "kernel/ktest.h"
#include "tests/guest/expect.h"

#define NFT_MS 1000000ULL
/* Generous: everything crawls under TCG with other jobs around. */
#define NFT_TIMEOUT_NS (5000 * NFT_MS)
#define NFT_CONNECT_NS (20000 * NFT_MS)
/*
 * For a correct backend's answers to a ring's worth of frames: the wait
 * ends when they come, so only a backend that never answers pays it.  5 s
 * (NFT_TIMEOUT_NS) ran out on a host 1.5-2x slower than idle (make test,
 * 2026-12-02 00:29 UTC, 4.20): hostile-netback answered its rounds of 256
 * frames in 0.6-2.6 s there, one round not within 5 s.
 */
#define NFT_ANSWER_NS (20000 * NFT_MS)

/*
 * NULL when the device is up against a correct backend (connecting it if
 * needed), else why the test must SKIP.  A failure to connect with a vif
 * present is not a skip: *rc gets the error.
 */
const char *nft_need_good(int *rc);
/* NULL if this boot's backend may serve `mode`, else why the test SKIPs. */
const char *nft_need_hostile(const char *mode);
/*
 * Go on as hostile-netback `mode` (`opts`: NULL or "storm=N hold=S", what
 * the peer's request takes): the device down with nothing held, the mode
 * asked for through xenstore and acknowledged for this request, pages and
 * grants back at the device's baseline, then a new connection the backend
 * says serves this request.  *st0 (if not NULL): the stats just before
 * that connect, the base of the test's counts.  0 or -errno, with a
 * diagnostic line saying which step failed.
 */
int nft_use_mode(const char *mode, const char *opts,
		 struct netfront_stats *st0);
/* The backend's ktest-mode, "<seq> <mode>" of this connection: 0/-errno. */
int nft_served(char *buf, size_t len);
/*
 * Send the peer a request "<next seq> <req_tail>" that must be refused:
 * its ack in buf, 0 or -errno (no ack in time).  `service` false: the
 * device is not serviced meanwhile, so it cannot follow a backend that
 * goes Closing (netfront.mode_close_refused).
 */
int nft_refused_mode(const char *req_tail, bool service, char *ack, size_t len);
/*
 * Ask for `mode` again without connecting (the device down): the peer
 * lets go of every page the last mode held as it takes a request, so a
 * wait for that release ends at it, not at the mode's hold= seconds.
 * 0 once acked, -EPROTO refused, -errno.
 */
int nft_release_held(const char *mode);

#define NFT_NEED_GOOD()                                                        \
	do {                                                                   \
		int _rc = 0;                                                   \
		const char *_why = nft_need_good(&_rc);                        \
		if (_why)                                                      \
			KT_SKIP(_why);                                         \
		KT_ASSERT(_rc == 0);                                           \
	} while (0)

#define NFT_NEED_HOSTILE(mode)                                                 \
	do {                                                                   \
		const char *_why = nft_need_hostile(mode);                     \
		if (_why)                                                      \
			KT_SKIP(_why);                                         \
	} while (0)

/* SKIP unless `mode` is listed, else switch to it (nft_use_mode). */
#define NFT_USE_HOSTILE(mode, opts, st0)                                       \
	do {                                                                   \
		NFT_NEED_HOSTILE(mode);                                        \
		KT_ASSERT(nft_use_mode(mode, opts, st0) == 0);                 \
	} while (0)

/*
 * Poll the device (rings and netfront_service(); interrupts may be masked
 * by a storm's back-off) until cond(arg) or the timeout.
 */
bool nft_wait(bool (*cond)(void *arg), void *arg, uint64_t timeout_ns);
/*
 * Wait until no TX request is in flight, or the device broke.  These two
 * poll the rings only: a broken device stays as it broke, for inspection,
 * until nft_expect_clean_teardown() lets the service tear it down.
 */
bool nft_wait_tx_idle(void);
/* Wait until the device is broken; its stats in *st, its state in *s. */
bool nft_wait_broken(struct netfront_stats *st, struct netfront_state *s);
/* The answers the backend has published so far, on each ring. */
struct nft_mark {
	RING_IDX tx, rx;
};
void nft_mark(struct nft_mark *m);
/*
 * nft_wait_broken() for one bad answer, on the RX ring (rx) or the TX
 * ring: it ends too once the backend has published an answer there past
 * *m and the driver has taken every answer on that ring without breaking.
 * The bad answer was accepted then, and waiting on proves nothing: a
 * kernel with the rule switched off fails at once, not after
 * NFT_TIMEOUT_NS (make run's BUGGY rows), and the normal kernel's verdict
 * is the same, as it breaks on taking that answer.
 */
bool nft_wait_broken_at(const struct nft_mark *m, bool rx,
			struct netfront_stats *st, struct netfront_state *s);
/* nft_wait() without netfront_service(), and its "no TX in flight". */
bool nft_wait_rings(bool (*cond)(void *arg), void *arg, uint64_t timeout_ns);
bool nft_tx_idle(void *arg);
/* An RX answer since the stats in arg (a netfront_stats), or broken. */
bool nft_rx_since(void *arg);
/* The device up (connecting if it is neither up nor broken): 0/-errno. */
int nft_hostile_up(void);

/* Disconnect; expect it down with no page or grant held (stats in *st). */
void nft_disconnect_clean(struct netfront_stats *st);

/* A 60-byte test frame to nowhere (ethertype 0x88b5), fill `fill`. */
int nft_send_test(size_t len, uint8_t fill);
/*
 * An ARP probe (RFC 5227: sender IP 0) for dom0's 192.0.2.1: a real dom0
 * answers it; hostile-netback answers every frame.  0 or -errno.
 */
int nft_send_arp_probe(void);
/* Send ARP probes until `n` more frames were received (or time out). */
bool nft_provoke_rx(unsigned int n);
/* The same, ending early too once stop() (the test saw what fails it). */
bool nft_provoke_rx_until(unsigned int n, bool (*stop)(void));

/*
 * Retry the grant quarantine until it holds at most `pages` pages (a
 * backend let go of what it kept mapped), or time out.
 */
bool nft_wait_quarantine(uint32_t pages, uint64_t timeout_ns);

/*
 * After the device went broken, let netfront_service() tear it down and
 * check that every page and grant came back (quarantine counted).
 */
void nft_expect_clean_teardown(void);

#endif
