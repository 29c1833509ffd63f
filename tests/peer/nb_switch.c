// SPDX-License-Identifier: MIT
/*
 * hostile-netback's mode channel, the xenstore side (the parsing is
 * nb_request.c): one run of the peer serves a guest's tests mode after
 * mode instead of one guest boot per mode.
 *
 *   guest   data/ktest-nb/request = "<seq> <mode>[ storm=N][ hold=S]
 *           [ close=C]"
 *   peer    drops everything of the last mode (rings, held grants,
 *           vanish's script, the scan node), closes a connected frontend
 *           (backend Closing, then Closed once it is), backend InitWait,
 *           data/ktest-nb/ack = "<seq> <mode> storm=N hold=S"
 *   guest   connects; the peer writes backend ktest-mode = "<seq> <mode>"
 *           before Connected, so the guest can tell which request the
 *           connection it got is serving
 *
 * A request that does not parse, repeats an older seq, or whose frontend
 * does not close within NB_SWITCH_WAIT_MS (or close=C seconds; the guest's
 * netfront.mode_close_refused asks 1 and keeps its frontend connected)
 * gets "<seq> refused <why>" and
 * changes nothing it has not already dropped; never a wait without bound.
 */
#include "nb_main.h"
#include "peer_util.h"
#include "peer_xs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int nb_switch_init(struct nb_main *m)
{
	snprintf(m->req_path, sizeof(m->req_path),
		 "/local/domain/%u/data/ktest-nb/request", m->xb.domid);
	snprintf(m->ack_path, sizeof(m->ack_path),
		 "/local/domain/%u/data/ktest-nb/ack", m->xb.domid);
	m->storm0 = m->a.storm;
	m->hold0 = m->a.hold_ms;
	/* Fires once at once (nothing there yet: ignored), then per write. */
	if (!xs_watch(m->xs, m->req_path, "req"))
		return errno ? -errno : -EIO;
	return 0;
}

/* The guest owns data/ktest-nb/ (it wrote the request): ack inherits it. */
static void write_ack(struct nb_main *m, const char *ack)
{
	int rc = peer_xs_printf(m->xs, XBT_NULL, m->ack_path, "%s", ack);

	peer_log("mode channel: ack \"%s\"%s", ack, rc ? " not written" : "");
}

static void refuse(struct nb_main *m, uint32_t seq, const char *why)
{
	char ack[NB_REQUEST_MAX + 64];

	if (nb_refusal_format(ack, sizeof(ack), seq, why) < 0)
		snprintf(ack, sizeof(ack), "%u refused", seq);
	write_ack(m, ack);
}

/* The frontend is closed (or gone): offer the vif again, say what for. */
static void switch_done(struct nb_main *m)
{
	char ack[NB_REQUEST_MAX + 64];
	int rc = 0;

	m->switching = false;
	if (m->xb.state == XenbusStateUnknown) {
		/* vanish removed the backend directory: a new one. */
		rc = nb_xb_return(&m->xb);
	} else {
		if (m->xb.state != XenbusStateClosed)
			nb_main_set_state(m, XenbusStateClosed);
		nb_main_set_state(m, XenbusStateInitWait);
	}
	if (rc || m->xb.state != XenbusStateInitWait) {
		refuse(m, m->seq, "backend not back in InitWait");
		return;
	}
	nb_ack_format(ack, sizeof(ack), m->seq, m->a.mode, m->a.storm,
		      m->a.hold_ms / 1000, m->close_s);
	write_ack(m, ack);
}

/* Nothing the last mode did may linger into the next one. */
static void drop_mode_state(struct nb_main *m)
{
	nb_conn_down(&m->conn);
	nb_conn_release_held(&m->conn);
	m->vanish = 0;
	/* Counts restart at each connect; so does the guest's view of them. */
	m->scan[0] = '\0';
	if (m->xb.state != XenbusStateUnknown)
		nb_xb_remove(&m->xb, "ktest-scan");
}

static void mode_request(struct nb_main *m)
{
	char buf[NB_REQUEST_MAX + 2];
	struct nb_request r;
	const char *why;
	int n, fe;

	n = peer_xs_read(m->xs, XBT_NULL, m->req_path, buf, sizeof(buf));
	if (n == -ENOENT)
		return; /* nothing asked yet (or the guest removed it) */
	if (n < 0) {
		refuse(m, 0, n == -E2BIG ? "too long" : "unreadable");
		return;
	}
	if (nb_request_parse(buf, (size_t)n, &r, &why)) {
		peer_log("mode channel: request \"%.*s\" refused: %s",
			 n > NB_REQUEST_MAX ? NB_REQUEST_MAX : n, buf, why);
		refuse(m, r.seq, why);
		return;
	}
	if (r.seq == m->seq)
		return; /* the request we served, seen again */
	if (r.seq < m->seq) {
		refuse(m, r.seq, "seq not after the last one");
		return;
	}
	m->seq = r.seq;
	m->a.mode = r.mode;
	m->a.storm = r.have_storm ? r.storm : m->storm0;
	m->a.hold_ms = r.have_hold ? r.hold_s * 1000 : m->hold0;
	m->close_s = r.have_close ? r.close_s : 0;
	fe = nb_xb_fe_state(&m->xb);
	peer_log("mode channel: request %u: %s storm=%u hold=%lu (frontend "
		 "state %d): resetting the vif",
		 r.seq, nb_mode_name(r.mode), m->a.storm, m->a.hold_ms / 1000,
		 fe);
	drop_mode_state(m);
	if (m->xb.state != XenbusStateUnknown &&
	    (fe == XenbusStateInitialised || fe == XenbusStateConnected ||
	     fe == XenbusStateClosing)) {
		/* It still thinks it is connected: close it first. */
		nb_main_set_state(m, XenbusStateClosing);
		m->switching = true;
		m->switch_until =
		    peer_now_ms() +
		    (m->close_s ? m->close_s * 1000ULL : NB_SWITCH_WAIT_MS);
		return;
	}
	switch_done(m);
}

bool nb_switch_watch(struct nb_main *m, const char *path)
{
	if (strcmp(path, m->req_path))
		return false;
	mode_request(m);
	return true;
}

void nb_switch_frontend(struct nb_main *m, int fe)
{
	if (m->switching &&
	    (fe < 0 || fe == XenbusStateClosed ||
	     fe == XenbusStateInitialising || fe == XenbusStateUnknown))
		switch_done(m);
}

void nb_switch_tick(struct nb_main *m)
{
	if (!m->switching || peer_now_ms() < m->switch_until)
		return;
	m->switching = false;
	refuse(m, m->seq, "frontend did not close");
}

void nb_switch_connecting(struct nb_main *m)
{
	char v[48];
	int rc;

	snprintf(v, sizeof(v), "%u %s", m->seq, nb_mode_name(m->a.mode));
	rc = nb_xb_write(&m->xb, "ktest-mode", v);
	if (rc)
		peer_log("ktest-mode: %s", strerror(-rc));
}
