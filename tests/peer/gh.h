/* SPDX-License-Identifier: MIT */
/*
 * grant-holder core: the protocol and per-guest state machine, with every
 * Xen access behind struct gh_ops so the host unit test can drive it with
 * a fake xenstore and a fake grant mapper (tests/peer/test_gh.c).
 *
 * Protocol (MSA02 "test with a peer"), all under the guest's home
 * /local/domain/<domid>/data/ktest-gh/:
 *   ref    the guest writes a decimal grant reference, granted read-write
 *          to domid 0, of a page filled with byte[i] = (i & 0xff) ^ 0x5a
 *   cmd    then "map"; later "release"; then "map" again for a new cycle
 *   state  we answer "mapped", "released" or "error <reason>"
 * A command is acted on when cmd changes, never twice for one write.
 */
#ifndef GH_H
#define GH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GH_PAGE_SIZE   4096
#define GH_PATTERN_XOR 0x5a
/* Guests tracked at once; each scenario's guest is forgotten when it dies. */
#define GH_MAX_GUESTS 64
/* Entries of /local/domain looked at per scan. */
#define GH_MAX_DOMAINS 256
/* Longest value we accept in cmd or ref; anything longer is bad input. */
#define GH_VALUE_MAX 16

enum gh_cmd {
	GH_CMD_NONE, /* no cmd node (yet, or removed) */
	GH_CMD_MAP,
	GH_CMD_RELEASE,
	GH_CMD_BAD, /* anything else */
};

struct gh_ops {
	/*
	 * Read @path into @buf, NUL-terminated.  Returns the value's length
	 * (which may count embedded NULs), -E2BIG if it does not fit in
	 * @size - 1 bytes, or another -errno (-ENOENT: no such node).
	 */
	int (*read)(void *ctx, const char *path, char *buf, size_t size);
	/* Domain ids under /local/domain, at most @max; count or -errno. */
	int (*list_domains)(void *ctx, unsigned int *domids, unsigned int max);
	/*
	 * Write @value at @path only while @guard exists, atomically, so a
	 * dead guest's directory is never re-created.  0, -ENOENT if @guard
	 * is gone, or another -errno.
	 */
	int (*write_if)(void *ctx, const char *guard, const char *path,
			const char *value);
	/* Map one grant read-write; NULL and -errno in *err on failure. */
	void *(*map)(void *ctx, unsigned int domid, uint32_t ref, int *err);
	/* Unmap what map returned; 0 or -errno. */
	int (*unmap)(void *ctx, void *addr);
};

struct gh_guest {
	bool used;
	unsigned int domid;
	enum gh_cmd last_cmd; /* the command last acted on (edge detection) */
	bool mapped;
	uint32_t ref;
	void *addr;
};

struct gh {
	const struct gh_ops *ops;
	void *ctx;
	long only_domid;     /* -1: serve every domain */
	unsigned int cycles; /* map/release cycles completed */
	unsigned int errors; /* "error ..." states reported */
	bool table_full_logged;
	struct gh_guest guests[GH_MAX_GUESTS];
};

void gh_init(struct gh *gh, const struct gh_ops *ops, void *ctx,
	     long only_domid);

/* Look at every domain: serve its command, forget (and unmap) dead ones. */
void gh_scan(struct gh *gh);

/* Serve one domain's current command, if it changed. */
void gh_poll_domain(struct gh *gh, unsigned int domid);

/* Route one fired xenstore watch path to gh_poll_domain() or gh_scan(). */
void gh_watch_event(struct gh *gh, const char *path);

/* Unmap everything still mapped (on exit); returns how many were. */
unsigned int gh_shutdown(struct gh *gh);

/* Number of grants currently mapped. */
unsigned int gh_mapped_count(const struct gh *gh);

/* cmd value (@len bytes, may hold NULs) to enum gh_cmd. */
enum gh_cmd gh_parse_cmd(const char *s, int len);

/* True if @page holds the pattern; else the first bad offset in *bad. */
bool gh_check_pattern(const uint8_t *page, size_t *bad);

/* Parse "/local/domain/<id>[/...]": domid and the rest ("" or "/..."). */
int gh_parse_domain_path(const char *path, unsigned int *domid,
			 const char **rest);

#endif /* GH_H */
