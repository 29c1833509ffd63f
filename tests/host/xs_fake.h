/*
 * A fake xenstored for the host tests of the xenstore client: the ring
 * page is a struct in memory, the transport's notify runs the daemon, its
 * wait delivers replies into the ring (in chunks, to split messages and
 * wrap the ring) and advances a virtual clock when nothing comes.
 *
 * The daemon is small but real enough: a node table with relative paths
 * under /local/domain/XS_FAKE_DOMID, write permission only there, watches
 * with their initial event, and transactions that fail with EAGAIN when a
 * node they touched changed underneath them.  A test can also take over
 * and play a hostile peer: a hook sees each request first and may answer
 * it with any bytes (xs_fake_put_*).
 */
#ifndef TESTS_HOST_XS_FAKE_H
#define TESTS_HOST_XS_FAKE_H

#include "kernel/xen/xenstore/xs_priv.h"

#define XS_FAKE_DOMID 7
#define XS_FAKE_HOME  "/local/domain/7"

struct xs_fake_req {
	struct xsd_sockmsg hdr;
	char body[XENSTORE_PAYLOAD_MAX + 1]; /* NUL-terminated */
};

/* Return true if the hook answered (or chose to ignore) the request. */
typedef bool (*xs_fake_hook_t)(const struct xs_fake_req *req, void *arg);

struct xs_fake_ctl {
	size_t chunk;	     /* bytes moved into the ring per step; 0: all */
	bool silent;	     /* consume requests, answer nothing */
	bool stall_requests; /* leave requests in the ring (req_cons stuck) */
	xs_fake_hook_t hook;
	void *hook_arg;
	/* Write later_val at later_path (absolute) once now >= later_at. */
	const char *later_path, *later_val;
	uint64_t later_at;
	/* counters */
	unsigned long requests, notifies, waits;
	uint64_t now; /* virtual clock, ns */
};

extern struct xs_fake_ctl xs_fake;
extern struct xenstore_domain_interface xs_fake_page;

/*
 * Reset the daemon and the page (with both rings' indices at `start`, to
 * put wraps where a test wants them) and attach the client to it.
 */
int xs_fake_setup(XENSTORE_RING_IDX start);
void xs_fake_teardown(void);
/* xs_fake_setup(0): a suite's init (KTEST_SUITE), xs_fake_teardown its exit. */
int xs_fake_init(void);

/* Queue raw bytes for the response ring. */
void xs_fake_put_raw(const void *p, size_t len);
/* Queue a message: header with `len` as given, then `body_len` bytes. */
void xs_fake_put_msg(uint32_t type, uint32_t req_id, uint32_t len,
		     const void *body, size_t body_len);
/* Queue a well-formed watch event. */
void xs_fake_put_event(const char *path, const char *token);
/* Move queued bytes into the ring now (as a step would). */
void xs_fake_deliver(void);
/* Bytes still queued and not yet in the ring. */
size_t xs_fake_pending(void);

/* Direct access to the node table, bypassing the protocol. */
int xs_fake_set(const char *abs_path, const char *val);
const char *xs_fake_get(const char *abs_path);
/* Watches the daemon holds. */
unsigned int xs_fake_nr_watches(void);

/* Between the ring half (xs_fake_ring.c) and the daemon (xs_fake.c). */
void xs_fake_handle(const struct xs_fake_req *req);
void xs_fake_reply(const struct xs_fake_req *req, uint32_t type,
		   const void *body, size_t len);
/* Apply what is due at xs_fake.now (later_path). */
void xs_fake_tick(void);
void xs_fake_daemon_reset(void);

#endif
