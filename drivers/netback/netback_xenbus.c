/*
 * netback's half of the xenbus handshake (xen/io/netif.h, "Feature and
 * Parameter Negotiation"), one step per call, driven by watches:
 *   NEW        toolstack nodes read (frontend path, MAC, domain name);
 *              our features written; state InitWait
 *   INITWAIT   frontend Initialised/Connected: its ring refs, event
 *              channel and request-rx-copy read (bounded), rings mapped,
 *              port bound; state Connected
 *   CONNECTED  frontend leaves Connected, vanishes, or the device broke:
 *              everything released; state Closing, Closed once the
 *              frontend is Closed or gone
 *   CLOSED     frontend Initialising again: back to InitWait
 * The toolstack removing our backend directory frees the slot; libxl
 * asking for removal (online=0, state Closing or Closed) is answered with
 * Closed and, NB_REMOVE_DELAY_NS later, the directory's removal, as xl
 * devd does in a Linux driver domain (REMOVING).
 * Frontend keys are untrusted: parsed with bounds; a bad one refuses the
 * connection with one log line (XSA-155).
 */
#include "drivers/netback/netback_priv.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

static int leaf(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n >= 0 && (size_t)n < len ? 0 : -E2BIG;
}

static int read_u64(const char *dir, const char *name, uint64_t max,
		    uint64_t *out)
{
	char p[XENBUS_PATH_MAX + 32];
	int rc = leaf(p, sizeof(p), dir, name);

	rc = rc ?: xs_read_u64(XS_TXN_NIL, p, out);
	if (!rc && *out > max)
		rc = -ERANGE;
	return rc;
}

static int write_str(const char *dir, const char *name, const char *val)
{
	char p[XENBUS_PATH_MAX + 32];
	int rc = leaf(p, sizeof(p), dir, name);

	return rc ?: xs_write(XS_TXN_NIL, p, val);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int parse_mac(const char *s, int len, uint8_t mac[ETH_ALEN])
{
	if (len != 17)
		return -EPROTO;
	for (int i = 0; i < ETH_ALEN; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -EPROTO;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* The toolstack's nodes: trusted writer, still read with bounds. */
static int probe(struct nb_vif *v)
{
	char p[XENBUS_PATH_MAX + 32], val[XENBUS_PATH_MAX];
	char want[64];
	int rc, n;

	rc = leaf(p, sizeof(p), v->be, "frontend");
	n = rc ?: xs_read(XS_TXN_NIL, p, val, sizeof(val));
	if (n < 0)
		return n;
	snprintf(want, sizeof(want), "/local/domain/%u/", v->fe_id);
	if (strncmp(val, want, strlen(want)) || strlen(val) != (size_t)n)
		return -EPROTO;
	strlcpy(v->fe, val, sizeof(v->fe));
	rc = leaf(p, sizeof(p), v->be, "mac");
	n = rc ?: xs_read(XS_TXN_NIL, p, val, sizeof(val));
	if (n >= 0 && parse_mac(val, n, v->mac))
		return -EPROTO;
	/* For logs and tests only: nothing is decided by a name. */
	rc = leaf(p, sizeof(p), v->be, "domain");
	n = rc ?: xs_read(XS_TXN_NIL, p, val, sizeof(val));
	if (n <= 0) {
		snprintf(p, sizeof(p), "/local/domain/%u/name", v->fe_id);
		n = xs_read(XS_TXN_NIL, p, val, sizeof(val));
	}
	strlcpy(v->name, n > 0 ? val : "", sizeof(v->name));
	return 0;
}

/* Only a change is written: our own writes fire our watch again. */
static int set_state(struct nb_vif *v, enum xenbus_state st)
{
	int rc;

	if (v->be_state == st)
		return 0;
	rc = xenbus_switch_state(XS_TXN_NIL, v->be, st);
	if (!rc)
		v->be_state = st;
	return rc;
}

static int offer(struct nb_vif *v)
{
	int rc;

	/* Copy mode only; one slot per frame; no offloads, one queue. */
	rc = write_str(v->be, "feature-rx-copy", "1");
	rc = rc ?: write_str(v->be, "feature-rx-flip", "0");
	rc = rc ?: write_str(v->be, "feature-sg", "0");
	rc = rc ?: write_str(v->be, "feature-gso-tcpv4", "0");
	rc = rc ?: write_str(v->be, "feature-gso-tcpv6", "0");
	rc = rc ?: write_str(v->be, "feature-ipv6-csum-offload", "0");
	rc = rc ?: write_str(v->be, "feature-split-event-channels", "0");
	/* What xl devd's hotplug script would say; libxl may look. */
	rc = rc ?: write_str(v->be, "hotplug-status", "connected");
	return rc ?: set_state(v, XenbusStateInitWait);
}

/* The frontend's rings: keys bounded, rx-copy required. */
static int connect(struct nb *nb, struct nb_vif *v)
{
	uint64_t tx, rx, port, copy = 0, queues = 1;
	int rc;

	rc = read_u64(v->fe, "tx-ring-ref", UINT32_MAX, &tx);
	rc = rc ?: read_u64(v->fe, "rx-ring-ref", UINT32_MAX, &rx);
	rc = rc ?: read_u64(v->fe, "event-channel", UINT32_MAX, &port);
	if (rc) {
		pr_err("netback: vif %u/%u: bad ring keys (%d)\n", v->fe_id,
		       v->devid, rc);
		return -EPROTO;
	}
	if (read_u64(v->fe, "request-rx-copy", 1, &copy) || !copy) {
		/* Page flipping is gone: copy or nothing. */
		pr_err("netback: vif %u/%u: frontend lacks request-rx-copy\n",
		       v->fe_id, v->devid);
		return -EOPNOTSUPP;
	}
	if (!read_u64(v->fe, "multi-queue-num-queues", 0xffff, &queues) &&
	    queues != 1) {
		pr_err("netback: vif %u/%u: %lu queues asked, 1 offered\n",
		       v->fe_id, v->devid, (unsigned long)queues);
		return -EOPNOTSUPP;
	}
	return nb_connect_rings(nb, v, (grant_ref_t)tx, (grant_ref_t)rx,
				(evtchn_port_t)port);
}

static void close(struct nb *nb, struct nb_vif *v, bool fe_closed)
{
	if (v->state == NB_CONNECTED)
		nb_release(nb, v);
	v->state = NB_CLOSED;
	(void)set_state(v, fe_closed ? XenbusStateClosed : XenbusStateClosing);
}

/*
 * Our backend/vif/<fe>/<dev>.  (backend/vif/<fe> is the toolstack's:
 * we may read it, not remove it.)
 */
static void remove_dir(struct nb_vif *v)
{
	if (xs_rm(XS_TXN_NIL, v->be))
		pr_warn("netback: cannot remove %s\n", v->be);
}

int nb_xb_step(struct nb *nb, struct nb_vif *v)
{
	enum xenbus_state fe = XenbusStateUnknown, be;
	uint64_t online = 1;
	int rc;

	rc = xenbus_read_state(v->be, &be);
	if (!rc)
		v->be_state = be;
	if (rc == -ENOENT) {
		/* The toolstack removed the device: forget it, write nothing */
		if (v->state == NB_CONNECTED)
			nb_release(nb, v);
		v->state = NB_FREE;
		return 0;
	}
	if (v->state == NB_NEW) {
		rc = probe(v);
		rc = rc ?: offer(v);
		if (rc) {
			pr_err("netback: vif %u/%u: cannot offer (%d)\n",
			       v->fe_id, v->devid, rc);
			return rc;
		}
		v->state = NB_INITWAIT;
	}
	if (xenbus_read_state(v->fe, &fe))
		fe = XenbusStateUnknown; /* gone or garbage: as Closed */
	(void)read_u64(v->be, "online", 1, &online);
	if (!online && (be == XenbusStateClosing || be == XenbusStateClosed)) {
		/*
		 * libxl asks for removal and, for a backend outside dom0,
		 * waits for Closed and then for the backend directory to go:
		 * what xl devd would do in a driver domain, we do (Closed
		 * now, the directory once libxl has seen it: NB_REMOVING).
		 */
		if (v->state != NB_REMOVING) {
			close(nb, v, true);
			v->state = NB_REMOVING;
			v->remove_at = nb->ops->now_ns() + NB_REMOVE_DELAY_NS;
		}
	}
	if (v->state == NB_REMOVING) {
		if (nb->ops->now_ns() >= v->remove_at) {
			remove_dir(v);
			v->state = NB_FREE;
		}
		return 0;
	}
	switch (v->state) {
	case NB_INITWAIT:
		if (fe == XenbusStateInitialised ||
		    fe == XenbusStateConnected) {
			rc = connect(nb, v);
			if (rc) {
				close(nb, v, false);
				return rc;
			}
			v->state = NB_CONNECTED;
			v->st.connects++;
			rc = set_state(v, XenbusStateConnected);
			pr_info("netback: vif %u/%u (%s) connected\n", v->fe_id,
				v->devid, v->name);
		} else if (fe == XenbusStateClosing ||
			   fe == XenbusStateClosed ||
			   fe == XenbusStateUnknown) {
			close(nb, v, fe != XenbusStateClosing);
		}
		break;
	case NB_CONNECTED:
		if (v->broken || fe != XenbusStateConnected) {
			pr_info("netback: vif %u/%u (%s) down: %s\n", v->fe_id,
				v->devid, v->name,
				v->broken ? v->why : xenbus_state_name(fe));
			close(nb, v,
			      fe == XenbusStateClosed ||
				  fe == XenbusStateUnknown);
		}
		break;
	case NB_CLOSED:
		if (fe == XenbusStateInitialising) {
			v->broken = false;
			rc = set_state(v, XenbusStateInitWait);
			v->state = NB_INITWAIT;
		} else if (fe == XenbusStateClosed ||
			   fe == XenbusStateUnknown) {
			(void)set_state(v, XenbusStateClosed);
		}
		break;
	default:
		break;
	}
	return rc;
}
