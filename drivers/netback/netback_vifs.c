/*
 * netback's vif table: finding devices under backend/vif, their watches,
 * the service loop, the stack's port and the statistics for tests.
 * (Xen glue and the role switch are in netback.c.)
 */
#include "drivers/netback/netback_priv.h"
#include "kernel/arch.h"
#include "kernel/init.h"
#include "kernel/mm/mm.h"
#include "kernel/net/net.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/xen.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define BE_DIR	  "backend/vif"
#define NB_ROUNDS 8 /* rounds per service call while work remains */

/*
 * The backend's state (vifs, frame pool, switch table: 46 KiB) exists only
 * in the backend role: netback.c allocates it when netback=1 starts, so
 * every other guest's image and memory is that much smaller (issue 11,
 * footprint).  Defined with the vif table it holds, which this file runs.
 */
struct nb *nb_glue;

/* Length of the path component at p. */
static size_t seg_len(const char *p)
{
	const char *e = strchr(p, '/');

	return e ? (size_t)(e - p) : strlen(p);
}

static bool rescan;

static void fe_changed(const char *path, const char *token, void *arg)
{
	((struct nb_vif *)arg)->fe_event = true;
}

static void token_of(const struct nb_vif *v, char *buf, size_t len)
{
	snprintf(buf, len, "nb-fe-%u", (unsigned int)(v - nb_glue->vif));
}

static void watch_fe(struct nb_vif *v)
{
	char p[XENBUS_PATH_MAX + 8], tok[16];

	if (v->watching || !v->fe[0])
		return;
	token_of(v, tok, sizeof(tok));
	snprintf(p, sizeof(p), "%s/state", v->fe);
	if (!xs_watch(p, tok, fe_changed, v))
		v->watching = true;
}

static void unwatch_fe(struct nb_vif *v)
{
	char p[XENBUS_PATH_MAX + 8], tok[16];

	if (!v->watching)
		return;
	token_of(v, tok, sizeof(tok));
	snprintf(p, sizeof(p), "%s/state", v->fe);
	xs_unwatch(p, tok);
	v->watching = false;
}

static struct nb_vif *find(domid_t fe, uint32_t dev)
{
	for (unsigned int i = 0; i < NETBACK_MAX_VIFS; i++) {
		struct nb_vif *v = &nb_glue->vif[i];

		if (v->state != NB_FREE && v->fe_id == fe && v->devid == dev)
			return v;
	}
	return NULL;
}

static void add(domid_t fe, uint32_t dev)
{
	for (unsigned int i = 0; i < NETBACK_MAX_VIFS; i++) {
		struct nb_vif *v = &nb_glue->vif[i];

		if (v->state != NB_FREE)
			continue;
		memset(v, 0, sizeof(*v));
		v->state = NB_NEW;
		v->fe_id = fe;
		v->devid = dev;
		v->be_event = true;
		snprintf(v->be, sizeof(v->be), BE_DIR "/%u/%u", fe, dev);
		return;
	}
	pr_err("netback: vif %u/%u: all %u slots in use\n", fe, dev,
	       NETBACK_MAX_VIFS);
}

static bool parse_id(const char *s, uint64_t max, uint64_t *out)
{
	return !kstrtou64(s, strlen(s), 10, out) && *out <= max;
}

/* Every backend/vif/<fe>/<dev> we do not know yet gets a slot. */
static void scan(void)
{
	static char fes[1024], devs[512];
	unsigned int nfe, ndev;
	const char *f, *d;
	uint64_t fe, dev;

	nb_glue->st.scans++;
	if (xs_directory(XS_TXN_NIL, BE_DIR, fes, sizeof(fes), &nfe) < 0)
		return;
	for (f = fes; nfe--; f += strlen(f) + 1) {
		char p[64];

		if (!parse_id(f, DOMID_FIRST_RESERVED - 1, &fe))
			continue;
		snprintf(p, sizeof(p), BE_DIR "/%s", f);
		if (xs_directory(XS_TXN_NIL, p, devs, sizeof(devs), &ndev) < 0)
			continue;
		for (d = devs; ndev--; d += strlen(d) + 1)
			if (parse_id(d, INT32_MAX, &dev) &&
			    !find((domid_t)fe, (uint32_t)dev))
				add((domid_t)fe, (uint32_t)dev);
	}
}

/* "backend/vif/<fe>/<dev>/...": that vif's event; else a rescan. */
static void be_changed(const char *path, const char *token, void *arg)
{
	uint64_t fe, dev;
	char id[12];
	const char *p = path + sizeof(BE_DIR);
	size_t n;
	struct nb_vif *v = NULL;

	if (strncmp(path, BE_DIR "/", sizeof(BE_DIR)) == 0) {
		n = seg_len(p);
		if (n < sizeof(id)) {
			memcpy(id, p, n);
			id[n] = '\0';
			p += n;
			if (*p == '/' && parse_id(id, 0xffff, &fe)) {
				p++;
				n = seg_len(p);
				if (n < sizeof(id)) {
					memcpy(id, p, n);
					id[n] = '\0';
					if (parse_id(id, INT32_MAX, &dev))
						v = find((domid_t)fe,
							 (uint32_t)dev);
				}
			}
		}
	}
	if (v)
		v->be_event = true;
	else
		rescan = true;
}

int nb_vifs_start(void)
{
	rescan = true;
	return xs_watch(BE_DIR, "netback", be_changed, NULL);
}

static void step_all(void)
{
	for (unsigned int i = 0; i < NETBACK_MAX_VIFS; i++) {
		struct nb_vif *v = &nb_glue->vif[i];

		if (v->state == NB_FREE)
			continue;
		/* A vif being removed is looked at until its time comes. */
		if (!v->be_event && !v->fe_event &&
		    !(v->broken && v->state == NB_CONNECTED) &&
		    v->state != NB_REMOVING)
			continue;
		v->be_event = v->fe_event = false;
		(void)nb_xb_step(nb_glue, v);
		if (v->state == NB_FREE)
			unwatch_fe(v);
		else
			watch_fe(v);
	}
}

/* One round: each vif its budget, starting one further each time. */
static bool data_round(void)
{
	bool more = false;

	nb_glue->rr = (nb_glue->rr + 1) % NETBACK_MAX_VIFS;
	for (unsigned int k = 0; k < NETBACK_MAX_VIFS; k++) {
		struct nb_vif *v =
		    &nb_glue->vif[(nb_glue->rr + k) % NETBACK_MAX_VIFS];

		int tx_more, rx_more;

		if (!nb_vif_up(v))
			continue;
		v->kick = false;
		if (nb_tx_round(nb_glue, v, NB_TX_BUDGET) == NB_TX_BUDGET)
			more = true;
		if (nb_rx_round(nb_glue, v, NB_RX_BUDGET) == NB_RX_BUDGET)
			more = true;
		nb_push(nb_glue, v);
		if (!nb_vif_up(v))
			continue;
		/*
		 * Ask for an event at the next request (req_event), then look
		 * once more: a request posted meanwhile is not missed.
		 */
		RING_FINAL_CHECK_FOR_REQUESTS(&v->tx, tx_more);
		RING_FINAL_CHECK_FOR_REQUESTS(&v->rx, rx_more);
		/* Held requests wait for the stack to drain, not for us. */
		if ((tx_more && !v->tx_held) || (rx_more && v->q_head))
			more = true;
	}
	return more;
}

void nb_vifs_service(void)
{
	xs_watch_poll();
	if (rescan) {
		rescan = false;
		scan();
	}
	step_all();
	for (unsigned int r = 0; r < NB_ROUNDS && data_round(); r++)
		;
	/* Our stack's replies staged since the last service go now. */
	nb_rx_flush(nb_glue);
}

bool nb_vifs_kicked(void)
{
	if (!nb_glue) /* not the backend role */
		return false;
	/* Frames of our stack staged: the next service sends them. */
	if (READ_ONCE(nb_glue->nr_staged))
		return true;
	for (unsigned int i = 0; i < NETBACK_MAX_VIFS; i++)
		if (READ_ONCE(nb_glue->vif[i].kick))
			return true;
	return false;
}
