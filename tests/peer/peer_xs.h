/* SPDX-License-Identifier: MIT */
/*
 * Bounded xenstore helpers for the peers (libxenstore).  Values another
 * domain wrote are copied into the caller's fixed buffer, NUL-terminated,
 * and refused when longer: nothing downstream sees an unbounded string.
 */
#ifndef PEER_XS_H
#define PEER_XS_H

#include <stddef.h>
#include <stdint.h>
#include <xenstore.h>

/*
 * Read @path into @buf (at most @size - 1 bytes, then a NUL).  Returns
 * the length (embedded NULs count), -E2BIG if too long, else -errno.
 */
int peer_xs_read(struct xs_handle *xs, xs_transaction_t t, const char *path,
		 char *buf, size_t size);

/* Read a plain decimal not above @max; 0 or -errno (see peer_parse_u32). */
int peer_xs_read_u32(struct xs_handle *xs, xs_transaction_t t, const char *path,
		     uint32_t max, uint32_t *out);

/* printf-style write of one node; 0 or -errno. */
int peer_xs_printf(struct xs_handle *xs, xs_transaction_t t, const char *path,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Write @value at @path in one transaction that first checks @guard still
 * exists, so a dead guest's directory is never re-created.  0, -ENOENT if
 * @guard is gone, or -errno.
 */
int peer_xs_write_if(struct xs_handle *xs, const char *guard, const char *path,
		     const char *value);

/* Numeric entries of /local/domain, at most @max; count or -errno. */
int peer_xs_list_domains(struct xs_handle *xs, unsigned int *ids,
			 unsigned int max);

#endif /* PEER_XS_H */
