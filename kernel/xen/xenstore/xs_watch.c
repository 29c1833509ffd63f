/*
 * Watches.  The reader (xs_conn.c) hands every XS_WATCH_EVENT to
 * xs_watch_queue(), which checks it and copies it into a small queue; the
 * callbacks run later, from xs_watch_dispatch(), in the context of a
 * caller that is waiting on xenstore anyway (the end of each xenstore
 * call, or xs_watch_wait()).  So a callback never runs inside the ring
 * reader, nor in the event channel handler, and may itself use xenstore:
 * a nested dispatch returns at once and the outer loop delivers what the
 * callback's own calls queued.
 *
 * The queue is bounded, in events and in each one's length
 * (XS_EVENT_MAX): a peer flooding events gets them deduplicated, then
 * dropped and counted.  Events are edge hints, not state: whoever
 * waits on one rereads the node (see xenbus_wait_state), so a dropped
 * event costs a poll interval, never correctness.
 */
#include "kernel/xen/xenstore/xs_priv.h"
#include "lib/string.h"

#define EVQ_LEN XS_EVENT_QUEUE_MAX

struct watch {
	bool used;
	char path[XS_WATCH_PATH_MAX];
	char token[XS_WATCH_TOKEN_MAX];
	xs_watch_cb_t cb;
	void *arg;
};

struct event {
	uint32_t len;
	char body[XS_EVENT_MAX + 1]; /* NUL-terminated by us */
};

static struct watch watches[XS_WATCH_MAX];
static struct event evq[EVQ_LEN];
static unsigned int evq_head, evq_count;
/* The event being delivered: the queue may refill during its callback. */
static struct event cur;
static bool dispatching;

void xs_watch_reset(void)
{
	memset(watches, 0, sizeof(watches));
	evq_head = evq_count = 0;
	dispatching = false;
}

bool xs_watch_pending(void)
{
	return evq_count != 0;
}

static struct watch *find(const char *token)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(watches); i++) {
		if (watches[i].used && !strcmp(watches[i].token, token))
			return &watches[i];
	}
	return NULL;
}

/* xenstored only reports the watched node or one below it. */
static bool path_under(const char *path, const char *wpath)
{
	size_t n = strlen(wpath);

	if (strncmp(path, wpath, n))
		return false;
	return path[n] == '\0' || path[n] == '/' || wpath[n - 1] == '/';
}

static bool queued(const char *body, uint32_t len)
{
	for (unsigned int i = 0; i < evq_count; i++) {
		const struct event *e = &evq[(evq_head + i) % EVQ_LEN];

		if (e->len == len && !memcmp(e->body, body, len))
			return true;
	}
	return false;
}

void xs_watch_queue(const char *body, uint32_t len)
{
	const char *path, *token;
	struct watch *w;
	struct event *e;

	/* Parsed from our terminated copy, never the ring (XSA-155). */
	if (xs_parse_event(body, len, &path, &token)) {
		xs_malformed("watch event");
		xs_stats.events_dropped++;
		return;
	}
	w = find(token);
	if (!w || !path_under(path, w->path)) {
		/* Unwatched meanwhile, or not what we asked for. */
		xs_stats.events_dropped++;
		return;
	}
	if (len > XS_EVENT_MAX) {
		xs_stats.events_dropped++;
		return;
	}
	if (queued(body, len))
		return;
	/*
	 * XSA-349 class, from the client side: a peer that fires events
	 * faster than we dispatch them must not grow what we hold or run:
	 * the queue's bound is the rule.
	 */
	if (!BUGGY(XS_WATCH_QUEUE) && evq_count == EVQ_LEN) {
		xs_stats.events_dropped++;
		return;
	}
	e = &evq[(evq_head + evq_count++) % EVQ_LEN];
	e->len = len;
	memcpy(e->body, body, len + 1);
}

unsigned int xs_watch_dispatch(void)
{
	unsigned int ran = 0;

	if (dispatching)
		return 0;
	dispatching = true;
	while (evq_count) {
		const char *path, *token;
		struct watch *w;

		cur = evq[evq_head];
		evq_head = (evq_head + 1) % EVQ_LEN;
		evq_count--;
		if (xs_parse_event(cur.body, cur.len, &path, &token))
			continue; /* cannot happen: checked when queued */
		/* The watch may have gone since the event was queued. */
		w = find(token);
		if (!w) {
			xs_stats.events_dropped++;
			continue;
		}
		xs_stats.callbacks++;
		ran++;
		w->cb(path, token, w->arg);
	}
	dispatching = false;
	return ran;
}

void xs_watch_poll(void)
{
	if (!xs_drain())
		xs_watch_dispatch();
}

int xs_watch_wait_until(uint64_t deadline)
{
	int rc;

	/* From a callback, the outer dispatch holds the events. */
	if (dispatching)
		return -EBUSY;
	for (;;) {
		rc = xs_drain();
		if (rc)
			return rc;
		if (xs_watch_dispatch())
			return 0;
		if (xs_wait_rsp(deadline))
			return -ETIMEDOUT;
	}
}

int xs_watch_wait(uint64_t timeout_ns)
{
	return xs_watch_wait_until(xs_deadline(timeout_ns));
}

/* XS_WATCH or XS_UNWATCH of path/token; 0 or -errno. */
static int watch_request(uint32_t type, const char *path, const char *token)
{
	struct xs_iov iov[2] = {
	    {path, strlen(path) + 1},
	    {token, strlen(token) + 1},
	};
	const char *body;
	uint32_t blen;
	/* Separate statements: body is only set once the request ran. */
	int rc = xs_request(type, XS_TXN_NIL, iov, 2, &body, &blen);

	return xs_expect_ok(rc, body);
}

static int check_name(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (!n)
		return -EINVAL;
	return n < max ? 0 : -E2BIG;
}

int xs_watch(const char *path, const char *token, xs_watch_cb_t cb, void *arg)
{
	struct watch *w = NULL;
	int rc;

	rc = check_name(path, sizeof(w->path));
	if (!rc)
		rc = check_name(token, sizeof(w->token));
	if (rc || !cb)
		return rc ? rc : -EINVAL;
	if (find(token))
		return -EEXIST;
	for (unsigned int i = 0; i < ARRAY_SIZE(watches) && !w; i++)
		w = watches[i].used ? NULL : &watches[i];
	if (!w)
		return -ENOSPC;
	/* In the table first: the initial event may beat the reply. */
	strlcpy(w->path, path, sizeof(w->path));
	strlcpy(w->token, token, sizeof(w->token));
	w->cb = cb;
	w->arg = arg;
	w->used = true;
	rc = watch_request(XS_WATCH, w->path, w->token);
	if (rc)
		w->used = false;
	xs_watch_poll();
	return rc;
}

int xs_unwatch(const char *path, const char *token)
{
	struct watch *w = find(token);
	int rc;

	if (!w || strcmp(w->path, path))
		return -ENOENT;
	/* Out of the table first: its queued events are then dropped. */
	w->used = false;
	rc = watch_request(XS_UNWATCH, w->path, w->token);
	xs_watch_poll();
	return rc;
}
