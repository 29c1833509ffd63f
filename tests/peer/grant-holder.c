// SPDX-License-Identifier: MIT
/*
 * grant-holder: dom0 peer of the MSA02 test (ADVISORIES.md).  It maps a
 * guest's grant and holds it while the guest tries to end access, which
 * must then fail; on "release" it unmaps so the guest can reclaim.  The
 * protocol and state machine live in gh.c; this file is the Xen glue
 * (libxenstore, libxengnttab) and the event loop.
 *
 * Usage: grant-holder [--once] [--timeout SECS] [--domid N]
 */
#include "gh.h"
#include "peer_util.h"
#include "peer_xs.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/xen.h>
#include <xengnttab.h>
#include <xenstore.h>

/* Safety net behind the watches: a full rescan this often. */
#define GH_RESCAN_MS 200
/* Poll tick: how soon a stop signal or a timeout is noticed at worst. */
#define GH_TICK_MS 50

struct gh_xen {
	struct xs_handle *xs;
	xengnttab_handle *gt;
};

struct gh_args {
	bool once;
	long domid;		  /* -1: any */
	unsigned long timeout_ms; /* 0: none */
};

static int xen_read(void *ctx, const char *path, char *buf, size_t size)
{
	struct gh_xen *x = ctx;

	return peer_xs_read(x->xs, XBT_NULL, path, buf, size);
}

static int xen_list_domains(void *ctx, unsigned int *ids, unsigned int max)
{
	struct gh_xen *x = ctx;

	return peer_xs_list_domains(x->xs, ids, max);
}

static int xen_write_if(void *ctx, const char *guard, const char *path,
			const char *value)
{
	struct gh_xen *x = ctx;

	return peer_xs_write_if(x->xs, guard, path, value);
}

static void *xen_map(void *ctx, unsigned int domid, uint32_t ref, int *err)
{
	struct gh_xen *x = ctx;
	void *addr;

	/* Read-write: Xen then sets GTF_writing, what MSA02 must notice. */
	addr =
	    xengnttab_map_grant_ref(x->gt, domid, ref, PROT_READ | PROT_WRITE);
	if (!addr)
		*err = errno ? -errno : -EIO;
	return addr;
}

static int xen_unmap(void *ctx, void *addr)
{
	struct gh_xen *x = ctx;

	if (xengnttab_unmap(x->gt, addr, 1))
		return errno ? -errno : -EIO;
	return 0;
}

static const struct gh_ops xen_ops = {
    .read = xen_read,
    .list_domains = xen_list_domains,
    .write_if = xen_write_if,
    .map = xen_map,
    .unmap = xen_unmap,
};

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: grant-holder [--once] [--timeout SECS] [--domid N]\n"
	    "  --once          exit after one map/release cycle or error\n"
	    "  --timeout SECS  give up after SECS seconds\n"
	    "  --domid N       serve only domain N (default: every guest)\n");
}

static int parse_args(int argc, char **argv, struct gh_args *a)
{
	uint32_t v;
	int i;

	a->once = false;
	a->domid = -1;
	a->timeout_ms = 0;
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i],
			   *val = i + 1 < argc ? argv[i + 1] : "";

		if (!strcmp(arg, "--once")) {
			a->once = true;
		} else if (!strcmp(arg, "--timeout")) {
			if (peer_parse_u32(val, strlen(val), 86400, &v) || !v)
				return -EINVAL;
			a->timeout_ms = v * 1000UL;
			i++;
		} else if (!strcmp(arg, "--domid")) {
			if (peer_parse_u32(val, strlen(val),
					   DOMID_FIRST_RESERVED - 1, &v))
				return -EINVAL;
			a->domid = v;
			i++;
		} else {
			return -EINVAL;
		}
	}
	return 0;
}

/* Hand every pending watch event to the core; -errno if xenstore is gone. */
static int drain_watches(struct gh *gh, struct xs_handle *xs)
{
	char **w;

	for (;;) {
		errno = 0;
		w = xs_check_watch(xs);
		if (!w)
			return errno == EAGAIN || errno == 0 ? 0 : -errno;
		gh_watch_event(gh, w[XS_WATCH_PATH]);
		free(w);
	}
}

/* Exit status: 0 done, 1 error (setup, or --once cycle failed), 2 timeout. */
static int serve(struct gh *gh, struct xs_handle *xs, const struct gh_args *a)
{
	uint64_t start = peer_now_ms(), last_scan = start;
	struct pollfd pfd = {.fd = xs_fileno(xs), .events = POLLIN};
	int rc;

	gh_scan(gh);
	while (!peer_stop) {
		if (a->once && (gh->cycles || gh->errors))
			return gh->errors ? 1 : 0;
		if (a->timeout_ms && peer_now_ms() - start >= a->timeout_ms) {
			peer_log("timeout after %lu s", a->timeout_ms / 1000);
			return a->once ? 2 : 0;
		}
		rc = poll(&pfd, 1, GH_TICK_MS);
		if (rc < 0 && errno != EINTR) {
			peer_log("poll: %s", strerror(errno));
			return 1;
		}
		rc = drain_watches(gh, xs);
		if (rc) {
			peer_log("xenstore watch: %s", strerror(-rc));
			return 1;
		}
		if (peer_now_ms() - last_scan >= GH_RESCAN_MS) {
			gh_scan(gh);
			last_scan = peer_now_ms();
		}
	}
	peer_log("stop signal");
	return 0;
}

int main(int argc, char **argv)
{
	struct gh_xen x = {0};
	struct gh_args a;
	struct gh gh;
	int rc = 1;

	peer_log_init("grant-holder");
	if (parse_args(argc, argv, &a)) {
		usage(stderr);
		return 1;
	}
	if (peer_signals_init()) {
		peer_log("cannot install signal handlers");
		return 1;
	}
	x.xs = xs_open(0);
	if (!x.xs) {
		peer_log("xs_open: %s", strerror(errno));
		goto out;
	}
	x.gt = xengnttab_open(NULL, 0);
	if (!x.gt) {
		peer_log("xengnttab_open: %s", strerror(errno));
		goto out_xs;
	}
	/* Watches are recursive: one on /local/domain sees every guest. */
	if (!xs_watch(x.xs, "/local/domain", "gh") ||
	    !xs_watch(x.xs, "@releaseDomain", "gh")) {
		peer_log("xs_watch: %s", strerror(errno));
		goto out_gt;
	}
	if (a.domid >= 0)
		peer_log("started, serving d%ld%s", a.domid,
			 a.once ? ", once" : "");
	else
		peer_log("started, serving every guest%s",
			 a.once ? ", once" : "");
	gh_init(&gh, &xen_ops, &x, a.domid);
	rc = serve(&gh, x.xs, &a);
	gh_shutdown(&gh);
	peer_log("exit %d: %u cycles, %u errors", rc, gh.cycles, gh.errors);
out_gt:
	xengnttab_close(x.gt);
out_xs:
	xs_close(x.xs);
out:
	return rc;
}
