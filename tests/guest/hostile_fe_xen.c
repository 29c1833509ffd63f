/*
 * The hostile frontend's Xen side (hostile_fe.h): the command-line key,
 * finding the vifs, the xenbus handshake of io/netif.h on each, reaping,
 * and releasing every grant and page.  Done by hand with the kernel's
 * gnttab, evtchn, xenstore and xenbus APIs, never through drivers/netfront
 * (which this suite's key keeps off the vifs).
 */
#include "drivers/netfront/netfront.h"
#include "kernel/cmdline.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "kernel/xen/xenstore/xenbus.h"
#include "kernel/xen/xenstore/xenstore.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/guest/hostile_fe.h"

#define TXN_RETRIES 8
#define POLL_NS	    (100ULL * 1000 * 1000)

struct hfe_vif *hfe_vifs;
unsigned int hfe_nvifs;

static uint8_t cmd_modes[HFE_MAX_VIFS];
static unsigned int cmd_nmodes;

static int set_modes(const char *value)
{
	int n = hfe_parse_modes(value, cmd_modes, HFE_MAX_VIFS);

	if (n < 0)
		return n;
	cmd_nmodes = (unsigned int)n;
	/* This boot's vifs are the attacker's: netfront must not take one. */
	netfront_leave_alone();
	return 0;
}
KPARAM("hostile_fe.modes", set_modes);

unsigned int hfe_modes(const uint8_t **modes)
{
	*modes = cmd_modes;
	return cmd_nmodes;
}

static int leaf(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n >= 0 && (size_t)n < len ? 0 : -E2BIG;
}

/* Device ids under device/vif, ascending (the xl config's order). */
static int list_vifs(unsigned int *ids, unsigned int max)
{
	static char names[1024];
	unsigned int count, n = 0;
	const char *p = names;
	int rc = xs_directory(XS_TXN_NIL, "device/vif", names, sizeof(names),
			      &count);

	if (rc < 0)
		return rc;
	for (unsigned int i = 0; i < count; i++, p += strlen(p) + 1) {
		uint64_t id;
		unsigned int k;

		if (kstrtou64(p, strlen(p), 10, &id) || id > 0xffff)
			return -EPROTO;
		if (n == max)
			break;
		for (k = n; k > 0 && ids[k - 1] > id; k--)
			ids[k] = ids[k - 1];
		ids[k] = (unsigned int)id;
		n++;
	}
	return (int)n;
}

int hfe_vif_state(struct hfe_vif *v, int st)
{
	return xenbus_switch_state(XS_TXN_NIL, v->dev, (enum xenbus_state)st);
}

int hfe_backend_state(struct hfe_vif *v)
{
	enum xenbus_state st;
	int rc = xenbus_read_state(v->be, &st);

	v->be_state_seen = rc ? rc : (int)st;
	return v->be_state_seen;
}

int hfe_notify(struct hfe_vif *v)
{
	return v->port_bound ? evtchn_send(v->port) : -ENOTCONN;
}

static void vif_irq(evtchn_port_t port, void *arg)
{
	struct hfe_vif *v = arg;

	/* Only counted: the rings are reaped in process context. */
	v->events++;
}

static int probe(struct hfe_vif *v)
{
	char path[HFE_PATH_MAX + 32], val[32];
	uint64_t sg = 0;
	int rc;

	rc = xenbus_read_backend(v->dev, v->be, sizeof(v->be), &v->be_id);
	if (rc)
		return rc;
	rc = leaf(path, sizeof(path), v->dev, "mac");
	if (!rc)
		rc = xs_read(XS_TXN_NIL, path, val, sizeof(val));
	if (rc >= 0)
		rc = netfront_parse_mac(val, (size_t)rc, v->mac);
	if (rc)
		return rc;
	rc = leaf(path, sizeof(path), v->be, "feature-sg");
	if (!rc && xs_read_u64(XS_TXN_NIL, path, &sg) == 0)
		v->be_sg = sg == 1;
	return rc;
}

static int put(xs_transaction_t t, struct hfe_vif *v, const char *name,
	       unsigned int val)
{
	char path[64], s[12];
	int rc = leaf(path, sizeof(path), v->dev, name);

	snprintf(s, sizeof(s), "%u", val);
	return rc ?: xs_write(t, path, s);
}

static int publish_txn(xs_transaction_t t, void *arg)
{
	struct hfe_vif *v = arg;
	int rc;

	rc = put(t, v, "tx-ring-ref", v->tx_ring_ref);
	rc = rc ?: put(t, v, "rx-ring-ref", v->rx_ring_ref);
	rc = rc ?: put(t, v, "event-channel", v->port);
	rc = rc ?: put(t, v, "request-rx-copy", 1);
	rc = rc ?: put(t, v, "feature-rx-notify", 1);
	rc = rc ?: put(t, v, "feature-sg", 0);
	rc = rc ?: put(t, v, "feature-gso-tcpv4", 0);
	rc = rc ?: put(t, v, "feature-no-csum-offload", 1);
	return rc ?: xenbus_switch_state(t, v->dev, XenbusStateConnected);
}

static int grant_page(struct hfe_vif *v, void *page, bool ro, grant_ref_t *r)
{
	return gnttab_grant_access(v->be_id, (uintptr_t)page >> PAGE_SHIFT, ro,
				   r);
}

static void rx_post(struct hfe_vif *v, unsigned int k)
{
	netif_rx_request_t *r = RING_GET_REQUEST(&v->rx, v->rx.req_prod_pvt);

	r->id = (uint16_t)k;
	r->gref = v->rx_ref[k];
	v->rx.req_prod_pvt++;
}

/* Rings, RX buffers (not for norx), frame page, event channel. */
static int setup_rings(struct hfe_vif *v)
{
	int rc;

	v->tx_sring = mm_page_alloc_zeroed(0);
	v->rx_sring = mm_page_alloc_zeroed(0);
	v->frame_page = mm_page_alloc_zeroed(0);
	if (!v->tx_sring || !v->rx_sring || !v->frame_page)
		return -ENOMEM;
	hfe_tx_init(&v->tx, v->tx_sring);
	SHARED_RING_INIT((netif_rx_sring_t *)v->rx_sring);
	FRONT_RING_INIT(&v->rx, (netif_rx_sring_t *)v->rx_sring, PAGE_SIZE);
	rc = grant_page(v, v->tx_sring, false, &v->tx_ring_ref);
	if (rc)
		return rc;
	v->tx_ring_granted = true;
	rc = grant_page(v, v->rx_sring, false, &v->rx_ring_ref);
	if (rc)
		return rc;
	v->rx_ring_granted = true;
	rc = grant_page(v, v->frame_page, true, &v->frame_ref);
	if (rc)
		return rc;
	v->frame_granted = true;
	for (unsigned int k = 0; v->mode != HFE_NORX && k < HFE_RX_BUFS; k++) {
		v->rx_buf[k] = mm_page_alloc_zeroed(0);
		if (!v->rx_buf[k])
			return -ENOMEM;
		rc = grant_page(v, v->rx_buf[k], false, &v->rx_ref[k]);
		if (rc) {
			mm_page_free(v->rx_buf[k], 0);
			v->rx_buf[k] = NULL;
			return rc;
		}
		rx_post(v, k);
		v->rx_posted++;
	}
	RING_PUSH_REQUESTS(&v->rx);
	rc = evtchn_alloc_unbound(v->be_id, &v->port);
	if (rc)
		return rc;
	rc = evtchn_bind(v->port, vif_irq, v);
	if (rc) {
		evtchn_close(v->port);
		return rc;
	}
	v->port_bound = true;
	return 0;
}

int hfe_vif_connect(struct hfe_vif *v, uint64_t timeout_ns)
{
	enum xenbus_state st;
	int rc;

	rc = probe(v);
	if (rc) {
		pr_err("hostile_fe: %s: bad device nodes (%d)\n", v->dev, rc);
		return rc;
	}
	rc = hfe_vif_state(v, XenbusStateInitialising);
	rc = rc
		 ?: xenbus_wait_state(v->be,
				      XENBUS_STATE_BIT(XenbusStateInitWait),
				      &st, timeout_ns);
	if (rc) {
		pr_err("hostile_fe: %s: backend %s not in InitWait (%d)\n",
		       v->dev, v->be, rc);
		return rc;
	}
	/* feature-sg is written with InitWait: read it again now. */
	rc = probe(v);
	rc = rc ?: setup_rings(v);
	rc = rc ?: xs_transact(publish_txn, v, TXN_RETRIES);
	rc = rc
		 ?: xenbus_wait_state(v->be,
				      XENBUS_STATE_BIT(XenbusStateConnected) |
					  XENBUS_STATE_BIT(XenbusStateClosing) |
					  XENBUS_STATE_BIT(XenbusStateClosed),
				      &st, timeout_ns);
	if (!rc && st != XenbusStateConnected)
		rc = -ECONNRESET;
	if (rc) {
		pr_err("hostile_fe: %s: no connection with %s (%d)\n", v->dev,
		       v->be, rc);
		return rc;
	}
	v->connected = true;
	pr_info("hostile_fe: %s (%s) connected to %s, domain %u, sg %u\n",
		v->dev, hfe_mode_name(v->mode), v->be, v->be_id, v->be_sg);
	return 0;
}

int hfe_discover(unsigned int nmodes, const uint8_t *modes)
{
	unsigned int ids[HFE_MAX_VIFS];
	int n = list_vifs(ids, HFE_MAX_VIFS);

	if (n < 0)
		return n == -ENOENT ? -ENODEV : n;
	if ((unsigned int)n < nmodes) {
		pr_err("hostile_fe: %u modes but %d vif(s)\n", nmodes, n);
		return -ENODEV;
	}
	/* Allocated (not static): a kernel that never attacks pays nothing */
	if (!hfe_vifs)
		hfe_vifs = mm_zalloc(HFE_MAX_VIFS * sizeof(*hfe_vifs));
	if (!hfe_vifs)
		return -ENOMEM;
	memset(hfe_vifs, 0, HFE_MAX_VIFS * sizeof(*hfe_vifs));
	hfe_nvifs = nmodes;
	for (unsigned int i = 0; i < nmodes; i++) {
		struct hfe_vif *v = &hfe_vifs[i];

		v->devid = ids[i];
		v->mode = modes[i];
		snprintf(v->dev, sizeof(v->dev), "device/vif/%u", ids[i]);
	}
	return 0;
}

void hfe_vif_reap(struct hfe_vif *v)
{
	uint64_t now = time_now_ns();
	RING_IDX prod, i;

	if (!v->connected)
		return;
	hfe_tx_reap(&v->tx, now, NULL, NULL);
	prod = READ_ONCE(v->rx.sring->rsp_prod);
	xen_rmb();
	v->rx_prod_last = prod;
	/* norx: never consumed (XSA-392 class), only watched. */
	if (v->mode == HFE_NORX || v->rx_bad)
		return;
	if (prod - v->rx.rsp_cons > v->rx.req_prod_pvt - v->rx.rsp_cons) {
		v->rx_bad++;
		return;
	}
	for (i = v->rx.rsp_cons; i != prod; i++) {
		netif_rx_response_t r;

		RING_COPY_RESPONSE(&v->rx, i, &r);
		v->rx_answered++;
		if (r.id >= HFE_RX_BUFS || !v->rx_buf[r.id]) {
			v->rx_bad++;
			continue;
		}
		/* Same buffer, same grant, straight back. */
		rx_post(v, r.id);
	}
	v->rx.rsp_cons = prod;
	v->rx.sring->rsp_event = prod + 1;
	if (v->rx.req_prod_pvt != v->rx.sring->req_prod) {
		bool notify;

		RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&v->rx, notify);
		if (notify)
			hfe_notify(v);
	}
}

/* End one grant; -EBUSY is retried by the caller. */
static int end_ref(grant_ref_t *ref, bool *granted)
{
	int rc;

	if (!*granted)
		return 0;
	rc = gnttab_end_access(*ref);
	if (!rc)
		*granted = false;
	return rc;
}

static unsigned int release_once(struct hfe_vif *v)
{
	unsigned int left = 0;

	if (v->port_bound) {
		evtchn_unbind(v->port);
		v->port_bound = false;
	}
	if (end_ref(&v->tx_ring_ref, &v->tx_ring_granted))
		left++;
	if (end_ref(&v->rx_ring_ref, &v->rx_ring_granted))
		left++;
	if (end_ref(&v->frame_ref, &v->frame_granted))
		left++;
	for (unsigned int k = 0; k < HFE_RX_BUFS; k++) {
		bool g = v->rx_buf[k] != NULL;

		if (end_ref(&v->rx_ref[k], &g))
			left++;
		else if (v->rx_buf[k]) {
			mm_page_free(v->rx_buf[k], 0);
			v->rx_buf[k] = NULL;
		}
	}
	if (v->flood) {
		struct hfe_flood *f = v->flood;

		while (v->flood_granted) {
			grant_ref_t r = f->refs[v->flood_granted - 1];

			if (gnttab_end_access(r)) {
				left++;
				break;
			}
			v->flood_granted--;
		}
	}
	return left;
}

unsigned int hfe_vif_release(struct hfe_vif *v, uint64_t timeout_ns)
{
	uint64_t deadline = time_now_ns() + timeout_ns;
	unsigned int left;

	v->connected = false;
	while ((left = release_once(v)) && time_now_ns() < deadline)
		sleep_ns(POLL_NS);
	if (left)
		return left;
	/* Every grant ended: the pages are ours alone again. */
	if (v->tx_sring)
		mm_page_free(v->tx_sring, 0);
	if (v->rx_sring)
		mm_page_free(v->rx_sring, 0);
	if (v->frame_page)
		mm_page_free(v->frame_page, 0);
	v->tx_sring = v->rx_sring = v->frame_page = NULL;
	for (unsigned int i = 0; i < HFE_FLOOD_PAGES; i++) {
		if (v->flood_pages[i])
			mm_page_free(v->flood_pages[i], 0);
		v->flood_pages[i] = NULL;
	}
	mm_free(v->flood);
	v->flood = NULL;
	return 0;
}
