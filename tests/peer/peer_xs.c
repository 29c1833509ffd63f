// SPDX-License-Identifier: MIT
/* Bounded xenstore helpers for the peers; see peer_xs.h. */
#include "peer_xs.h"
#include "peer_util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/xen.h>

/* Transactions xenstored keeps refusing with EAGAIN are given up after this. */
#define XS_TXN_RETRIES 16

int peer_xs_read(struct xs_handle *xs, xs_transaction_t t, const char *path,
		 char *buf, size_t size)
{
	unsigned int len;
	char *v;

	v = xs_read(xs, t, path, &len);
	if (!v)
		return errno ? -errno : -EIO;
	if (len >= size) {
		free(v);
		return -E2BIG;
	}
	memcpy(buf, v, len);
	buf[len] = '\0';
	free(v);
	return (int)len;
}

int peer_xs_read_u32(struct xs_handle *xs, xs_transaction_t t, const char *path,
		     uint32_t max, uint32_t *out)
{
	char buf[PEER_U32_MAX_DIGITS + 1];
	int len;

	len = peer_xs_read(xs, t, path, buf, sizeof(buf));
	if (len == -E2BIG)
		return -EINVAL;
	if (len < 0)
		return len;
	return peer_parse_u32(buf, (size_t)len, max, out);
}

int peer_xs_printf(struct xs_handle *xs, xs_transaction_t t, const char *path,
		   const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -E2BIG;
	if (!xs_write(xs, t, path, buf, (unsigned int)n))
		return errno ? -errno : -EIO;
	return 0;
}

int peer_xs_write_if(struct xs_handle *xs, const char *guard, const char *path,
		     const char *value)
{
	unsigned int tries, len;
	xs_transaction_t t;
	void *v;

	for (tries = 0; tries < XS_TXN_RETRIES; tries++) {
		t = xs_transaction_start(xs);
		if (t == XBT_NULL)
			return errno ? -errno : -EIO;
		v = xs_read(xs, t, guard, &len);
		if (!v) {
			int err = errno ? -errno : -EIO;

			xs_transaction_end(xs, t, true);
			return err;
		}
		free(v);
		if (!xs_write(xs, t, path, value,
			      (unsigned int)strlen(value))) {
			int err = errno ? -errno : -EIO;

			xs_transaction_end(xs, t, true);
			return err;
		}
		if (xs_transaction_end(xs, t, false))
			return 0;
		/* EAGAIN: someone wrote under us (the guest); try again. */
		if (errno != EAGAIN)
			return -errno;
	}
	return -EAGAIN;
}

int peer_xs_list_domains(struct xs_handle *xs, unsigned int *ids,
			 unsigned int max)
{
	unsigned int num, i, n = 0;
	char **names;
	uint32_t id;

	names = xs_directory(xs, XBT_NULL, "/local/domain", &num);
	if (!names)
		return errno ? -errno : -EIO;
	for (i = 0; i < num && n < max; i++) {
		if (peer_parse_u32(names[i], strlen(names[i]),
				   DOMID_FIRST_RESERVED - 1, &id))
			continue;
		ids[n++] = id;
	}
	/* One allocation holds the array and the strings. */
	free(names);
	return (int)n;
}
