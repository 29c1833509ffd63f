/*
 * Xenstore client over the shared ring page (xen/io/xs_wire.h).
 *
 * Model: one CPU, no threads, so every request is synchronous: write the
 * request into the ring, notify, and wait (bounded by a timeout) for the
 * reply carrying our request id.  Must not be called from an interrupt
 * handler.
 *
 * Everything xenstored writes is untrusted: ring indices are read once and
 * bounded, each message is copied out of the ring before it is looked at,
 * its length is bounded by XENSTORE_PAYLOAD_MAX, its type and request id
 * are checked, and we NUL-terminate our copy ourselves.  A reply that
 * fails a check fails its request (-EPROTO) and is counted; a message that
 * cannot be framed (impossible ring index, oversized length) marks the
 * connection broken: every later call returns -EIO at once.
 *
 * Watch events can arrive interleaved with replies.  The reader only
 * queues them; callbacks run in the waiter's context: at the end of any
 * xenstore call (after its reply was copied out), or in xs_watch_wait().
 * Never inside the event channel handler, which only wakes the waiter.
 * Callbacks may make xenstore calls; events those calls receive are
 * delivered by the same dispatch loop, never recursively.
 *
 * Relative paths ("domid", "data/x") are relative to our domain's home,
 * /local/domain/<domid>, as xenstored resolves them.
 */
#ifndef KERNEL_XEN_XENSTORE_H
#define KERNEL_XEN_XENSTORE_H

#include "lib/compiler.h"

typedef uint32_t xs_transaction_t;
/* No transaction. */
#define XS_TXN_NIL ((xs_transaction_t)0)

/* Default bound on each wait for xenstored, in ns. */
#define XS_TIMEOUT_NS (5ULL * 1000 * 1000 * 1000)

/* Watches registered at once; path and token lengths, NUL included. */
#define XS_WATCH_MAX 32
/* Watch events held for dispatch at most; more are dropped (XSA-349). */
#define XS_EVENT_QUEUE_MAX 8
/*
 * Longest watch event body held (path, token, both NULs): a path may run
 * deeper than the watched one, but a longer event is dropped and counted,
 * not held at the protocol's 4 KiB maximum.  Events are edge hints (the
 * waiter rereads the node), and at 4 KiB the queue was 36 KiB of the
 * kernel's image for events that are under 100 bytes here (issue 11).
 */
#define XS_EVENT_MAX	   512
#define XS_WATCH_PATH_MAX  256
#define XS_WATCH_TOKEN_MAX 64

/*
 * Map the ring from HVM_PARAM_STORE_PFN, bind HVM_PARAM_STORE_EVTCHN, and
 * read our domid ("domid") into xen_set_domid().  Idempotent.  Returns 0,
 * -ENODEV without Xen, or -errno.
 */
int xs_init(void);
/* Is the connection up and not broken? */
bool xs_connected(void);

/*
 * Read `path` into buf (NUL-terminated by us; the value may itself hold
 * NULs).  Returns the value's length, or -ERANGE if it does not fit in
 * len - 1 bytes, or -errno (xenstored's error mapped, e.g. -ENOENT).
 */
int __must_check xs_read(xs_transaction_t t, const char *path, char *buf,
			 size_t len);
/* Write `val` (a C string) at `path`, creating it.  0 or -errno. */
int __must_check xs_write(xs_transaction_t t, const char *path,
			  const char *val);
/* Remove `path` and everything below it.  0 or -errno. */
int __must_check xs_rm(xs_transaction_t t, const char *path);
/*
 * List the children of `path` into buf as NUL-terminated names, one after
 * the other; *count gets their number.  Every name is non-empty and holds
 * no '/' (checked).  Returns the bytes used, -ERANGE if buf is too small,
 * or -errno.
 */
int __must_check xs_directory(xs_transaction_t t, const char *path, char *buf,
			      size_t len, unsigned int *count);
/*
 * Read `path` as a decimal unsigned integer: digits only (kstrtou64 rules),
 * at most 20 of them.  0, -EINVAL if it is not a number, -ERANGE if it is
 * too long or too large, or -errno.
 */
int __must_check xs_read_u64(xs_transaction_t t, const char *path,
			     uint64_t *out);

/*
 * Watch callback: `path` is the node that changed (the watched path or one
 * below it, as registered: relative stays relative), `token` the watch's.
 * Both point into a buffer that is reused after the callback returns.
 */
typedef void (*xs_watch_cb_t)(const char *path, const char *token, void *arg);
/*
 * Watch `path` under `token` (unique among our watches: -EEXIST).  Path
 * and token are copied (-E2BIG past XS_WATCH_PATH_MAX/TOKEN_MAX);
 * -ENOSPC past XS_WATCH_MAX.  xenstored fires one event at once.
 */
int __must_check xs_watch(const char *path, const char *token, xs_watch_cb_t cb,
			  void *arg);
/* Remove the watch `token` on `path`; queued events for it are dropped. */
int xs_unwatch(const char *path, const char *token);
/*
 * Deliver queued and arriving watch events until at least one callback
 * ran, or `timeout_ns` passed.  0, -ETIMEDOUT, or -EIO when broken.
 */
int xs_watch_wait(uint64_t timeout_ns);
/* Deliver whatever events have arrived, without waiting. */
void xs_watch_poll(void);

int __must_check xs_transaction_start(xs_transaction_t *t);
/*
 * Commit (abort = false) or abort the transaction.  A commit that lost a
 * race with another writer returns -EAGAIN: rerun the transaction.
 */
int __must_check xs_transaction_end(xs_transaction_t t, bool abort);
/*
 * Run fn inside a transaction and commit; rerun it on -EAGAIN, at most
 * max_retries more times.  fn's own error aborts the transaction and is
 * returned.  Returns 0, or the last -errno (-EAGAIN once retries ran out).
 */
int __must_check xs_transact(int (*fn)(xs_transaction_t t, void *arg),
			     void *arg, unsigned int max_retries);

struct xs_stats {
	uint64_t requests;	 /* sent */
	uint64_t errors;	 /* XS_ERROR replies (valid ones) */
	uint64_t timeouts;	 /* waits that ran out */
	uint64_t malformed;	 /* messages that failed validation */
	uint64_t resyncs;	 /* messages skipped to stay in step */
	uint64_t events;	 /* XS_WATCH_EVENT messages received */
	uint64_t events_dropped; /* unmatched, malformed or queue full */
	uint64_t callbacks;	 /* watch callbacks run */
	uint64_t txn_retries;	 /* xs_transact reruns after -EAGAIN */
	uint64_t irqs;		/* event channel notifications from xenstored */
	uint64_t spurious_irqs; /* of which moved no index (XSA-391) */
	uint64_t rsp_bytes;	/* taken off the response ring */
	bool broken;
};
void xs_get_stats(struct xs_stats *st);

#endif
