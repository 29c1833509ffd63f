/*
 * Suite `xs_hostile`, connection half: the fake xenstored answers with
 * lies (tests/host/xs_fake.h hooks), and each must end in a clean error:
 * a failed request with the stream still in step (and the next request
 * working), or a broken connection where framing is lost.  Never a crash,
 * never a read outside the ring or our buffers (ASan).
 */
#include "kernel/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/host/xs_fake.h"

static char buf[64];

/* What the hook answers instead of the daemon. */
struct lie {
	uint32_t type;	  /* XS_INVALID: echo the request's */
	int id_delta;	  /* added to the request id */
	uint32_t len;	  /* header length */
	const char *body; /* body bytes (len of them, unless body_len) */
	size_t body_len;
	bool then_truth; /* let the daemon answer too, after the lie */
	int prod_jump;	 /* added to rsp_prod after the lie */
	unsigned int times;
	unsigned int skip; /* requests let through first */
};

static bool lie_hook(const struct xs_fake_req *req, void *arg)
{
	struct lie *l = arg;

	if (l->skip) {
		l->skip--;
		return false;
	}
	if (!l->times)
		return false;
	l->times--;
	xs_fake_put_msg(l->type == XS_INVALID ? req->hdr.type : l->type,
			req->hdr.req_id + l->id_delta, l->len, l->body,
			l->body_len ? l->body_len : l->len);
	if (l->prod_jump) {
		xs_fake_deliver();
		xs_fake_page.rsp_prod += l->prod_jump;
	}
	return !l->then_truth;
}

/* Run one xs_read against the lie; return its result. */
static int read_with(struct lie *l)
{
	int rc;

	KT_EXPECT(xs_fake_setup(0) == 0);
	xs_fake.hook = lie_hook;
	xs_fake.hook_arg = l;
	if (!l->times)
		l->times = 1;
	rc = xs_read(XS_TXN_NIL, "domid", buf, sizeof(buf));
	return rc;
}

/* After a request-level failure the stream must still be usable. */
static void expect_in_step(void)
{
	KT_EXPECT(xs_connected());
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, "domid", buf, sizeof(buf)), 1);
	KT_EXPECT(!strcmp(buf, "7"));
}

static void expect_broken(void)
{
	struct xs_stats st;

	xs_get_stats(&st);
	KT_EXPECT(st.broken && !xs_connected());
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, "domid", buf, sizeof(buf)), -EIO);
	KT_EXPECT_EQ(xs_watch_wait(1000), -EIO);
}

static uint64_t stat_malformed(void)
{
	struct xs_stats st;

	xs_get_stats(&st);
	return st.malformed;
}

KTEST(xs_hostile, wrong_request_id)
{
	struct lie l = {.type = XS_INVALID,
			.id_delta = 1,
			.len = 2,
			.body = "99",
			.then_truth = true};
	struct xs_stats st;

	/* A stray id ahead of the true reply: skipped. */
	KT_EXPECT_EQ(read_with(&l), 1);
	KT_EXPECT(!strcmp(buf, "7"));
	xs_get_stats(&st);
	KT_EXPECT_EQ(st.resyncs, 1);
	xs_fake_teardown();
	/* Only strays: a timeout, and still in step. */
	l = (struct lie){
	    .type = XS_INVALID, .id_delta = -1, .len = 2, .body = "99"};
	KT_EXPECT_EQ(read_with(&l), -ETIMEDOUT);
	expect_in_step();
	xs_fake_teardown();
}

KTEST(xs_hostile, wrong_or_unknown_type)
{
	static const uint32_t types[] = {
	    XS_WRITE,	   XS_WATCH_EVENT + 100, XS_SET_TARGET + 1,
	    XS_TYPE_COUNT, XS_INVALID - 1,	 0xffffffffU};

	for (unsigned int i = 0; i < ARRAY_SIZE(types); i++) {
		struct lie l = {.type = types[i], .len = 2, .body = "OK"};

		KT_EXPECT_EQ(read_with(&l), -EPROTO);
		KT_EXPECT_EQ(stat_malformed(), 1);
		expect_in_step();
		xs_fake_teardown();
	}
	/* An unknown type under another id: skipped, counted. */
	struct lie l = {.type = 999,
			.id_delta = 5,
			.len = 2,
			.body = "OK",
			.then_truth = true};

	KT_EXPECT_EQ(read_with(&l), 1);
	KT_EXPECT_EQ(stat_malformed(), 1);
	xs_fake_teardown();
}

KTEST(xs_hostile, garbage_errno)
{
	static const struct {
		const char *body;
		uint32_t len;
	} bad[] = {
	    {"EWHAT", 6},	  {"", 0},	 {"\0ENOENT", 8},
	    {"ENOENTENOENT", 12}, {"enoent", 7}, {"E", 1},
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		struct lie l = {
		    .type = XS_ERROR, .len = bad[i].len, .body = bad[i].body};

		KT_EXPECT_EQ(read_with(&l), -EPROTO);
		KT_EXPECT_EQ(stat_malformed(), 1);
		expect_in_step();
		xs_fake_teardown();
	}
	/* Unterminated but known: mapped (the terminator is ours). */
	struct lie l = {.type = XS_ERROR, .len = 6, .body = "EACCES"};

	KT_EXPECT_EQ(read_with(&l), -EACCES);
	xs_fake_teardown();
}

KTEST(xs_hostile, missing_terminator)
{
	struct lie l = {
	    .type = XS_READ, .len = 3, .body = "abcdef", .body_len = 6};
	unsigned int count;

	/* "abc" then "def": the length rules, and "def" starts a header. */
	KT_EXPECT_EQ(read_with(&l), 3);
	KT_EXPECT(!strcmp(buf, "abc"));
	xs_fake_teardown();
	/* An ack without its NUL is still "OK"; anything else is not. */
	KT_ASSERT(xs_fake_setup(0) == 0);
	l = (struct lie){.type = XS_WRITE, .len = 2, .body = "OK", .times = 1};
	xs_fake.hook = lie_hook;
	xs_fake.hook_arg = &l;
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/x", "1"), 0);
	l = (struct lie){.type = XS_WRITE, .len = 3, .body = "OK!", .times = 1};
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/x", "1"), -EPROTO);
	l = (struct lie){
	    .type = XS_DIRECTORY, .len = 3, .body = "a\0b", .times = 1};
	KT_EXPECT_EQ(xs_directory(XS_TXN_NIL, "data", buf, sizeof(buf), &count),
		     -EPROTO);
	KT_EXPECT_EQ(stat_malformed(), 2);
	xs_fake.hook = NULL;
	expect_in_step();
	xs_fake_teardown();
}

KTEST(xs_hostile, oversized_len_breaks)
{
	struct lie l = {.type = XS_READ,
			.len = XENSTORE_PAYLOAD_MAX + 1,
			.body = "x",
			.body_len = 1};

	KT_EXPECT_EQ(read_with(&l), -EIO);
	expect_broken();
	xs_fake_teardown();
}

KTEST(xs_hostile, producer_overrun_breaks)
{
	struct lie l = {.type = XS_READ,
			.len = 1,
			.body = "7",
			.prod_jump = XENSTORE_RING_SIZE};

	KT_EXPECT_EQ(read_with(&l), -EIO);
	expect_broken();
	xs_fake_teardown();
}

KTEST(xs_hostile, producer_backwards_breaks)
{
	/* Reply 1 is true (17 bytes); with reply 2 the index drops below. */
	struct lie l = {.type = XS_READ,
			.len = 1,
			.body = "7",
			.prod_jump = -21,
			.times = 1,
			.skip = 1};

	KT_EXPECT_EQ(read_with(&l), 1);
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, "domid", buf, sizeof(buf)), -EIO);
	expect_broken();
	xs_fake_teardown();
}

KTEST(xs_hostile, transaction_id)
{
	static const char *const bad[] = {"abc", "0", "4294967296", "", "-1"};
	xs_transaction_t t = 5;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		struct lie l = {.type = XS_TRANSACTION_START,
				.len = strlen(bad[i]) + 1,
				.body = bad[i],
				.times = 1};

		KT_ASSERT(xs_fake_setup(0) == 0);
		xs_fake.hook = lie_hook;
		xs_fake.hook_arg = &l;
		KT_EXPECT_EQ(xs_transaction_start(&t), -EPROTO);
		KT_EXPECT_EQ(t, 5);
		xs_fake_teardown();
	}
}

struct flood {
	unsigned int n;
	bool distinct;
};

/* A burst of events ahead of every reply. */
static bool flood_hook(const struct xs_fake_req *req, void *arg)
{
	const struct flood *f = arg;
	char path[32];

	for (unsigned int i = 0; i < f->n; i++) {
		snprintf(path, sizeof(path), "data/f/%u", f->distinct ? i : 0);
		xs_fake_put_event(path, "f");
	}
	return false;
}

static void count(const char *path, const char *token, void *arg)
{
	(*(unsigned int *)arg)++;
}

KTEST(xs_hostile, event_flood)
{
	struct flood f = {100, true};
	unsigned int calls = 0;
	struct xs_stats st;

	KT_ASSERT(xs_fake_setup(0) == 0);
	KT_EXPECT_EQ(xs_watch("data/f", "f", count, &calls), 0);
	calls = 0;
	xs_fake.hook = flood_hook;
	xs_fake.hook_arg = &f;
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, "domid", buf, sizeof(buf)), 1);
	xs_get_stats(&st);
	/* Bounded queue: the rest dropped and counted, the reply intact. */
	KT_EXPECT(calls >= 1 && calls <= 8);
	KT_EXPECT_EQ(st.events, 101);
	KT_EXPECT_EQ(st.events_dropped, 100 - calls);
	/* The same event over and over is one event. */
	f = (struct flood){50, false};
	calls = 0;
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, "domid", buf, sizeof(buf)), 1);
	KT_EXPECT(calls >= 1 && calls < 50);
	xs_fake_teardown();
}

KTEST(xs_hostile, bad_events)
{
	static const struct {
		const char *body;
		uint32_t len;
		bool malformed;
	} bad[] = {
	    {"", 0, true},
	    {"data/f", 6, true},
	    {"\0f\0", 3, true},
	    {"data/f\0\0", 8, true},
	    {"data/f\0zzz\0", 11, false}, /* not our token */
	    {"data/g\0f\0", 9, false},	  /* not under the watch */
	    {"data/fx\0f\0", 10, false},  /* nor is a longer sibling */
	    {"/local/domain/7/data/f\0f\0", 25, false}, /* nor absolute */
	};
	unsigned int calls = 0;
	struct xs_stats st;

	KT_ASSERT(xs_fake_setup(0) == 0);
	KT_EXPECT_EQ(xs_watch("data/f", "f", count, &calls), 0);
	calls = 0;
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		xs_fake_put_msg(XS_WATCH_EVENT, 0, bad[i].len, bad[i].body,
				bad[i].len);
	xs_fake_deliver();
	expect_in_step();
	KT_EXPECT_EQ(calls, 0);
	xs_get_stats(&st);
	KT_EXPECT_EQ(st.malformed, 4);
	KT_EXPECT_EQ(st.events_dropped, ARRAY_SIZE(bad));
	xs_fake_teardown();
}

/* An event longer than XS_EVENT_MAX is dropped and counted, not queued. */
KTEST(xs_hostile, long_event_dropped)
{
	static char body[XS_EVENT_MAX + 64];
	const uint32_t len = XS_EVENT_MAX + 1;
	unsigned int calls = 0;
	struct xs_stats a, b;

	KT_ASSERT(xs_fake_setup(0) == 0);
	KT_EXPECT_EQ(xs_watch("data/f", "f", count, &calls), 0);
	calls = 0;
	xs_get_stats(&a);
	/* "data/f/xxx...x\0f\0", len bytes in all: under our watch. */
	memset(body, 'x', sizeof(body));
	memcpy(body, "data/f/", 7);
	memcpy(body + len - 3, "\0f\0", 3);
	xs_fake_put_msg(XS_WATCH_EVENT, 0, len, body, len);
	/* One byte shorter: queued and delivered. */
	memcpy(body + len - 4, "\0f\0", 3);
	xs_fake_put_msg(XS_WATCH_EVENT, 0, len - 1, body, len - 1);
	xs_fake_deliver();
	expect_in_step();
	xs_get_stats(&b);
	KT_EXPECT_EQ(calls, 1);
	KT_EXPECT_EQ(b.events_dropped, a.events_dropped + 1);
	KT_EXPECT_EQ(b.malformed, a.malformed);
	xs_fake_teardown();
}
