// SPDX-License-Identifier: MIT
/*
 * hostile-netback, xenbus side: without a vif= in the guest config no
 * toolstack makes the device nodes, so we make them as libxl would, then
 * play netback's half of the xenbus handshake.  Values the frontend wrote
 * are read through the bounded helpers of peer_xs.c.
 */
#include "nb_xen.h"
#include "peer_util.h"
#include "peer_xs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NB_TXN_RETRIES 16

static int nb_xb_perms(struct nb_xb *xb, xs_transaction_t t, const char *path,
		       unsigned int owner, unsigned int reader)
{
	/* The first entry is the owner (full access) and everyone's default. */
	struct xs_permissions p[2] = {
	    {.id = owner, .perms = XS_PERM_NONE},
	    {.id = reader, .perms = XS_PERM_READ},
	};

	if (!xs_mkdir(xb->xs, t, path) ||
	    !xs_set_permissions(xb->xs, t, path, p, 2))
		return errno ? -errno : -EIO;
	return 0;
}

/* Write @leaf under @dir; children inherit @dir's permissions. */
static int nb_xb_put(struct nb_xb *xb, xs_transaction_t t, const char *dir,
		     const char *leaf, const char *value)
{
	char path[NB_PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", dir, leaf);
	return peer_xs_printf(xb->xs, t, path, "%s", value);
}

/* The backend directory as libxl writes it, in InitWait. */
static int nb_xb_backend_txn(struct nb_xb *xb, xs_transaction_t t,
			     const char *mac)
{
	char id[12], parent[NB_PATH_MAX];
	unsigned int g = xb->domid;
	int rc;

	/* Backend: owned by dom0, readable by the guest. */
	snprintf(parent, sizeof(parent), "/local/domain/0/backend/vif/%u", g);
	rc = nb_xb_perms(xb, t, parent, 0, g);
	rc = rc ?: nb_xb_perms(xb, t, xb->be, 0, g);
	snprintf(id, sizeof(id), "%u", g);
	rc = rc ?: nb_xb_put(xb, t, xb->be, "frontend", xb->fe);
	rc = rc ?: nb_xb_put(xb, t, xb->be, "frontend-id", id);
	rc = rc ?: nb_xb_put(xb, t, xb->be, "online", "1");
	rc = rc ?: nb_xb_put(xb, t, xb->be, "handle", "0");
	rc = rc ?: nb_xb_put(xb, t, xb->be, "mac", mac);
	/* Only what the ring core does: copy mode, one queue, no offloads. */
	rc = rc ?: nb_xb_put(xb, t, xb->be, "feature-rx-copy", "1");
	rc = rc ?: nb_xb_put(xb, t, xb->be, "feature-rx-flip", "0");
	rc = rc ?: nb_xb_put(xb, t, xb->be, "state", "2"); /* InitWait */
	return rc;
}

static void nb_xb_mac(const struct nb_xb *xb, char mac[18])
{
	snprintf(mac, 18, "%02x:%02x:%02x:%02x:%02x:%02x", xb->mac[0],
		 xb->mac[1], xb->mac[2], xb->mac[3], xb->mac[4], xb->mac[5]);
}

static int nb_xb_create_txn(struct nb_xb *xb, xs_transaction_t t)
{
	char mac[18], parent[NB_PATH_MAX];
	unsigned int g = xb->domid;
	unsigned int len;
	void *v;
	int rc;

	nb_xb_mac(xb, mac);
	v = xs_read(xb->xs, t, xb->fe, &len);
	if (v) {
		free(v);
		return -EEXIST;
	}
	rc = nb_xb_backend_txn(xb, t, mac);
	/* Frontend: the guest owns it (writes its state), dom0 reads it. */
	snprintf(parent, sizeof(parent), "/local/domain/%u/device/vif", g);
	rc = rc ?: nb_xb_perms(xb, t, parent, 0, g);
	rc = rc ?: nb_xb_perms(xb, t, xb->fe, g, 0);
	rc = rc ?: nb_xb_put(xb, t, xb->fe, "backend", xb->be);
	rc = rc ?: nb_xb_put(xb, t, xb->fe, "backend-id", "0");
	rc = rc ?: nb_xb_put(xb, t, xb->fe, "handle", "0");
	rc = rc ?: nb_xb_put(xb, t, xb->fe, "mac", mac);
	rc = rc ?: nb_xb_put(xb, t, xb->fe, "state", "1"); /* Initialising */
	return rc;
}

/* Run fn in a transaction, again on EAGAIN; InitWait once committed. */
static int nb_xb_txn(struct nb_xb *xb,
		     int (*fn)(struct nb_xb *xb, xs_transaction_t t))
{
	for (unsigned int i = 0; i < NB_TXN_RETRIES; i++) {
		xs_transaction_t t = xs_transaction_start(xb->xs);
		int rc;

		if (t == XBT_NULL)
			return errno ? -errno : -EIO;
		rc = fn(xb, t);
		if (rc) {
			xs_transaction_end(xb->xs, t, true);
			return rc;
		}
		if (xs_transaction_end(xb->xs, t, false)) {
			xb->state = XenbusStateInitWait;
			return 0;
		}
		/* EAGAIN: the guest or the toolstack wrote meanwhile. */
		if (errno != EAGAIN)
			return -errno;
	}
	return -EAGAIN;
}

int nb_xb_create(struct nb_xb *xb, struct xs_handle *xs, unsigned int domid,
		 const uint8_t mac[6])
{
	memset(xb, 0, sizeof(*xb));
	xb->xs = xs;
	xb->domid = domid;
	memcpy(xb->mac, mac, 6);
	snprintf(xb->fe, sizeof(xb->fe), "/local/domain/%u/device/vif/0",
		 domid);
	snprintf(xb->be, sizeof(xb->be), "/local/domain/0/backend/vif/%u/0",
		 domid);
	snprintf(xb->fe_state, sizeof(xb->fe_state),
		 "/local/domain/%u/device/vif/0/state", domid);
	return nb_xb_txn(xb, nb_xb_create_txn);
}

static int nb_xb_return_txn(struct nb_xb *xb, xs_transaction_t t)
{
	char mac[18];

	nb_xb_mac(xb, mac);
	return nb_xb_backend_txn(xb, t, mac);
}

int nb_xb_vanish(struct nb_xb *xb)
{
	if (!xs_rm(xb->xs, XBT_NULL, xb->be))
		return errno ? -errno : -EIO;
	xb->state = XenbusStateUnknown;
	return 0;
}

int nb_xb_return(struct nb_xb *xb)
{
	return nb_xb_txn(xb, nb_xb_return_txn);
}

int nb_xb_set_state(struct nb_xb *xb, enum xenbus_state state)
{
	char path[NB_PATH_MAX + 8];
	int rc;

	snprintf(path, sizeof(path), "%s/state", xb->be);
	rc = peer_xs_printf(xb->xs, XBT_NULL, path, "%d", (int)state);
	if (!rc)
		xb->state = state;
	return rc;
}

int nb_xb_fe_state(struct nb_xb *xb)
{
	uint32_t v;
	int rc;

	rc = peer_xs_read_u32(xb->xs, XBT_NULL, xb->fe_state,
			      XenbusStateReconfigured, &v);
	return rc ? rc : (int)v;
}

static int nb_xb_fe_u32(struct nb_xb *xb, const char *leaf, uint32_t *v)
{
	char path[NB_PATH_MAX + 32];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", xb->fe, leaf);
	rc = peer_xs_read_u32(xb->xs, XBT_NULL, path, UINT32_MAX, v);
	if (rc)
		peer_log("frontend %s: %s", leaf,
			 rc == -ENOENT ? "missing" : "not a number");
	return rc;
}

/* Does the frontend have @leaf at all? */
static bool nb_xb_fe_has(struct nb_xb *xb, const char *leaf)
{
	char path[NB_PATH_MAX + 32], buf[16];

	snprintf(path, sizeof(path), "%s/%s", xb->fe, leaf);
	return peer_xs_read(xb->xs, XBT_NULL, path, buf, sizeof(buf)) !=
	       -ENOENT;
}

int nb_xb_read_frontend(struct nb_xb *xb, struct nb_fe_info *fe)
{
	uint32_t copy, queues;
	int rc;

	/* We advertised neither multi-queue nor split event channels. */
	if (nb_xb_fe_has(xb, "multi-queue-num-queues") &&
	    (nb_xb_fe_u32(xb, "multi-queue-num-queues", &queues) ||
	     queues != 1)) {
		peer_log("frontend asks for several queues: not offered");
		return -EINVAL;
	}
	if (nb_xb_fe_has(xb, "event-channel-tx")) {
		peer_log("frontend uses split event channels: not offered");
		return -EINVAL;
	}
	rc = nb_xb_fe_u32(xb, "tx-ring-ref", &fe->tx_ref);
	rc = rc ?: nb_xb_fe_u32(xb, "rx-ring-ref", &fe->rx_ref);
	rc = rc ?: nb_xb_fe_u32(xb, "event-channel", &fe->evtchn);
	if (rc)
		return rc;
	/* Page flipping is long gone: copy mode or nothing. */
	if (nb_xb_fe_u32(xb, "request-rx-copy", &copy) || copy != 1) {
		peer_log("frontend did not request rx-copy");
		return -EINVAL;
	}
	return 0;
}

int nb_xb_write(struct nb_xb *xb, const char *leaf, const char *value)
{
	return nb_xb_put(xb, XBT_NULL, xb->be, leaf, value);
}

void nb_xb_remove(struct nb_xb *xb, const char *leaf)
{
	char path[NB_PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", xb->be, leaf);
	xs_rm(xb->xs, XBT_NULL, path);
}

void nb_xb_destroy(struct nb_xb *xb)
{
	char parent[NB_PATH_MAX];

	if (!xb->xs)
		return;
	snprintf(parent, sizeof(parent), "/local/domain/0/backend/vif/%u",
		 xb->domid);
	/* Nobody else removes them: no toolstack knows this device. */
	xs_rm(xb->xs, XBT_NULL, parent);
	xs_rm(xb->xs, XBT_NULL, xb->fe);
}
