/*
 * Suite `xs_hostile`, ring and parser half: the ring reader, the message
 * framer and the body parsers fed by a peer that lies.  The page is plain
 * memory written by the test; ASan checks that no lie makes us read or
 * write outside it or outside our buffers.
 *
 * BUGGY=xs-ring-index makes ring_index_* fail; BUGGY=xs-reply-len makes
 * rx_oversized_len overflow the body buffer (an ASan report).
 */
#include "kernel/ktest.h"
#include "lib/string.h"
#include "tests/host/xs_fake.h"

static struct xenstore_domain_interface page;
static struct xs_ring ring;
static struct xs_rx rx;
static char out[2 * XENSTORE_RING_SIZE];

/* Reset the page with every index at `start`, and attach to it. */
static int setup(XENSTORE_RING_IDX start)
{
	memset(&page, 0, sizeof(page));
	page.req_cons = page.req_prod = start;
	page.rsp_cons = page.rsp_prod = start;
	xs_rx_reset(&rx);
	return xs_ring_attach(&ring, &page);
}

/* Play xenstored: append bytes to the response ring. */
static void produce(const void *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		page.rsp[MASK_XENSTORE_IDX(page.rsp_prod++)] =
		    ((const char *)p)[i];
}

static void produce_msg(uint32_t type, uint32_t id, uint32_t len,
			const void *body, size_t body_len)
{
	struct xsd_sockmsg h = {type, id, 0, len};

	produce(&h, sizeof(h));
	produce(body, body_len);
}

KTEST(xs_hostile, ring_index_overrun)
{
	KT_ASSERT(setup(0xfffffe00U) == 0);
	/* A full ring is fine... */
	page.rsp_prod += XENSTORE_RING_SIZE;
	KT_EXPECT_EQ(xs_ring_read(&ring, out, 10), 10);
	KT_EXPECT(ring.peer_blocked);
	/* ...a ring and a byte ahead is not. */
	page.rsp_prod = ring.rsp_cons + XENSTORE_RING_SIZE + 1;
	KT_EXPECT_EQ(xs_ring_read(&ring, out, sizeof(out)), -EPROTO);
	page.rsp_prod = ring.rsp_cons + 0x80000000U;
	KT_EXPECT_EQ(xs_ring_read(&ring, out, sizeof(out)), -EPROTO);
	/* Our consumer index on the page is ours: a rewrite is ignored. */
	page.rsp_prod = ring.rsp_cons + XENSTORE_RING_SIZE;
	page.rsp_cons = 12345;
	KT_EXPECT_EQ(xs_ring_read(&ring, out, sizeof(out)), XENSTORE_RING_SIZE);
	KT_EXPECT_EQ(page.rsp_cons, ring.rsp_cons);
}

KTEST(xs_hostile, ring_index_backwards)
{
	KT_ASSERT(setup(5) == 0);
	produce("0123456789", 10);
	KT_EXPECT_EQ(xs_ring_read(&ring, out, 4), 4);
	/* Backwards, even to a value still ahead of our consumer. */
	page.rsp_prod -= 2;
	KT_EXPECT_EQ(xs_ring_read(&ring, out, 4), -EPROTO);
	page.rsp_prod = ring.rsp_cons - 1;
	KT_EXPECT_EQ(xs_ring_read(&ring, out, 4), -EPROTO);
}

KTEST(xs_hostile, ring_index_req_cons)
{
	KT_ASSERT(setup(0) == 0);
	KT_EXPECT_EQ(xs_ring_write(&ring, "abcdef", 6), 6);
	/* Past what we produced. */
	page.req_cons = 7;
	KT_EXPECT_EQ(xs_ring_write(&ring, "x", 1), -EPROTO);
	page.req_cons = 3;
	KT_EXPECT_EQ(xs_ring_write(&ring, "x", 1), 1);
	/* Backwards. */
	page.req_cons = 2;
	KT_EXPECT_EQ(xs_ring_write(&ring, "x", 1), -EPROTO);
	/* A full ring takes nothing, and says so without error. */
	page.req_cons = 7;
	KT_EXPECT_EQ(xs_ring_write(&ring, out, sizeof(out)),
		     XENSTORE_RING_SIZE);
	KT_EXPECT_EQ(xs_ring_write(&ring, "x", 1), 0);
	KT_EXPECT(!xs_ring_req_room(&ring));
}

KTEST(xs_hostile, ring_attach)
{
	memset(&page, 0, sizeof(page));
	page.rsp_prod = XENSTORE_RING_SIZE + 1;
	KT_EXPECT_EQ(xs_ring_attach(&ring, &page), -EPROTO);
	page.rsp_prod = 0;
	page.req_prod = 0x7fffffff;
	KT_EXPECT_EQ(xs_ring_attach(&ring, &page), -EPROTO);
	/* Leftovers from before us are skipped, not parsed. */
	memset(&page, 0, sizeof(page));
	page.rsp_prod = 100;
	KT_EXPECT_EQ(xs_ring_attach(&ring, &page), 0);
	KT_EXPECT_EQ(page.rsp_cons, 100);
	KT_EXPECT(!xs_ring_rsp_ready(&ring));
}

KTEST(xs_hostile, rx_oversized_len)
{
	static char body[XENSTORE_PAYLOAD_MAX + 64];

	KT_ASSERT(setup(0) == 0);
	memset(body, 'b', sizeof(body));
	/* Exactly the maximum, fed as the ring allows. */
	produce_msg(XS_READ, 1, XENSTORE_PAYLOAD_MAX, body, 1000);
	KT_EXPECT_EQ(xs_rx_pull(&rx, &ring), 0);
	for (size_t off = 1000; off < XENSTORE_PAYLOAD_MAX; off += 1000) {
		produce(body, MIN(1000, XENSTORE_PAYLOAD_MAX - off));
		KT_EXPECT_EQ(xs_rx_pull(&rx, &ring),
			     off + 1000 >= XENSTORE_PAYLOAD_MAX);
	}
	KT_EXPECT_EQ(rx.body[XENSTORE_PAYLOAD_MAX], '\0');
	/* One more byte: unframeable, whatever follows. */
	for (size_t extra = 1; extra < 3000; extra = extra * 7 + 1) {
		KT_ASSERT(setup(0) == 0);
		produce_msg(XS_READ, 1, XENSTORE_PAYLOAD_MAX + extra, body,
			    1000);
		for (int i = 0; i < 8; i++) {
			KT_EXPECT_EQ(xs_rx_pull(&rx, &ring), -EPROTO);
			produce(body, 1000);
		}
	}
	KT_ASSERT(setup(0) == 0);
	produce_msg(XS_READ, 1, 0xffffffffU, body, 1000);
	KT_EXPECT_EQ(xs_rx_pull(&rx, &ring), -EPROTO);
}

/* A message around the ring's end and the 2^32 wrap, a byte at a time. */
KTEST(xs_hostile, rx_split_wrap)
{
	static const char msg[] = "0123456789abcdefghij";
	struct xsd_sockmsg h = {XS_READ, 42, 0, sizeof(msg) - 1};
	char stream[sizeof(h) + sizeof(msg)];
	int rc = 0;

	memcpy(stream, &h, sizeof(h));
	memcpy(stream + sizeof(h), msg, sizeof(msg) - 1);
	KT_ASSERT(setup(0xfffffff8U) == 0);
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < sizeof(stream) - 1; i++) {
			KT_EXPECT_EQ(rc, 0);
			produce(stream + i, 1);
			rc = xs_rx_pull(&rx, &ring);
		}
		KT_EXPECT_EQ(rc, 1);
		KT_EXPECT_EQ(rx.hdr.req_id, 42);
		KT_EXPECT(!strcmp(rx.body, msg));
		rc = 0;
	}
	KT_EXPECT(page.rsp_prod < 0x1000); /* wrapped */
	/* Nothing more: no message. */
	KT_EXPECT_EQ(xs_rx_pull(&rx, &ring), 0);
}

KTEST(xs_hostile, rx_unterminated)
{
	KT_ASSERT(setup(0) == 0);
	produce_msg(XS_READ, 1, 3, "abcdef", 6);
	KT_EXPECT_EQ(xs_rx_pull(&rx, &ring), 1);
	/* Our NUL, where the peer put 'd'. */
	KT_EXPECT_EQ(strlen(rx.body), 3);
	KT_EXPECT_EQ(xs_rx_pull(&rx, &ring), 0); /* "def" is half a header */
}

KTEST(xs_hostile, parse_event)
{
	const char *p = NULL, *t = NULL;

	KT_EXPECT_EQ(xs_parse_event("a\0tok\0", 6, &p, &t), 0);
	KT_EXPECT(p && t && !strcmp(p, "a") && !strcmp(t, "tok"));
	/* Missing final NUL: ours terminates it (bodies are len + 1). */
	KT_EXPECT_EQ(xs_parse_event("a\0tok", 5, &p, &t), 0);
	KT_EXPECT_EQ(xs_parse_event("", 0, &p, &t), -EPROTO);
	KT_EXPECT_EQ(xs_parse_event("path", 4, &p, &t), -EPROTO);
	KT_EXPECT_EQ(xs_parse_event("path\0", 5, &p, &t), -EPROTO);
	KT_EXPECT_EQ(xs_parse_event("\0tok\0", 5, &p, &t), -EPROTO);
	KT_EXPECT_EQ(xs_parse_event("p\0\0", 3, &p, &t), -EPROTO);
}

KTEST(xs_hostile, parse_dir)
{
	unsigned int n = 99;

	KT_EXPECT_EQ(xs_parse_dir("", 0, &n), 0);
	KT_EXPECT_EQ(n, 0);
	KT_EXPECT_EQ(xs_parse_dir("a\0bc\0", 5, &n), 0);
	KT_EXPECT_EQ(n, 2);
	n = 99;
	KT_EXPECT_EQ(xs_parse_dir("a\0bc", 4, &n), -EPROTO);
	KT_EXPECT_EQ(xs_parse_dir("a\0\0", 3, &n), -EPROTO);
	KT_EXPECT_EQ(xs_parse_dir("\0", 1, &n), -EPROTO);
	KT_EXPECT_EQ(xs_parse_dir("../x\0", 5, &n), -EPROTO);
	KT_EXPECT_EQ(n, 99);
}

KTEST(xs_hostile, errno_names)
{
	for (size_t i = 0; i < ARRAY_SIZE(xsd_errors); i++) {
		const char *s = xsd_errors[i].errstring;

		KT_EXPECT_EQ(xs_errno_from_body(s, strlen(s) + 1),
			     -xsd_errors[i].errnum);
		/* Our terminator suffices. */
		KT_EXPECT_EQ(xs_errno_from_body(s, strlen(s)),
			     -xsd_errors[i].errnum);
	}
	KT_EXPECT_EQ(xs_errno_from_body("ENOENT", 7), -ENOENT);
	KT_EXPECT_EQ(xs_errno_from_body("EAGAIN", 7), -EAGAIN);
	KT_EXPECT_EQ(xs_errno_from_body("EACCES", 7), -EACCES);
	KT_EXPECT_EQ(xs_errno_from_body("ENOENTX", 8), 0);
	KT_EXPECT_EQ(xs_errno_from_body("ENOEN", 6), 0);
	KT_EXPECT_EQ(xs_errno_from_body("enoent", 7), 0);
	KT_EXPECT_EQ(xs_errno_from_body("", 0), 0);
	KT_EXPECT_EQ(xs_errno_from_body("EINVAL\0junk", 12), -EINVAL);
}

KTEST(xs_hostile, parse_u64)
{
	uint64_t v = 5;

	KT_EXPECT_EQ(xs_parse_u64("42", 2, &v), 0);
	KT_EXPECT_EQ(v, 42);
	KT_EXPECT_EQ(xs_parse_u64("4\0002", 3, &v), -EINVAL);
	KT_EXPECT_EQ(xs_parse_u64("", 0, &v), -EINVAL);
	KT_EXPECT_EQ(xs_parse_u64("+1", 2, &v), -EINVAL);
	KT_EXPECT_EQ(xs_parse_u64("0x10", 4, &v), -EINVAL);
	KT_EXPECT_EQ(xs_parse_u64("184467440737095516160", 21, &v), -ERANGE);
	KT_EXPECT_EQ(v, 42);
}
