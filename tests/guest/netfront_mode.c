/*
 * Which backend a netfront test meets, and the mode channel to dom0's
 * tests/peer/hostile-netback (nb_switch.c there): one boot of the kernel
 * runs the hostile tests mode after mode, instead of one boot per mode.
 *
 * Each hostile test asks for its mode on a fresh connection:
 *   1. the device goes down with nothing held (its own counts checked);
 *   2. data/ktest-nb/request = "<seq> <mode>[ <opts>]" (seq counts up);
 *   3. data/ktest-nb/ack must come back as "<seq> <mode> ..." with every
 *      option asked for, within ACK_NS: the peer names what it will now
 *      serve from its own state ("<seq> refused <why>" fails the test);
 *   4. the pages and grant references in use are back at the baseline the
 *      device took at its first connect (the peer has let go of whatever
 *      the last mode held), so no test starts on another's leftovers;
 *   5. connect, and the backend's ktest-mode node must read "<seq> <mode>":
 *      this very connection serves this very request, not the last one.
 */
#include "kernel/mm/mm.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "kernel/xen/xen.h"
#include "kernel/xen/xenstore/xenbus.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "tests/guest/netfront_test.h"

#define REQUEST "data/ktest-nb/request"
#define ACK	"data/ktest-nb/ack"
/* The peer answers at once; TCG and a busy dom0 stretch that a lot. */
#define ACK_NS (15000 * NFT_MS)
/* A peer that held our pages unmaps them at the switch. */
#define RELEASE_NS (10000 * NFT_MS)

/* Of the last request; 0: none yet (the peer's command-line mode). */
static uint32_t seq;

const char *nft_need_hostile(const char *mode)
{
	static char why[80];

	if (!xen_present())
		return "not running under Xen";
	if (!expect_netfront_mode(mode)) {
		snprintf(why, sizeof(why), "needs netfront.expect=%s", mode);
		return why;
	}
	return NULL;
}

/* The backend's ktest-mode node (hostile-netback writes it at connect). */
int nft_served(char *buf, size_t len)
{
	char be[NETFRONT_PATH_MAX], path[NETFRONT_PATH_MAX + 16];
	domid_t id;
	int rc = xenbus_read_backend(NETFRONT_DEV, be, sizeof(be), &id);

	if (rc)
		return rc;
	snprintf(path, sizeof(path), "%s/ktest-mode", be);
	rc = xs_read(XS_TXN_NIL, path, buf, len);
	return rc < 0 ? rc : 0;
}

/* Is the device up, unbroken, on a connection served as `mode`? */
static bool serving(const char *mode)
{
	char want[64], now[64];
	struct netfront_state ns;

	netfront_get_state(&ns);
	if (!ns.up || ns.broken || nft_served(now, sizeof(now)))
		return false;
	/* Written by the peer at each connect: this connection's request. */
	snprintf(want, sizeof(want), "%u %s", seq, mode);
	return !strcmp(now, want);
}

const char *nft_need_good(int *rc)
{
	static char why[96];

	*rc = 0;
	if (!xen_present())
		return "not running under Xen";
	if (expect_netfront() && !expect_netfront_mode("good")) {
		snprintf(why, sizeof(why), "backend is hostile-netback %s",
			 expect_netfront());
		return why;
	}
	if (expect_netfront()) {
		/* The good connection the last good test left, or a new one. */
		if (!serving("good"))
			*rc = nft_use_mode("good", NULL, NULL);
		return NULL;
	}
	/* Linux netback's nodes exist before we run: one look is enough. */
	*rc = netfront_connect(0);
	if (*rc == -ENODEV)
		return "no vif in this domain (device/vif/0)";
	return NULL;
}

static uint64_t page_api_used(void)
{
	struct mm_stats m;

	mm_get_stats(&m);
	return m.used_pages - m.heap_pages;
}

bool nft_wait_quarantine(uint32_t pages, uint64_t timeout_ns)
{
	uint64_t deadline = time_now_ns() + timeout_ns;
	struct gnttab_stats g;

	for (;;) {
		gnttab_quarantine_poll();
		gnttab_get_stats(&g);
		if (g.quarantined_pages <= pages)
			return true;
		if (time_now_ns() >= deadline)
			return false;
		sleep_ns(10 * NFT_MS);
	}
}

/*
 * Step 1: down, and the device itself holds nothing.  What it still holds
 * fails the test, which goes on all the same: a BUGGY= kernel leaks here
 * (BUGGY=msa00 loses the buffers whose ids it handed out twice) and must
 * still meet its mode and fail for its own reason too.
 */
static int go_down(const char *mode)
{
	struct netfront_stats st;
	int rc = netfront_disconnect();

	netfront_get_stats(&st);
	if (rc) {
		ktest_diag("before %s: disconnect: %d", mode, rc);
		return rc;
	}
	if (st.pages_held || st.grants_held || st.tx_inflight || st.rx_posted)
		ktest_fail_at(__FILE__, __LINE__,
			      "before %s: the device down still holds %u "
			      "page(s), %u grant(s), %u TX, %u RX buffer(s)",
			      mode, st.pages_held, st.grants_held,
			      st.tx_inflight, st.rx_posted);
	return 0;
}

/* Step 3: the ack for our seq (polling the device meanwhile: `service`). */
static int wait_ack(char *ack, size_t len, bool service)
{
	uint64_t deadline = time_now_ns() + ACK_NS;
	char pre[16];
	int n;

	snprintf(pre, sizeof(pre), "%u ", seq);
	for (;;) {
		n = xs_read(XS_TXN_NIL, ACK, ack, len);
		if (n > 0 && !strncmp(ack, pre, strlen(pre)))
			return 0;
		if (time_now_ns() >= deadline) {
			ktest_diag("no ack for request %u from hostile-netback "
				   "in %lu ms (last: %d \"%s\")",
				   seq, (unsigned long)(ACK_NS / NFT_MS), n,
				   n > 0 ? ack : "");
			return -ETIMEDOUT;
		}
		if (service)
			netfront_poll();
		sleep_ns(10 * NFT_MS);
	}
}

/* The ack names our mode and every option we asked for. */
static int check_ack(const char *ack, const char *mode, const char *opts)
{
	const char *rest = strchr(ack, ' ') + 1, *p = opts;
	size_t n = strlen(mode);

	if (strncmp(rest, mode, n) || (rest[n] != ' ' && rest[n])) {
		ktest_diag("hostile-netback answered \"%s\" to \"%s\"", ack,
			   mode);
		return -EPROTO;
	}
	while (p && *p) {
		const char *e = strchr(p, ' ');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (!expect_word_in(rest, ' ', p, l)) {
			ktest_diag("ack \"%s\" lacks %.*s", ack, (int)l, p);
			return -EPROTO;
		}
		p += l + (e != NULL);
	}
	return 0;
}

/*
 * Step 4: what the last mode left behind (quarantine drained first).  A
 * leftover fails the test but does not stop it: on a BUGGY= kernel the
 * test still meets its own mode and fails for its own reason as well.
 */
static void check_baseline(const char *mode)
{
	struct netfront_baseline base;
	struct gnttab_stats g;
	uint64_t pages;

	if (!netfront_get_baseline(&base))
		return; /* never connected: nothing taken yet */
	nft_wait_quarantine(base.quarantined_pages, RELEASE_NS);
	gnttab_get_stats(&g);
	pages = page_api_used();
	if (pages == base.pages && g.refs_granted == base.refs &&
	    g.quarantined_pages == base.quarantined_pages)
		return;
	ktest_fail_at(__FILE__, __LINE__,
		      "before %s: %lu page(s) in use (start %lu), %u grant(s) "
		      "(start %u), %lu quarantined (start %lu)",
		      mode, (unsigned long)pages, (unsigned long)base.pages,
		      g.refs_granted, base.refs,
		      (unsigned long)g.quarantined_pages,
		      (unsigned long)base.quarantined_pages);
}

int nft_use_mode(const char *mode, const char *opts, struct netfront_stats *st0)
{
	char req[96], ack[128], now[64], want[64];
	int rc = go_down(mode);

	if (rc)
		return rc;
	seq++;
	snprintf(req, sizeof(req), "%u %s%s%s", seq, mode, opts ? " " : "",
		 opts ? opts : "");
	rc = xs_write(XS_TXN_NIL, REQUEST, req);
	if (rc) {
		ktest_diag("writing %s: %d", REQUEST, rc);
		return rc;
	}
	rc = wait_ack(ack, sizeof(ack), true);
	rc = rc ?: check_ack(ack, mode, opts);
	if (rc)
		return rc;
	check_baseline(mode);
	if (st0)
		netfront_get_stats(st0);
	rc = netfront_connect(NFT_CONNECT_NS);
	if (rc) {
		ktest_diag("connecting to hostile-netback %s: %d", mode, rc);
		return rc;
	}
	snprintf(want, sizeof(want), "%u %s", seq, mode);
	rc = nft_served(now, sizeof(now));
	if (rc || strcmp(now, want)) {
		ktest_diag("connected, but the backend serves \"%s\" (%d), not "
			   "\"%s\"",
			   rc ? "" : now, rc, want);
		return rc ? rc : -EPROTO;
	}
	return 0;
}

int nft_refused_mode(const char *req_tail, bool service, char *ack, size_t len)
{
	char req[96];
	int rc;

	seq++;
	snprintf(req, sizeof(req), "%u %s", seq, req_tail);
	rc = xs_write(XS_TXN_NIL, REQUEST, req);
	return rc ?: wait_ack(ack, len, service);
}

int nft_release_held(const char *mode)
{
	char ack[128];
	int rc = nft_refused_mode(mode, true, ack, sizeof(ack));
	const char *rest = rc ? NULL : strchr(ack, ' ');

	if (rest && !strncmp(rest + 1, "refused", 7)) {
		ktest_diag("release of what %s held: ack \"%s\"", mode, ack);
		return -EPROTO;
	}
	return rc;
}
