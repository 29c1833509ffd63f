/*
 * The xenstore wire protocol, as pure functions: frame one message out of
 * the response byte stream, and check the bodies of replies and events.
 * No I/O beyond xs_ring_read(), no global state: the host tests and the
 * fuzz harness drive these directly.
 */
#include "kernel/xen/xenstore/xs_priv.h"
#include "lib/string.h"

#define HDR_SIZE sizeof(struct xsd_sockmsg)
/* Digits of UINT64_MAX. */
#define U64_DIGITS 20

void xs_rx_reset(struct xs_rx *rx)
{
	rx->got = 0;
}

static bool rx_complete(const struct xs_rx *rx)
{
	return rx->got >= HDR_SIZE && rx->got - HDR_SIZE == rx->hdr.len;
}

/*
 * The length field sizes our copy: it must fit before anything uses it
 * (XSCLIENT-LEN: a reply over XENSTORE_PAYLOAD_MAX is never read, the
 * stream is broken instead; BUGGY=xs-reply-len).
 */
static bool len_ok(uint32_t len)
{
	return BUGGY(XS_REPLY_LEN) || len <= XENSTORE_PAYLOAD_MAX;
}

int xs_rx_pull(struct xs_rx *rx, struct xs_ring *r)
{
	size_t body_got;
	int n;

	if (rx_complete(rx))
		xs_rx_reset(rx);
	if (rx->got < HDR_SIZE) {
		/* Copy the header out whole before looking at it (XSA-155). */
		n = xs_ring_read(r, rx->raw + rx->got, HDR_SIZE - rx->got);
		if (n < 0)
			return n;
		rx->got += n;
		if (rx->got < HDR_SIZE)
			return 0;
		memcpy(&rx->hdr, rx->raw, HDR_SIZE);
	}
	/*
	 * xs_wire.h: a length over XENSTORE_PAYLOAD_MAX is "very bad".  We
	 * cannot tell where the next message starts: unframeable.
	 */
	if (!len_ok(rx->hdr.len))
		return -EPROTO;
	body_got = rx->got - HDR_SIZE;
	n = xs_ring_read(r, rx->body + body_got, rx->hdr.len - body_got);
	if (n < 0)
		return n;
	rx->got += n;
	if (!rx_complete(rx))
		return 0;
	/* Terminated by us: never trust the peer's terminator. */
	rx->body[rx->hdr.len] = '\0';
	return 1;
}

bool xs_type_known(uint32_t type)
{
	/* The hole after XS_SET_TARGET was XS_RESTRICT, now removed. */
	return type < XS_TYPE_COUNT && type != XS_SET_TARGET + 1;
}

int xs_errno_from_body(const char *body, size_t len)
{
	size_t n = strnlen(body, len);

	for (size_t i = 0; i < ARRAY_SIZE(xsd_errors); i++) {
		const char *s = xsd_errors[i].errstring;

		if (strlen(s) == n && !memcmp(s, body, n))
			return -xsd_errors[i].errnum;
	}
	return 0;
}

int xs_parse_event(const char *body, size_t len, const char **path,
		   const char **token)
{
	size_t plen = strnlen(body, len), tlen;

	/* "path\0token\0": the path's NUL must be inside the body. */
	if (!plen || plen >= len)
		return -EPROTO;
	tlen = strnlen(body + plen + 1, len - plen - 1);
	if (!tlen)
		return -EPROTO;
	*path = body;
	*token = body + plen + 1;
	return 0;
}

int xs_parse_dir(const char *body, size_t len, unsigned int *count)
{
	unsigned int nr = 0;
	size_t off = 0;

	if (len && body[len - 1] != '\0')
		return -EPROTO;
	while (off < len) {
		size_t n = strnlen(body + off, len - off);

		/* A hostile "" or "../x" must not reach a caller's path. */
		if (!n || memchr(body + off, '/', n))
			return -EPROTO;
		nr++;
		off += n + 1;
	}
	*count = nr;
	return 0;
}

int xs_parse_u64(const char *s, size_t len, uint64_t *out)
{
	/* Every byte a digit: no embedded NUL ending the number early. */
	if (!len || memchr(s, '\0', len))
		return -EINVAL;
	if (len > U64_DIGITS)
		return -ERANGE;
	return kstrtou64(s, len, 10, out);
}
