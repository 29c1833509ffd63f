/*
 * The xenstore operations callers use, on top of xs_request().  Each one
 * copies what it needs out of the reply, then delivers pending watch
 * events (finish()): a callback may issue requests of its own, which
 * reuse the reply buffer, so the copy must come first.
 */
#include "kernel/xen/xenstore/xs_priv.h"
#include "lib/string.h"

/* Enough for any u64 in decimal plus one byte to see it is too long. */
#define U64_BUF 24

static int finish(int rc)
{
	xs_watch_poll();
	return rc;
}

static int path_iov(const char *path, struct xs_iov *iov)
{
	size_t n = strnlen(path, XENSTORE_ABS_PATH_MAX + 1);

	if (!n)
		return -EINVAL;
	if (n > XENSTORE_ABS_PATH_MAX)
		return -E2BIG;
	*iov = (struct xs_iov){path, n + 1};
	return 0;
}

/* One request whose only argument is `path`. */
static int path_request(uint32_t type, xs_transaction_t t, const char *path,
			const char **body, uint32_t *len)
{
	struct xs_iov iov;
	int rc = path_iov(path, &iov);

	return rc ? rc : xs_request(type, t, &iov, 1, body, len);
}

int xs_read(xs_transaction_t t, const char *path, char *buf, size_t len)
{
	const char *body;
	uint32_t blen;
	int rc = path_request(XS_READ, t, path, &body, &blen);

	if (!rc && blen >= len)
		rc = -ERANGE;
	if (!rc) {
		memcpy(buf, body, blen);
		buf[blen] = '\0';
		rc = (int)blen;
	}
	return finish(rc);
}

int xs_write(xs_transaction_t t, const char *path, const char *val)
{
	struct xs_iov iov[2];
	const char *body;
	uint32_t blen;
	int rc = path_iov(path, &iov[0]);

	if (rc)
		return rc;
	/* The value goes without its NUL, as xenstored stores it. */
	iov[1] = (struct xs_iov){val, strnlen(val, XENSTORE_PAYLOAD_MAX + 1)};
	rc = xs_request(XS_WRITE, t, iov, 2, &body, &blen);
	return finish(xs_expect_ok(rc, body));
}

int xs_rm(xs_transaction_t t, const char *path)
{
	const char *body;
	uint32_t blen;
	int rc = path_request(XS_RM, t, path, &body, &blen);

	return finish(xs_expect_ok(rc, body));
}

int xs_directory(xs_transaction_t t, const char *path, char *buf, size_t len,
		 unsigned int *count)
{
	const char *body;
	uint32_t blen;
	int rc = path_request(XS_DIRECTORY, t, path, &body, &blen);

	if (!rc && xs_parse_dir(body, blen, count)) {
		xs_malformed("directory");
		rc = -EPROTO;
	}
	if (!rc && blen > len)
		rc = -ERANGE;
	if (!rc) {
		memcpy(buf, body, blen);
		rc = (int)blen;
	}
	return finish(rc);
}

int xs_read_u64(xs_transaction_t t, const char *path, uint64_t *out)
{
	char buf[U64_BUF];
	int rc = xs_read(t, path, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	return xs_parse_u64(buf, (size_t)rc, out);
}

int xs_transaction_start(xs_transaction_t *t)
{
	struct xs_iov iov = {"", 1};
	const char *body;
	uint32_t blen;
	uint64_t id;
	int rc =
	    xs_request(XS_TRANSACTION_START, XS_TXN_NIL, &iov, 1, &body, &blen);

	/* The id is decimal text; 0 would mean "no transaction". */
	if (!rc && (xs_parse_u64(body, strnlen(body, blen), &id) || !id ||
		    id > UINT32_MAX)) {
		xs_malformed("transaction id");
		rc = -EPROTO;
	}
	if (!rc)
		*t = (xs_transaction_t)id;
	return finish(rc);
}

int xs_transaction_end(xs_transaction_t t, bool abort)
{
	struct xs_iov iov = {abort ? "F" : "T", 2};
	const char *body;
	uint32_t blen;
	int rc;

	if (t == XS_TXN_NIL)
		return -EINVAL;
	rc = xs_request(XS_TRANSACTION_END, t, &iov, 1, &body, &blen);
	return finish(xs_expect_ok(rc, body));
}

int xs_transact(int (*fn)(xs_transaction_t t, void *arg), void *arg,
		unsigned int max_retries)
{
	for (unsigned int i = 0;; i++) {
		xs_transaction_t t;
		int rc = xs_transaction_start(&t);

		if (rc)
			return rc;
		rc = fn(t, arg);
		if (rc) {
			/* Our verdict stands whatever the abort says. */
			int arc = xs_transaction_end(t, true);

			(void)arc;
		} else {
			rc = xs_transaction_end(t, false);
		}
		if (rc != -EAGAIN || i >= max_retries)
			return rc;
		xs_stats.txn_retries++;
	}
}
