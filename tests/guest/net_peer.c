/*
 * The guest side of the traffic peer protocol; see net_peer.h.
 */
#include "kernel/time.h"
#include "kernel/xen/xen.h"
#include "kernel/xen/xenstore/xenstore.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/guest/net_peer.h"

#define DIR "data/ktest-net"
/* How often watch events are looked at while the stack is polled. */
#define RESULT_POLL_NS (100ULL * 1000 * 1000)
/* A read even without an event, in case one was lost. */
#define RESULT_READ_NS (2 * NET_PEER_SEC)
/* The peer is started before we run; under load it may lag a bit. */
#define PEER_START_NS (5 * NET_PEER_SEC)

static uint32_t seq;
uint64_t net_peer_max_xs_ns;
/*
 * Set by the watch on the result node.  A blocking xs_read() every poll
 * would leave the peer's traffic unanswered while xenstored is slow (we
 * saw 400 ms under load); xs_watch_poll() never waits.
 */
static volatile bool result_changed;
static bool watching;

static void on_result(const char *path, const char *token, void *arg)
{
	result_changed = true;
}

static bool never(void *arg)
{
	return false;
}

void net_peer_poll_for(uint64_t ns)
{
	(void)net_wait(never, NULL, ns);
}

const char *net_peer_unavailable(void)
{
	static bool peer_seen;
	char v[16];
	uint64_t start;

	if (!xen_present())
		return "not running under Xen";
	if (!net_ipv4_addr())
		return "no ip= on the command line";
	if (!net_dev())
		return "no network device";
	if (!net_ready())
		return NULL; /* a device that is down is a failure, not a skip
			      */
	if (peer_seen)
		return NULL;
	if (xs_init())
		return "no xenstore";
	start = time_now_ns();
	while (xs_read(XS_TXN_NIL, DIR "/peer", v, sizeof(v)) < 0) {
		if (time_now_ns() - start > PEER_START_NS)
			return "no traffic peer in dom0";
		net_peer_poll_for(RESULT_POLL_NS);
	}
	peer_seen = true;
	return NULL;
}

static int vstart(const char *fmt, va_list ap)
{
	char cmd[128];
	int n = snprintf(cmd, sizeof(cmd), "%u ", ++seq);

	vsnprintf(cmd + n, sizeof(cmd) - n, fmt, ap);
	return xs_write(XS_TXN_NIL, DIR "/cmd", cmd);
}

int net_peer_start(const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vstart(fmt, ap);
	va_end(ap);
	return rc;
}

/* Is there a result worth reading?  Only on a watch event, or seldom. */
static bool result_due(uint64_t *last_read)
{
	uint64_t now = time_now_ns();

	if (!watching) {
		watching =
		    !xs_watch(DIR "/result", "ktest-net", on_result, NULL);
		return true;
	}
	xs_watch_poll();
	if (!result_changed && now - *last_read < RESULT_READ_NS)
		return false;
	result_changed = false;
	*last_read = now;
	return true;
}

int net_peer_wait(char *res, size_t len, uint64_t timeout_ns)
{
	char got[256], want[16];
	uint64_t start = time_now_ns(), last_read = start;
	size_t wlen = (size_t)snprintf(want, sizeof(want), "%u ", seq);
	int rc;

	for (;;) {
		uint64_t t0;

		net_peer_poll_for(RESULT_POLL_NS);
		if (time_now_ns() - start > timeout_ns)
			return -ETIMEDOUT;
		if (!result_due(&last_read))
			continue;
		t0 = time_now_ns();
		/* The peer's text: bounded and NUL-terminated by xs_read. */
		rc = xs_read(XS_TXN_NIL, DIR "/result", got, sizeof(got));
		/* While we wait for xenstored nobody answers the peer. */
		net_peer_max_xs_ns =
		    MAX(net_peer_max_xs_ns, time_now_ns() - t0);
		if (rc >= 0 && !strncmp(got, want, wlen)) {
			strlcpy(res, got + wlen, len);
			return 0;
		}
	}
}

int net_peer_call(char *res, size_t len, uint64_t timeout_ns, const char *fmt,
		  ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vstart(fmt, ap);
	va_end(ap);
	return rc ? rc : net_peer_wait(res, len, timeout_ns);
}

bool net_peer_value(const char *res, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);
	const char *p = res;

	while ((p = strchr(p, key[0]))) {
		if ((p == res || p[-1] == ' ') && !strncmp(p, key, klen) &&
		    p[klen] == '=') {
			const char *d = p + klen + 1;
			size_t n = 0;

			while (d[n] >= '0' && d[n] <= '9')
				n++;
			return n && !kstrtou64(d, n, 10, out);
		}
		p++;
	}
	return false;
}
