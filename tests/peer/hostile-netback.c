// SPDX-License-Identifier: MIT
/*
 * hostile-netback: takes the backend role for a guest's vif 0 in a
 * scenario without Linux netback (no vif= in the guest config), does
 * netback's half of the xenbus handshake, then serves the rings correctly
 * ("good") or misbehaves once as the scenario says, so guest tests can
 * check their netfront's hardening against a real hostile peer.
 *
 * Usage: hostile-netback [options] SCENARIO   (see usage() and README.md)
 */
#include "nb_main.h"
#include "peer_util.h"
#include "peer_xs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xen/xen.h>

/* Safety net behind events: serve the rings at least this often. */
#define NB_TICK_MS 100

/* The newest guest without a vif 0, or -errno; -EAGAIN: none yet. */
static long find_guest(struct xs_handle *xs)
{
	unsigned int ids[256], i;
	char path[64], buf[4];
	long best = -EAGAIN;
	int n;

	n = peer_xs_list_domains(xs, ids, 256);
	if (n < 0)
		return n;
	for (i = 0; i < (unsigned int)n; i++) {
		if (ids[i] == 0 || (long)ids[i] <= best)
			continue;
		snprintf(path, sizeof(path), "/local/domain/%u/device/vif/0",
			 ids[i]);
		if (peer_xs_read(xs, XBT_NULL, path, buf, sizeof(buf)) ==
		    -ENOENT)
			best = ids[i];
	}
	return best;
}

static long pick_domid(struct xs_handle *xs, const struct nb_args *a,
		       uint64_t deadline)
{
	const char *env = getenv("KTEST_DOMID");
	uint32_t v;
	long d;

	if (a->domid >= 0)
		return a->domid;
	if (env && !peer_parse_u32(env, strlen(env), DOMID_FIRST_RESERVED - 1,
				   &v))
		return v;
	peer_log("no --domid nor $KTEST_DOMID: waiting for a guest");
	for (;;) {
		d = find_guest(xs);
		if (d != -EAGAIN || peer_stop)
			return d;
		if (deadline && peer_now_ms() >= deadline)
			return -ETIMEDOUT;
		usleep(50 * 1000);
	}
}

/*
 * vanish (XSA-465): the backend directory goes away under the frontend
 * with its 1st TX packet unanswered; once the frontend is Closed it comes
 * back in InitWait; when the frontend connects to it, it goes away again
 * before Connected; once the frontend is Closed again it comes back for
 * good.  Returns true when it handled the frontend's state.
 */
static bool vanish_step(struct nb_main *m, int fe)
{
	int rc = 0;

	if (m->a.mode != NB_VANISH || m->vanish == 0 || m->vanish == 4)
		return false;
	if ((m->vanish == 1 || m->vanish == 3) && fe == XenbusStateClosed) {
		rc = nb_xb_return(&m->xb);
		peer_log("vanish: backend back in InitWait (%s)",
			 rc ? strerror(-rc) : "ok");
		m->vanish++;
	} else if (m->vanish == 2 && (fe == XenbusStateInitialised ||
				      fe == XenbusStateConnected)) {
		rc = nb_xb_vanish(&m->xb);
		peer_log("vanish: backend removed while the frontend connects "
			 "(%s)",
			 rc ? strerror(-rc) : "ok");
		m->vanish = 3;
	} else if (m->vanish == 2) {
		return false;
	}
	return true;
}

void nb_main_set_state(struct nb_main *m, enum xenbus_state s)
{
	enum xenbus_state old = m->xb.state;
	int rc = nb_xb_set_state(&m->xb, s);

	if (rc)
		peer_log("backend state %d: %s", s, strerror(-rc));
	else if (old != s)
		peer_log("backend state %d -> %d", old, s);
}

static void do_connect(struct nb_main *m)
{
	struct nb_fe_info fe;
	int rc;

	rc = nb_xb_read_frontend(&m->xb, &fe);
	if (!rc)
		rc = nb_conn_up(&m->conn, &fe,
				/* vanish, back for good: a good backend */
				m->a.mode == NB_VANISH && m->vanish == 4
				    ? NB_GOOD
				    : m->a.mode,
				m->a.storm, m->mac);
	if (rc) {
		peer_log("connect failed: %s", strerror(-rc));
		nb_main_set_state(m, XenbusStateClosing);
		return;
	}
	peer_log("connected: tx-ring-ref %u rx-ring-ref %u event-channel %u "
		 "(local port %u), scenario %s",
		 fe.tx_ref, fe.rx_ref, fe.evtchn, m->conn.port,
		 nb_mode_name(m->a.mode));
	nb_switch_connecting(m);
	nb_main_set_state(m, XenbusStateConnected);
	nb_start(&m->conn.nb);
}

/* netback's reaction to each frontend state (Linux frontend_changed). */
static void frontend_changed(struct nb_main *m)
{
	int fe = nb_xb_fe_state(&m->xb);

	peer_log("frontend state %d (backend %d)", fe, m->xb.state);
	if (vanish_step(m, fe))
		return;
	switch (fe) {
	case XenbusStateInitialising:
		/* A frontend starting over after we closed: offer again. */
		if (m->xb.state == XenbusStateClosed)
			nb_main_set_state(m, XenbusStateInitWait);
		break;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		if (m->xb.state == XenbusStateInitWait)
			do_connect(m);
		break;
	case XenbusStateClosing:
		nb_conn_down(&m->conn);
		if (nb_mode_release_at_close(m->a.mode))
			nb_conn_release_held(&m->conn);
		nb_main_set_state(m, XenbusStateClosing);
		break;
	case XenbusStateClosed:
	case XenbusStateUnknown:
	default:
		/* Includes a vanished or garbled state node. */
		nb_conn_down(&m->conn);
		if (nb_mode_release_at_close(m->a.mode))
			nb_conn_release_held(&m->conn);
		if (m->xb.state != XenbusStateInitWait)
			nb_main_set_state(m, XenbusStateClosed);
		break;
	}
	nb_switch_frontend(m, fe);
}

/* Pending watches; returns false once the guest is gone. */
static bool drain_watches(struct nb_main *m)
{
	bool alive = true;
	char **w;

	while ((w = xs_check_watch(m->xs))) {
		if (!strcmp(w[XS_WATCH_PATH], m->xb.fe_state))
			frontend_changed(m);
		else if (nb_switch_watch(m, w[XS_WATCH_PATH]))
			;
		else if (!strcmp(w[XS_WATCH_PATH], "@releaseDomain") &&
			 !xs_is_domain_introduced(m->xs, m->xb.domid))
			alive = false;
		free(w);
	}
	return alive;
}

/*
 * The MSA01 scan's counts, for the guest's msa01 tests: the backend node
 * ktest-scan (readable by the guest), rewritten only when they changed.
 */
static void publish_scan(struct nb_main *m)
{
	char buf[sizeof(m->scan)];
	int rc;

	nb_scan_format(&m->conn.nb, buf, sizeof(buf));
	if (!strcmp(buf, m->scan))
		return;
	rc = nb_xb_write(&m->xb, "ktest-scan", buf);
	if (rc)
		peer_log("ktest-scan: %s", strerror(-rc));
	else
		memcpy(m->scan, buf, sizeof(buf));
}

static void tick(struct nb_main *m)
{
	struct nb_conn *c = &m->conn;
	int rc;

	if (c->close_requested && m->xb.state == XenbusStateConnected &&
	    m->a.mode == NB_VANISH) {
		/* Gone without a word: no Closing, no rings, no port. */
		c->close_requested = false;
		nb_conn_down(c);
		rc = nb_xb_vanish(&m->xb);
		peer_log(
		    "vanish: backend removed with a TX packet in flight (%s)",
		    rc ? strerror(-rc) : "ok");
		m->vanish = 1;
	} else if (c->close_requested && m->xb.state == XenbusStateConnected) {
		/* close-mid: the frontend answers with Closing/Closed. */
		c->close_requested = false;
		nb_main_set_state(m, XenbusStateClosing);
	}
	if (c->nheld && m->a.hold_ms &&
	    peer_now_ms() - c->held_at_ms >= m->a.hold_ms)
		nb_conn_release_held(c);
	if (c->up) {
		nb_kick(&c->nb);
		publish_scan(m);
	}
	nb_switch_tick(m);
}

/* Exit status: 0 guest gone or stopped, 2 timeout. */
static int serve(struct nb_main *m, uint64_t deadline)
{
	struct pollfd pfd[2] = {
	    {.fd = xs_fileno(m->xs), .events = POLLIN},
	    {.fd = xenevtchn_fd(m->conn.xce), .events = POLLIN},
	};
	uint64_t last_tick = 0;

	while (!peer_stop) {
		if (deadline && peer_now_ms() >= deadline) {
			peer_log("timeout");
			return 2;
		}
		if (poll(pfd, 2, NB_TICK_MS) < 0 && errno != EINTR) {
			peer_log("poll: %s", strerror(errno));
			return 1;
		}
		if (pfd[1].revents & POLLIN)
			nb_conn_event(&m->conn);
		if (!drain_watches(m)) {
			peer_log("d%u is gone", m->xb.domid);
			return 0;
		}
		if (peer_now_ms() - last_tick >= NB_TICK_MS) {
			tick(m);
			last_tick = peer_now_ms();
		}
	}
	peer_log("stop signal");
	return 0;
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		peer_log("ready file %s: %s", path, strerror(errno));
	else
		close(fd);
}

static int run(struct nb_main *m, uint64_t deadline)
{
	long d;
	int rc;

	d = pick_domid(m->xs, &m->a, deadline);
	if (peer_stop) {
		peer_log("stop signal");
		return 0;
	}
	if (d < 0) {
		peer_log("no guest: %s", strerror((int)-d));
		return d == -ETIMEDOUT ? 2 : 1;
	}
	if (m->a.have_mac) {
		memcpy(m->mac, m->a.mac, 6);
	} else {
		const uint8_t mac[6] = {
		    0x00, 0x16, 0x3e, 0x6b, (uint8_t)(d >> 8), (uint8_t)d};

		memcpy(m->mac, mac, 6);
	}
	rc = nb_conn_open(&m->conn, (unsigned int)d);
	if (rc) {
		peer_log("grant/event channel handles: %s", strerror(-rc));
		return 1;
	}
	rc = nb_xb_create(&m->xb, m->xs, (unsigned int)d, m->mac);
	if (rc) {
		peer_log("d%ld: creating vif 0: %s", d, strerror(-rc));
		return 1;
	}
	peer_log("d%ld: vif 0 created (%s), backend InitWait, scenario %s", d,
		 m->xb.be, nb_mode_name(m->a.mode));
	/* Each watch fires once at once: the first look at the frontend. */
	if (!xs_watch(m->xs, m->xb.fe_state, "fe") ||
	    !xs_watch(m->xs, "@releaseDomain", "rel")) {
		peer_log("xs_watch: %s", strerror(errno));
		return 1;
	}
	rc = nb_switch_init(m);
	if (rc) {
		peer_log("watching %s: %s", m->req_path, strerror(-rc));
		return 1;
	}
	if (m->a.ready_file)
		touch(m->a.ready_file);
	return serve(m, deadline);
}

int main(int argc, char **argv)
{
	static struct nb_main m; /* struct nb holds a 64 KiB frame */
	uint64_t deadline = 0;
	int rc;

	peer_log_init("hostile-netback");
	if (nb_parse_args(argc, argv, &m.a)) {
		nb_usage(stderr);
		return 1;
	}
	if (peer_signals_init())
		return 1;
	if (m.a.timeout_ms)
		deadline = peer_now_ms() + m.a.timeout_ms;
	m.xs = xs_open(0);
	if (!m.xs) {
		peer_log("xs_open: %s", strerror(errno));
		return 1;
	}
	rc = run(&m, deadline);
	nb_conn_down(&m.conn);
	nb_conn_release_held(&m.conn);
	nb_xb_destroy(&m.xb);
	nb_conn_close(&m.conn);
	nb_scan_format(&m.conn.nb, m.scan, sizeof(m.scan));
	peer_log("exit %d: tx %u packets (%u bad), rx %u frames, grant copy "
		 "errors %u; scan %s",
		 rc, m.conn.nb.tx_packets, m.conn.nb.tx_errors,
		 m.conn.nb.rx_packets, m.conn.copy_errors, m.scan);
	xs_close(m.xs);
	return rc;
}
