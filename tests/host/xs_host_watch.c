/*
 * Suite `xs_host`, watches and transactions, against the fake xenstored:
 * callbacks run after the reply is copied out, never nested; events that
 * arrive before a reply are queued; the table's limits hold; a commit
 * that lost a race returns -EAGAIN and xs_transact reruns the function.
 */
#include "kernel/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/host/xs_fake.h"

struct seen {
	unsigned int calls;
	char path[XS_WATCH_PATH_MAX];
	char token[XS_WATCH_TOKEN_MAX];
	int read_rc; /* of the xs_read a callback may do */
	bool reenter;
};

static void record(const char *path, const char *token, void *arg)
{
	struct seen *s = arg;
	char buf[8];

	s->calls++;
	strlcpy(s->path, path, sizeof(s->path));
	strlcpy(s->token, token, sizeof(s->token));
	if (s->reenter) {
		/* Its own request: the outer dispatch keeps the events. */
		s->read_rc = xs_read(XS_TXN_NIL, "domid", buf, sizeof(buf));
		KT_EXPECT_EQ(xs_watch_wait(0), -EBUSY);
	}
}

KTEST(xs_host, watch_fires_and_stops)
{
	struct seen s = {0};

	KT_EXPECT_EQ(xs_watch("data/w", "tok", record, &s), 0);
	/* The initial event is delivered before xs_watch returns. */
	KT_EXPECT_EQ(s.calls, 1);
	KT_EXPECT(!strcmp(s.path, "data/w") && !strcmp(s.token, "tok"));
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/w/sub", "1"), 0);
	KT_EXPECT_EQ(s.calls, 2);
	KT_EXPECT(!strcmp(s.path, "data/w/sub"));
	/* A sibling that merely shares the prefix is not ours. */
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/wx", "1"), 0);
	KT_EXPECT_EQ(s.calls, 2);
	KT_EXPECT_EQ(xs_unwatch("data/w", "tok"), 0);
	KT_EXPECT_EQ(xs_fake_nr_watches(), 0);
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/w", "2"), 0);
	KT_EXPECT_EQ(xs_watch_wait(1000), -ETIMEDOUT);
	KT_EXPECT_EQ(s.calls, 2);
	KT_EXPECT_EQ(xs_unwatch("data/w", "tok"), -ENOENT);
}

KTEST(xs_host, watch_limits)
{
	static char longp[XS_WATCH_PATH_MAX + 1];
	struct seen s = {0};
	char tok[16];

	memset(longp, 'p', sizeof(longp) - 1);
	KT_EXPECT_EQ(xs_watch(longp, "t", record, &s), -E2BIG);
	KT_EXPECT_EQ(xs_watch("", "t", record, &s), -EINVAL);
	KT_EXPECT_EQ(xs_watch("data/a", "t", NULL, &s), -EINVAL);
	for (int i = 0; i < XS_WATCH_MAX; i++) {
		snprintf(tok, sizeof(tok), "t%d", i);
		KT_EXPECT_EQ(xs_watch("data/a", tok, record, &s), 0);
	}
	KT_EXPECT_EQ(xs_watch("data/b", "t0", record, &s), -EEXIST);
	KT_EXPECT_EQ(xs_watch("data/b", "more", record, &s), -ENOSPC);
	KT_EXPECT_EQ(xs_unwatch("data/b", "t0"), -ENOENT);
	KT_EXPECT_EQ(xs_unwatch("data/a", "t0"), 0);
	KT_EXPECT_EQ(xs_watch("data/b", "more", record, &s), 0);
}

KTEST(xs_host, callback_makes_requests)
{
	struct seen a = {.reenter = true}, b = {.reenter = true};

	KT_EXPECT_EQ(xs_watch("data/a", "a", record, &a), 0);
	KT_EXPECT_EQ(xs_watch("data", "b", record, &b), 0);
	KT_EXPECT_EQ(a.read_rc, 1);
	/* One write, two watches: each callback once, none nested. */
	a.calls = b.calls = 0;
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/a", "1"), 0);
	KT_EXPECT_EQ(a.calls, 1);
	KT_EXPECT_EQ(b.calls, 1);
	KT_EXPECT_EQ(a.read_rc, 1);
}

/* The daemon sends an event ahead of each reply. */
static bool event_first(const struct xs_fake_req *req, void *arg)
{
	if (req->hdr.type == XS_READ)
		xs_fake_put_event("data/e", "e");
	return false;
}

KTEST(xs_host, event_before_reply)
{
	struct seen s = {0};
	char buf[8];

	KT_EXPECT_EQ(xs_watch("data/e", "e", record, &s), 0);
	s.calls = 0;
	xs_fake.hook = event_first;
	xs_fake.chunk = 5;
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, "domid", buf, sizeof(buf)), 1);
	KT_EXPECT_EQ(s.calls, 1);
	KT_EXPECT(!strcmp(buf, "7"));
}

KTEST(xs_host, transaction_eagain)
{
	xs_transaction_t t = XS_TXN_NIL;
	char buf[8];

	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/k", "0"), 0);
	KT_ASSERT(xs_transaction_start(&t) == 0);
	KT_EXPECT_NE(t, XS_TXN_NIL);
	KT_EXPECT_EQ(xs_read(t, "data/k", buf, sizeof(buf)), 1);
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/k", "out"), 0);
	KT_EXPECT_EQ(xs_write(t, "data/k", "in"), 0);
	KT_EXPECT_EQ(xs_transaction_end(t, false), -EAGAIN);
	KT_EXPECT(!strcmp(xs_fake_get(XS_FAKE_HOME "/data/k"), "out"));
	/* Abort leaves the store alone. */
	KT_ASSERT(xs_transaction_start(&t) == 0);
	KT_EXPECT_EQ(xs_write(t, "data/k", "aborted"), 0);
	KT_EXPECT_EQ(xs_transaction_end(t, true), 0);
	KT_EXPECT(!strcmp(xs_fake_get(XS_FAKE_HOME "/data/k"), "out"));
	KT_EXPECT_EQ(xs_transaction_end(XS_TXN_NIL, false), -EINVAL);
}

struct txn_arg {
	unsigned int calls, conflicts; /* conflict on the first N calls */
	int fail;		       /* or return this */
};

static int txn_fn(xs_transaction_t t, void *p)
{
	struct txn_arg *a = p;
	char buf[8];
	int rc = xs_read(t, "data/k", buf, sizeof(buf));

	if (rc < 0)
		return rc;
	if (a->calls++ < a->conflicts) {
		rc = xs_write(XS_TXN_NIL, "data/k", "other");
		if (rc)
			return rc;
	}
	return a->fail ? a->fail : xs_write(t, "data/k", "mine");
}

KTEST(xs_host, transact_retries)
{
	struct txn_arg a = {.conflicts = 2};
	struct xs_stats st;

	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/k", "0"), 0);
	KT_EXPECT_EQ(xs_transact(txn_fn, &a, 5), 0);
	KT_EXPECT_EQ(a.calls, 3);
	KT_EXPECT(!strcmp(xs_fake_get(XS_FAKE_HOME "/data/k"), "mine"));
	xs_get_stats(&st);
	KT_EXPECT_EQ(st.txn_retries, 2);
	/* Out of retries: the conflict is the answer. */
	a = (struct txn_arg){.conflicts = 10};
	KT_EXPECT_EQ(xs_transact(txn_fn, &a, 1), -EAGAIN);
	KT_EXPECT_EQ(a.calls, 2);
	/* The function's own error aborts and stands. */
	a = (struct txn_arg){.fail = -ENOSPC};
	KT_EXPECT_EQ(xs_transact(txn_fn, &a, 5), -ENOSPC);
	KT_EXPECT_EQ(a.calls, 1);
	KT_EXPECT(!strcmp(xs_fake_get(XS_FAKE_HOME "/data/k"), "other"));
}
