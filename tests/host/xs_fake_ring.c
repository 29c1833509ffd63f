/*
 * The fake xenstored's side of the ring (tests/host/xs_fake.h): requests
 * are taken out of the request ring byte by byte and handed to the daemon
 * (xs_fake.c) whole; its replies, and whatever a test queues, wait in an
 * outbox until a notify or wait moves them into the response ring, at
 * most xs_fake.chunk bytes at a time.
 */
#include "tests/host/xs_fake.h"
#include "lib/printf.h"
#include "lib/string.h"

#define OUTBOX (64 * 1024)

struct xs_fake_ctl xs_fake;
struct xenstore_domain_interface xs_fake_page;

static uint8_t outbox[OUTBOX];
static size_t out_head, out_len;
static size_t req_got;
static struct xs_fake_req req;

/* ---- the response byte queue ---- */

void xs_fake_put_raw(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len && out_len < OUTBOX; i++)
		outbox[(out_head + out_len++) % OUTBOX] = b[i];
}

static void put_msg_tx(uint32_t type, uint32_t id, uint32_t tx, uint32_t len,
		       const void *body, size_t body_len)
{
	struct xsd_sockmsg h = {type, id, tx, len};

	xs_fake_put_raw(&h, sizeof(h));
	xs_fake_put_raw(body, body_len);
}

void xs_fake_put_msg(uint32_t type, uint32_t req_id, uint32_t len,
		     const void *body, size_t body_len)
{
	put_msg_tx(type, req_id, 0, len, body, body_len);
}

void xs_fake_put_event(const char *path, const char *token)
{
	char buf[XS_WATCH_PATH_MAX + XS_WATCH_TOKEN_MAX + 2];
	int n = snprintf(buf, sizeof(buf), "%s%c%s", path, 0, token);

	xs_fake_put_msg(XS_WATCH_EVENT, 0, n + 1, buf, n + 1);
}

size_t xs_fake_pending(void)
{
	return out_len;
}

void xs_fake_deliver(void)
{
	struct xenstore_domain_interface *p = &xs_fake_page;
	XENSTORE_RING_IDX prod = p->rsp_prod;
	size_t room = XENSTORE_RING_SIZE - (prod - p->rsp_cons);
	size_t n = MIN(room, out_len);

	if (xs_fake.chunk)
		n = MIN(n, xs_fake.chunk);
	for (size_t i = 0; i < n; i++) {
		p->rsp[MASK_XENSTORE_IDX(prod++)] = outbox[out_head];
		out_head = (out_head + 1) % OUTBOX;
		out_len--;
	}
	p->rsp_prod = prod;
}

void xs_fake_reply(const struct xs_fake_req *r, uint32_t type, const void *body,
		   size_t len)
{
	put_msg_tx(type, r->hdr.req_id, r->hdr.tx_id, len, body, len);
}

static void serve(void)
{
	struct xenstore_domain_interface *p = &xs_fake_page;
	uint8_t *raw = (uint8_t *)&req.hdr;

	while (!xs_fake.stall_requests && p->req_cons != p->req_prod) {
		char c = p->req[MASK_XENSTORE_IDX(p->req_cons++)];

		if (req_got < sizeof(req.hdr))
			raw[req_got] = c;
		else
			req.body[req_got - sizeof(req.hdr)] = c;
		req_got++;
		if (req_got < sizeof(req.hdr) ||
		    req_got - sizeof(req.hdr) < req.hdr.len)
			continue;
		req.body[req.hdr.len] = '\0';
		req_got = 0;
		xs_fake_handle(&req);
	}
}

static void fake_notify(void *ctx)
{
	xs_fake.notifies++;
	serve();
	xs_fake_deliver();
}

static int fake_wait(bool (*cond)(void *), void *arg, uint64_t timeout_ns,
		     void *ctx)
{
	xs_fake.waits++;
	xs_fake_tick();
	serve();
	xs_fake_deliver();
	if (cond(arg))
		return 0;
	xs_fake.now += timeout_ns;
	return -ETIMEDOUT;
}

static uint64_t fake_now(void *ctx)
{
	return xs_fake.now;
}

static const struct xs_transport fake_transport = {
    .notify = fake_notify,
    .wait = fake_wait,
    .now_ns = fake_now,
};

int xs_fake_setup(XENSTORE_RING_IDX start)
{
	memset(&xs_fake, 0, sizeof(xs_fake));
	memset(&xs_fake_page, 0, sizeof(xs_fake_page));
	out_head = out_len = req_got = 0;
	xs_fake_page.req_cons = xs_fake_page.req_prod = start;
	xs_fake_page.rsp_cons = xs_fake_page.rsp_prod = start;
	xs_fake_daemon_reset();
	return xs_attach(&xs_fake_page, &fake_transport);
}

int xs_fake_init(void)
{
	return xs_fake_setup(0);
}

void xs_fake_teardown(void)
{
	xs_detach();
}
