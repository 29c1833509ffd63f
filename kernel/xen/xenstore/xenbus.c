/*
 * Xenbus state helpers.  A wait never trusts events alone: events are
 * hints that can be queued, dropped or spurious (xs_watch.c), so the
 * state node is reread on every wake and at least every POLL_NS.
 */
#include "kernel/xen/xenstore/xenbus.h"
#include "kernel/xen/xenstore/xs_priv.h"
#include "lib/printf.h"
#include "lib/string.h"

#define POLL_NS	  (100ULL * 1000 * 1000)
#define STATE_MAX XenbusStateReconfigured

static const char *const state_names[] = {
    [XenbusStateUnknown] = "Unknown",
    [XenbusStateInitialising] = "Initialising",
    [XenbusStateInitWait] = "InitWait",
    [XenbusStateInitialised] = "Initialised",
    [XenbusStateConnected] = "Connected",
    [XenbusStateClosing] = "Closing",
    [XenbusStateClosed] = "Closed",
    [XenbusStateReconfiguring] = "Reconfiguring",
    [XenbusStateReconfigured] = "Reconfigured",
};

const char *xenbus_state_name(enum xenbus_state state)
{
	if ((unsigned int)state >= ARRAY_SIZE(state_names))
		return "invalid";
	return state_names[state];
}

/* "<dir>/<leaf>" into buf; -E2BIG if it does not fit. */
static int node(char *buf, size_t len, const char *dir, const char *leaf)
{
	int n = snprintf(buf, len, "%s/%s", dir, leaf);

	return n >= 0 && (size_t)n < len ? 0 : -E2BIG;
}

int xenbus_switch_state(xs_transaction_t t, const char *dev,
			enum xenbus_state state)
{
	char path[XENBUS_PATH_MAX], val[4];
	int rc = node(path, sizeof(path), dev, "state");

	if ((unsigned int)state > STATE_MAX)
		return -EINVAL;
	if (rc)
		return rc;
	snprintf(val, sizeof(val), "%u", (unsigned int)state);
	return xs_write(t, path, val);
}

int xenbus_read_state(const char *dir, enum xenbus_state *state)
{
	char path[XENBUS_PATH_MAX];
	uint64_t v;
	int rc = node(path, sizeof(path), dir, "state");

	if (!rc)
		rc = xs_read_u64(XS_TXN_NIL, path, &v);
	/* The other end's value: garbage or out of range is its fault. */
	if (rc == -EINVAL || rc == -ERANGE || (!rc && v > STATE_MAX))
		return -EPROTO;
	if (!rc)
		*state = (enum xenbus_state)v;
	return rc;
}

static void wake(const char *path, const char *token, void *arg)
{
}

/* Read the state; true when the wait is over (*rc says how). */
static bool state_done(const char *dir, uint32_t mask, enum xenbus_state *state,
		       int *rc)
{
	enum xenbus_state st;

	*rc = xenbus_read_state(dir, &st);
	if (*rc == -ENOENT)
		return mask & XENBUS_WAIT_GONE; /* else not written yet */
	if (*rc)
		return true;
	*state = st;
	return mask & XENBUS_STATE_BIT(st);
}

int xenbus_wait_state(const char *dir, uint32_t mask, enum xenbus_state *state,
		      uint64_t timeout_ns)
{
	static unsigned int seq;
	char path[XENBUS_PATH_MAX], token[XS_WATCH_TOKEN_MAX];
	uint64_t deadline;
	int rc, urc;

	*state = XenbusStateUnknown;
	rc = node(path, sizeof(path), dir, "state");
	if (rc)
		return rc;
	snprintf(token, sizeof(token), "xenbus-wait-%u", seq++);
	rc = xs_watch(path, token, wake, NULL);
	if (rc)
		return rc;
	deadline = xs_deadline(timeout_ns);
	while (!state_done(dir, mask, state, &rc)) {
		if (xs_deadline(0) >= deadline) {
			rc = -ETIMEDOUT;
			break;
		}
		/* Any event, or a poll interval, and we read again. */
		rc = xs_watch_wait_until(MIN(deadline, xs_deadline(POLL_NS)));
		if (rc && rc != -ETIMEDOUT)
			break;
	}
	urc = xs_unwatch(path, token);
	return rc ? rc : urc;
}

/* xenstored's path alphabet: no "..", no spaces, nothing to escape. */
static bool path_chars_ok(const char *s)
{
	for (; *s; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '/' ||
		      c == '_' || c == '@'))
			return false;
	}
	return true;
}

int xenbus_read_backend(const char *dev, char *path, size_t len, domid_t *id)
{
	char node_path[XENBUS_PATH_MAX], prefix[40];
	uint64_t v;
	int rc = node(node_path, sizeof(node_path), dev, "backend-id");

	if (!rc)
		rc = xs_read_u64(XS_TXN_NIL, node_path, &v);
	if (rc == -EINVAL || rc == -ERANGE ||
	    (!rc && v >= DOMID_FIRST_RESERVED))
		return -EPROTO;
	if (!rc)
		rc = node(node_path, sizeof(node_path), dev, "backend");
	if (!rc)
		rc = xs_read(XS_TXN_NIL, node_path, path, len);
	if (rc < 0)
		return rc;
	snprintf(prefix, sizeof(prefix), "/local/domain/%u/backend/",
		 (unsigned int)v);
	/* Our copy is terminated: an embedded NUL just ends the check. */
	if ((size_t)rc != strlen(path) ||
	    strncmp(path, prefix, strlen(prefix)) || !path_chars_ok(path))
		return -EPROTO;
	*id = (domid_t)v;
	return 0;
}
