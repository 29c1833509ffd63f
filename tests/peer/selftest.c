// SPDX-License-Identifier: MIT
/*
 * peer-selftest main and the grant-holder half; see selftest.h.
 * Usage: peer-selftest [gh] [nb:SCENARIO ...]   (no argument: everything)
 * Prints "peer-selftest: PASS" or "peer-selftest: FAIL (n)" last, then,
 * when $KTEST_NAME is set, destroys that (placeholder) guest so the
 * scenario ends at once.
 */
#include "gh.h"
#include "nb.h"
#include "peer_util.h"
#include "selftest.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xengnttab.h>

#define GH_DIR "/local/domain/0/data/ktest-gh"

unsigned int st_failed;
static char st_dir[PATH_MAX];

pid_t st_spawn(const char *prog, char *const argv[])
{
	char path[PATH_MAX + 64];
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", st_dir, prog);
	pid = fork();
	if (pid == 0) {
		execv(path, argv);
		_exit(127);
	}
	return pid;
}

int st_stop(pid_t pid)
{
	int status, i;

	kill(pid, SIGTERM);
	for (i = 0; i < 100; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		usleep(50 * 1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

bool st_wait_value(struct xs_handle *xs, const char *path, const char *want,
		   bool prefix, unsigned int ms)
{
	uint64_t end = peer_now_ms() + ms;
	unsigned int len;
	char *v = NULL;
	bool ok;

	do {
		free(v);
		v = xs_read(xs, XBT_NULL, path, &len);
		ok = v && (prefix ? !strncmp(v, want, strlen(want))
				  : !strcmp(v, want));
		if (ok)
			break;
		usleep(20 * 1000);
	} while (peer_now_ms() < end);
	if (!ok)
		peer_log("%s is \"%s\", not \"%s\"", path, v ? v : "(none)",
			 want);
	free(v);
	return ok;
}

bool st_write(struct xs_handle *xs, const char *path, const char *value)
{
	if (xs_write(xs, XBT_NULL, path, value, strlen(value)))
		return true;
	peer_log("FAIL writing %s: %s", path, strerror(errno));
	st_failed++;
	return false;
}

/* One map/release request as the guest does it; the answer it got. */
static bool gh_request(struct xs_handle *xs, const char *ref, const char *want,
		       bool prefix)
{
	xs_rm(xs, XBT_NULL, GH_DIR "/state");
	return st_write(xs, GH_DIR "/ref", ref) &&
	       st_write(xs, GH_DIR "/cmd", "map") &&
	       st_wait_value(xs, GH_DIR "/state", want, prefix, 5000);
}

static bool gh_release(struct xs_handle *xs)
{
	return st_write(xs, GH_DIR "/cmd", "release") &&
	       st_wait_value(xs, GH_DIR "/state", "released", false, 5000);
}

void st_grant_holder(struct xs_handle *xs)
{
	char *argv[] = {"grant-holder", "--domid", "0", NULL};
	xengntshr_handle *gs;
	char ref[16];
	uint32_t r;
	uint8_t *page;
	pid_t pid;
	int i;

	peer_log("grant-holder: begin");
	gs = xengntshr_open(NULL, 0);
	ST_CHECK(gs, "xengntshr_open: %s", strerror(errno));
	if (!gs)
		return;
	page = xengntshr_share_pages(gs, 0, 1, &r, 1);
	ST_CHECK(page, "share: %s", strerror(errno));
	if (!page)
		goto out;
	for (i = 0; i < GH_PAGE_SIZE; i++)
		page[i] = (uint8_t)((i & 0xff) ^ GH_PATTERN_XOR);
	snprintf(ref, sizeof(ref), "%u", r);
	xs_rm(xs, XBT_NULL, GH_DIR);
	pid = st_spawn("grant-holder", argv);
	ST_CHECK(pid > 0, "spawn failed");
	/* Two full cycles on the same grant. */
	ST_CHECK(gh_request(xs, ref, "mapped", false), "cycle 1 map");
	ST_CHECK(gh_release(xs), "cycle 1 release");
	ST_CHECK(gh_request(xs, ref, "mapped", false), "cycle 2 map");
	ST_CHECK(gh_release(xs), "cycle 2 release");
	/* A wrong byte is seen, reported, and the mapping dropped. */
	page[GH_PAGE_SIZE - 1] ^= 1;
	ST_CHECK(gh_request(xs, ref, "error pattern mismatch", true),
		 "mismatch");
	ST_CHECK(gh_release(xs), "release after mismatch");
	/* Bad input: reported, never crashes the holder. */
	ST_CHECK(gh_request(xs, "12x", "error bad ref", false), "bad ref");
	ST_CHECK(gh_release(xs), "release after bad ref");
	ST_CHECK(gh_request(xs, "99999", "error map ref 99999", true),
		 "unknown ref");
	ST_CHECK(gh_release(xs), "release after unknown ref");
	/* Held at exit: the holder unmaps on SIGTERM and exits 0. */
	page[GH_PAGE_SIZE - 1] ^= 1;
	ST_CHECK(gh_request(xs, ref, "mapped", false), "map before stop");
	ST_CHECK(st_stop(pid) == 0, "grant-holder exit status");
	xs_rm(xs, XBT_NULL, GH_DIR);
	xengntshr_unshare(gs, page, 1);
out:
	xengntshr_close(gs);
	peer_log("grant-holder: end");
}

static void set_dir(const char *argv0)
{
	char *slash;

	if (readlink("/proc/self/exe", st_dir, sizeof(st_dir) - 1) < 0)
		snprintf(st_dir, sizeof(st_dir), "%s", argv0);
	slash = strrchr(st_dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(st_dir, sizeof(st_dir), ".");
}

int main(int argc, char **argv)
{
	static const char *const all[] = {
	    "gh",
	    "nb:good",
	    "nb:dup-id",
	    "nb:stale-id",
	    "nb:bad-id",
	    "nb:rx-overflow",
	    "nb:bad-status",
	    "nb:prod-jump",
	    "nb:prod-rewind",
	    "nb:storm",
	    "nb:hold-tx-grant",
	    "nb:close-mid",
	};
	const char *name = getenv("KTEST_NAME");
	struct xs_handle *xs;
	char cmd[128];
	int i, n = argc > 1 ? argc - 1 : (int)(sizeof(all) / sizeof(all[0]));

	peer_log_init("peer-selftest");
	set_dir(argv[0]);
	signal(SIGPIPE, SIG_IGN);
	xs = xs_open(0);
	if (!xs) {
		peer_log("FAIL xs_open: %s", strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		const char *t = argc > 1 ? argv[i + 1] : all[i];

		if (!strcmp(t, "gh"))
			st_grant_holder(xs);
		else if (!strncmp(t, "nb:", 3))
			st_netback(xs, t + 3);
		else
			peer_log("FAIL unknown test %s", t), st_failed++;
	}
	xs_close(xs);
	if (st_failed)
		peer_log("FAIL (%u)", st_failed);
	else
		peer_log("PASS");
	if (name) {
		/*
		 * Our placeholder guest only waits.  An NMI without an IDT
		 * triple-faults it: a shutdown that dom0's init sees at once
		 * (a plain destroy would leave init waiting for its timeout).
		 */
		snprintf(cmd, sizeof(cmd), "xl trigger %s nmi", name);
		if (system(cmd))
			peer_log("'%s' failed", cmd);
	}
	return st_failed ? 1 : 0;
}
