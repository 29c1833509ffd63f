/*
 * Xenbus: the device handshake conventions on top of xenstore.  Each end
 * of a split device has a directory (ours e.g. "device/vif/0", relative
 * to our home) holding a "state" node with a decimal enum xenbus_state
 * (xen/io/xenbus.h).  The other end's nodes are untrusted: every value is
 * parsed with bounds, and one that is out of range is an error.
 */
#ifndef KERNEL_XEN_XENBUS_H
#define KERNEL_XEN_XENBUS_H

#include "lib/compiler.h"
#include "lib/errno.h"
#include <xen/xen.h>
#include <xen/io/xenbus.h>

#include "kernel/xen/xenstore/xenstore.h"

/* Longest device or backend path we handle, NUL included. */
#define XENBUS_PATH_MAX XS_WATCH_PATH_MAX

#define XENBUS_STATE_BIT(s) (1U << (s))
/*
 * In xenbus_wait_state()'s mask: a state node that is not there ends the
 * wait (-ENOENT) instead of being waited for, for an other end that was
 * there and may have been removed (XSA-465).
 */
#define XENBUS_WAIT_GONE (1U << 31)

/* Write `state` to "<dev>/state".  0 or -errno. */
int __must_check xenbus_switch_state(xs_transaction_t t, const char *dev,
				     enum xenbus_state state);
/*
 * Read "<dir>/state".  0 with *state set; -EPROTO if the value is not a
 * decimal number naming a known state; -ENOENT if there is none; -errno.
 */
int __must_check xenbus_read_state(const char *dir, enum xenbus_state *state);
/*
 * Whether a read's rc says the node is gone: -ENOENT, or -EACCES from a
 * real xenstored once a device's directory is removed (the nearest node
 * left, e.g. the toolstack's backend/vif/<domid>, is not ours to read).
 * Only for a node we could read before; xenbus_read_state() itself still
 * returns -EACCES, which xenbus_wait_state() ends on.
 */
static inline bool xenbus_gone(int rc)
{
	return rc == -ENOENT || rc == -EACCES;
}
/*
 * Wait, with a watch on "<dir>/state", until the state is one of `mask`
 * (XENBUS_STATE_BIT()s) or `timeout_ns` passed.  *state gets the last
 * state read (XenbusStateUnknown if none).  0, -ETIMEDOUT, -EPROTO for a
 * bad value, -ENOENT with XENBUS_WAIT_GONE, or -errno.  A missing node is
 * waited for unless the mask has XENBUS_WAIT_GONE.  Not from a watch
 * callback (-EBUSY).
 */
int __must_check xenbus_wait_state(const char *dir, uint32_t mask,
				   enum xenbus_state *state,
				   uint64_t timeout_ns);
/*
 * For a device directory like "device/vif/0": the backend's directory
 * ("<dev>/backend", checked to be an absolute path under
 * /local/domain/<backend-id>/backend/ made of xenstore path characters)
 * into path, and its domain ("<dev>/backend-id") into *id.  0, -ERANGE if
 * path is too small, -EPROTO for a bad value, or -errno.
 */
int __must_check xenbus_read_backend(const char *dev, char *path, size_t len,
				     domid_t *id);

/* "Connected", ...; "invalid" outside the enum. */
const char *xenbus_state_name(enum xenbus_state state);

#endif
