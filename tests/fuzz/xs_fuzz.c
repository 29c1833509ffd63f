/*
 * libFuzzer harness for the xenstore client: the input is everything a
 * hostile xenstored can do to us, namely the bytes of the response ring
 * and its producer index, and the client runs a fixed script of every
 * operation against it.  Built like the host tests (freestanding, lib
 * renamed by tests/host/host-names.h) with ASan and UBSan, so any read
 * outside the page or our buffers is a crash.
 *
 * Input: a sequence of steps, one per wait or notify of the client:
 *   c < 0xf0          deliver the next (c & 0x3f) + 1 input bytes into the
 *                     response ring (as many as there is room for)
 *   0xf0..0xf7        move rsp_prod by the next byte, signed: a lying index
 *   0xf8              set rsp_prod to the next 4 bytes
 *   0xf9              set req_cons to the next 4 bytes
 *   other             nothing arrives (time passes)
 * The daemon always consumes requests (req_cons = req_prod), unless told
 * otherwise.  Once the input is used up, every wait times out.
 *
 * Beyond "no crash", the harness checks what the API promises: results
 * are 0, a length inside the buffer with our NUL after it, or -errno;
 * callbacks only see our token and paths under the watch; a broken
 * connection stays broken.
 */
#include "kernel/printk.h"
#include "kernel/xen/xenstore/xenbus.h"
#include "kernel/xen/xenstore/xs_priv.h"
#include "lib/string.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			__builtin_trap();                                      \
	} while (0)

static struct xenstore_domain_interface page;
static const uint8_t *in;
static size_t in_len, in_off;
static uint64_t now;

static uint32_t take32(void)
{
	uint32_t v = 0;

	for (int i = 0; i < 4 && in_off < in_len; i++)
		v |= (uint32_t)in[in_off++] << (8 * i);
	return v;
}

static void deliver(size_t n)
{
	XENSTORE_RING_IDX prod = page.rsp_prod;
	XENSTORE_RING_IDX used = prod - page.rsp_cons;
	/* After a lying index "used" may be anything: no room then. */
	size_t room = used < XENSTORE_RING_SIZE ? XENSTORE_RING_SIZE - used : 0;

	n = MIN(n, MIN(room, in_len - in_off));
	for (size_t i = 0; i < n; i++)
		page.rsp[MASK_XENSTORE_IDX(prod++)] = (char)in[in_off++];
	page.rsp_prod = prod;
}

/* One step of the peer; false once the input is used up. */
static bool step(void)
{
	uint8_t c;

	page.req_cons = page.req_prod;
	if (in_off >= in_len)
		return false;
	c = in[in_off++];
	if (c < 0xf0)
		deliver((c & 0x3f) + 1);
	else if (c <= 0xf7 && in_off < in_len)
		page.rsp_prod += (int8_t)in[in_off++];
	else if (c == 0xf8)
		page.rsp_prod = take32();
	else if (c == 0xf9)
		page.req_cons = take32();
	return true;
}

static void fz_notify(void *ctx)
{
	step();
}

static int fz_wait(bool (*cond)(void *), void *arg, uint64_t timeout_ns,
		   void *ctx)
{
	if (step() && cond(arg))
		return 0;
	/* Nothing usable came: time passes, a little or all of it. */
	now += in_off < in_len ? MIN(timeout_ns, 1000000ULL) : timeout_ns;
	return -ETIMEDOUT;
}

static uint64_t fz_now(void *ctx)
{
	return now;
}

static const struct xs_transport fz_transport = {
    .notify = fz_notify,
    .wait = fz_wait,
    .now_ns = fz_now,
};

static void on_event(const char *path, const char *token, void *arg)
{
	/* Only validated events reach a callback. */
	CHECK(!strcmp(token, "tok"));
	CHECK(!strncmp(path, "data/w", 6) && (!path[6] || path[6] == '/'));
	(*(unsigned int *)arg)++;
}

static void check_len(int rc, const char *buf, size_t len)
{
	CHECK(rc < (int)len);
	CHECK(rc < 0 ? rc >= -4095 : buf[rc] == '\0');
}

static int txn_fn(xs_transaction_t t, void *arg)
{
	char buf[16];
	int rc = xs_read(t, "data/k", buf, sizeof(buf));

	check_len(rc, buf, sizeof(buf));
	return rc < 0 ? rc : xs_write(t, "data/k", "v");
}

static void script(void)
{
	static char buf[XENSTORE_PAYLOAD_MAX + 1];
	enum xenbus_state st;
	unsigned int events = 0, count;
	domid_t id;
	uint64_t v;
	int rc;

	rc = xs_watch("data/w", "tok", on_event, &events);
	check_len(xs_read(XS_TXN_NIL, "domid", buf, 8), buf, 8);
	check_len(xs_read(XS_TXN_NIL, "data/x", buf, sizeof(buf)), buf,
		  sizeof(buf));
	rc = xs_directory(XS_TXN_NIL, "data", buf, sizeof(buf), &count);
	CHECK(rc < 0 || xs_parse_dir(buf, rc, &count) == 0);
	rc = xs_read_u64(XS_TXN_NIL, "domid", &v);
	rc = xs_transact(txn_fn, NULL, 2);
	rc = xs_watch_wait(1000000);
	rc = xenbus_read_state("device/vif/0", &st);
	CHECK(rc || (unsigned int)st <= XenbusStateReconfigured);
	rc = xenbus_read_backend("device/vif/0", buf, 64, &id);
	CHECK(rc || (!strncmp(buf, "/local/domain/", 14) &&
		     id < DOMID_FIRST_RESERVED));
	rc = xenbus_wait_state("device/vif/0",
			       XENBUS_STATE_BIT(XenbusStateConnected), &st,
			       300000000ULL);
	rc = xs_write(XS_TXN_NIL, "data/x", "y");
	rc = xs_unwatch("data/w", "tok");
	(void)rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xs_stats st;

	memset(&page, 0, sizeof(page));
	in = data;
	in_len = size;
	in_off = 0;
	now = 0;
	if (xs_attach(&page, &fz_transport))
		__builtin_trap();
	script();
	xs_get_stats(&st);
	/* Broken is for good. */
	if (st.broken) {
		char b[4];

		CHECK(!xs_connected());
		CHECK(xs_read(XS_TXN_NIL, "domid", b, sizeof(b)) == -EIO);
	}
	xs_detach();
	return 0;
}

/* No kernel to stop: make it a crash libFuzzer reports. */
void panic(const char *fmt, ...)
{
	__builtin_trap();
}
